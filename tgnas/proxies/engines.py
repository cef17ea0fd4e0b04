"""Where a proxy sweep's rows are computed: here, one after another, or as tasks on a Ray cluster.

An engine is ``run(archs, config, batch, data_batch, finished, **options)``: it computes
:func:`~tgnas.proxies.sweep.proxy_row` of every architecture and calls ``finished(row)`` in the driver
process as each row arrives (the driver writes the result file). Rows are seeded by the sweep's seed alone,
and every engine runs torch with the same number of threads (``threads``; default: the driver's), so every
engine writes the same values bit for bit for one ``threads`` (another thread count rounds sums otherwise, in
the last digits). On a machine whose cores the workers share, ``threads=1`` avoids oversubscription.

``ray``: one task per architecture, at most ``2 x workers`` in flight; ``address`` joins an existing cluster
(``ray start --head`` elsewhere; default: a local Ray instance with ``workers`` CPUs, all of this machine's
by default). Ray retries a task whose worker died; an interrupted driver leaves every finished row in the
file, and the next run computes only the missing ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from tgnas.errors import TgnasError
from tgnas.registry import Registry

ENGINES: Registry[Callable] = Registry("proxy engine")


@ENGINES.register("serial")
def run_serial(
    archs: Sequence[str],
    config,
    batch,
    data_batch,
    finished: Callable[[dict], None],
    threads: int | None = None,
) -> None:
    """Every row in this process, in order (with ``threads`` torch threads, restored afterwards)."""
    import torch

    from tgnas.proxies.sweep import proxy_row

    before = torch.get_num_threads()
    torch.set_num_threads(_threads(threads))
    try:
        for arch in archs:
            finished(proxy_row(arch, config, batch, data_batch))
    finally:
        torch.set_num_threads(before)


def _threads(threads: int | None) -> int:
    """``threads``, checked; ``None``: this process's torch thread count."""
    import torch

    if threads is None:
        return torch.get_num_threads()
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise TgnasError(f"--threads must be a positive integer, got {threads!r}")
    return threads


def _remote_row(arch: str, config, batch, data_batch, threads: int) -> dict:
    """A task: one row with ``threads`` torch threads (the serial run's count rounds sums alike)."""
    import torch

    from tgnas.proxies.sweep import proxy_row

    torch.set_num_threads(threads)
    return proxy_row(arch, config, batch, data_batch)


@ENGINES.register("ray")
def run_ray(
    archs: Sequence[str],
    config,
    batch,
    data_batch,
    finished: Callable[[dict], None],
    address: str | None = None,
    workers: int | None = None,
    threads: int | None = None,
) -> None:
    """Every row as a Ray task (see the module docstring)."""
    try:
        import ray
    except ImportError:
        raise TgnasError("--engine ray needs Ray: pip install 'tgnas[ray]' (or pip install ray)") from None
    if workers is not None and workers < 1:
        raise TgnasError(f"--workers must be at least 1, got {workers}")
    n_threads = _threads(threads)
    started = not ray.is_initialized()
    if started and address:
        check_answers(address)
    if started:
        options = {"address": address} if address else {"num_cpus": workers}
        try:
            ray.init(**options, include_dashboard=False, log_to_driver=False, configure_logging=False)
        except (ConnectionError, ValueError, RuntimeError) as exc:
            raise TgnasError(f"cannot start or reach Ray ({address or 'local'}): {exc}") from None
    try:
        task = ray.remote(num_cpus=1, max_retries=3)(_remote_row)
        shared = [ray.put(x) for x in (config, batch, data_batch)]
        limit = 2 * (workers or max(1, int(ray.cluster_resources().get("CPU", 1))))
        pending, queue = [], list(archs)
        while queue or pending:
            while queue and len(pending) < limit:
                pending.append(task.remote(queue.pop(0), *shared, n_threads))
            ready, pending = ray.wait(pending, num_returns=1)
            for ref in ready:
                finished(ray.get(ref))
    finally:
        if started:
            ray.shutdown()


def check_answers(address: str, timeout: float = 5.0) -> None:
    """Raises :class:`TgnasError` unless something listens at a ``host:port`` (or ``ray://host:port``) Ray
    address: Ray itself waits minutes for a head that is not there. ``auto`` is left to Ray."""
    import socket

    if address == "auto":
        return
    host, sep, port = address.removeprefix("ray://").rpartition(":")
    if not sep or not host or not port.isdigit():
        raise TgnasError(f"--address must look like HOST:PORT (or ray://HOST:PORT or auto), got {address!r}")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
    except OSError as exc:
        raise TgnasError(
            f"no Ray head answers at {address} ({exc.strerror or exc}); start one with ray start --head"
        ) from None
