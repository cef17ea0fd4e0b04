"""The one caller that runs proxies: it copies, initialises, seeds and guards.

For every requested family the runner takes a fresh deep copy of the model on ``device``, initialises it
the family's way (:mod:`tgnas.proxies.init`; every family but Zen: convolution and linear weights
Kaiming-normal with fan-in, ReLU gain, biases 0; batch-norm weight 1, bias 0, running statistics reset),
puts it in the family's mode (train mode, i.e. batch statistics, unless the family asks for eval), seeds
torch with ``seed``, and calls the proxy. A value that is NaN or infinite, or a proxy that raises a
numerical error, becomes :data:`WORST` (``-inf``: ranked below every finite value) and is recorded in
:attr:`ProxyResult.failures`. Input errors (unknown names, models without the layers a proxy needs, bad
batches) raise :class:`~tgnas.proxies.base.ProxyError`.
"""

from __future__ import annotations

import copy
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
from torch import nn

from tgnas.errors import TgnasError, cause
from tgnas.proxies.base import FAMILIES, PROXIES, ProxyBatch, ProxyError
from tgnas.proxies.init import INITS

WORST = float("-inf")


@dataclass
class ProxyResult:
    """Proxy values of one model.

    Attributes:
        values: ``{proxy: value}``; failed values are :data:`WORST`.
        failures: ``{proxy: reason}`` for every value that was NaN/inf or raised a numerical error.
        seconds: ``{family: wall seconds}``.
    """

    values: dict[str, float] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def resolve(names: Sequence[str]) -> list[str]:
    """Expands family names (``az`` -> its four proxies) and checks every name; keeps order, no repeats.

    Raises:
        UnknownNameError: a name that is neither a proxy nor a family.
        TgnasError: no name at all.
    """
    if not names:
        raise TgnasError("no proxy named: give at least one proxy or family, e.g. az")
    out: list[str] = []
    for name in names:
        if name in FAMILIES and name not in PROXIES:
            expanded: Sequence[str] = FAMILIES.get(name).outputs
        else:
            PROXIES.get(name)  # raises UnknownNameError listing the proxies
            expanded = [name]
        for n in expanded:
            if n not in out:
                out.append(n)
    return out


def compute_proxies(
    model: nn.Module,
    batch: ProxyBatch,
    names: Sequence[str],
    seed: int = 0,
    device: str | torch.device = "cpu",
    channels_last: bool = True,
    reuse_model: bool = False,
    data_batch: ProxyBatch | None = None,
) -> ProxyResult:
    """Runs the named proxies (or families) on copies of ``model``; the caller's model is left untouched.

    Every family sees ``batch``, except that families that read the images themselves (``data=True``:
    snip, grad_norm, grasp, fisher, NWOT, jacob_cov) see ``data_batch`` when one is given (real images).

    With ``reuse_model`` the last family runs on ``model`` itself (re-initialised in place), saving one
    deep copy: for callers that built the network only for this call, like the sweep.

    With ``channels_last`` (the default) the copies and the images use the channels-last memory layout,
    which makes convolutions on CPU about twice as fast; values agree with the default layout up to
    floating-point rounding.
    """
    wanted = resolve(names)
    layout = torch.channels_last if channels_last else torch.contiguous_format

    def placed(b: ProxyBatch) -> ProxyBatch:
        b = b.to(device)
        return ProxyBatch(b.inputs.contiguous(memory_format=layout), b.targets, b.num_classes)

    batch = placed(batch)
    data = placed(data_batch) if data_batch is not None else batch
    families: dict[str, list[str]] = {}
    for name in wanted:
        families.setdefault(PROXIES.get(name).family, []).append(name)
    result = ProxyResult()
    for k, (family, outputs) in enumerate(families.items(), start=1):
        spec = FAMILIES.get(family)
        # seeds the initialisation and anything random inside the proxy, in a forked RNG state
        place = torch.device(device)
        with torch.random.fork_rng(devices=[place] if place.type == "cuda" else []):
            torch.manual_seed(seed)
            # initialise in the default layout (the random draws fill memory in order), then convert
            own = model if reuse_model and k == len(families) else copy.deepcopy(model)
            net = INITS.get(spec.init)(own.to(device)).to(memory_format=layout)
            net.train(spec.mode == "train")
            start = time.perf_counter()
            try:
                values = spec.fn(net, data if spec.data else batch)
            except ProxyError:
                raise
            except (RuntimeError, FloatingPointError, ZeroDivisionError, ValueError, IndexError) as exc:
                values = {name: float("nan") for name in outputs}
                for name in outputs:
                    result.failures[name] = cause(exc)
            result.seconds[family] = time.perf_counter() - start
        for name in outputs:
            value = float(values.get(name, float("nan")))
            if not math.isfinite(value):
                result.failures.setdefault(name, f"non-finite value {value}")
                value = WORST
            result.values[name] = value
    return result
