"""Any ``torch.nn.Module`` -> an operator graph with generated descriptions.

:func:`graph_from_module` traces the model with ``torch.fx`` (symbolic tracing, then one run on the example
input to record shapes): every leaf module call (convolution, linear, normalisation, activation, pooling,
identity) and every computing function or method (addition, concatenation, multiplication, ...) becomes a
node whose ``text`` is generated from its hyper-parameters (:mod:`tgnas.trace.ops`), edges follow data
flow, and node costs (parameters, FLOPs per sample, :func:`tgnas.cost.module_flops`) are attached. Pure
data-movement operations (flatten, view, reshape, getitem, dropout, ...) are contracted away; a value that
holds no tensor (``x.size(0)``, a shape) passes no edge on. The model is traced and run in eval mode (its
mode restored after), so a branch taken only in training (an auxiliary head, drop-path) is not drawn.

When symbolic tracing fails (data-dependent control flow), the documented fallback records leaf-module
calls with forward hooks during one real forward pass: module nodes are exact, but functional operations
between modules are invisible; a module whose input was produced by such an operation is connected to
every module whose output had not been consumed yet (a residual ``a + b`` becomes two edges into the next
module). The fallback follows the path the example input takes through data-dependent branches. The
result says which method was used (``TracedGraph.method``) and a warning is issued.

Size limit: graphs of up to :data:`MAX_NODES` nodes; larger models raise :class:`TgnasError` (the GCN's
memory grows linearly with nodes; batch fewer graphs per call past a few thousand nodes).
"""

from __future__ import annotations

import numbers
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import fx, nn

from tgnas.cost import module_flops
from tgnas.errors import TgnasError, cause
from tgnas.opgraph import INPUT, OUTPUT, OpGraph, prune_unreachable
from tgnas.trace.ops import SHAPE_ONLY, SHAPE_ONLY_MODULES, describe_function, describe_module

MAX_NODES = 20_000


class TraceError(TgnasError):
    """A model cannot be turned into an operator graph (names the model and the reason)."""


@dataclass(frozen=True)
class TracedGraph:
    """The operator graph of a module and how it was obtained.

    Attributes:
        graph: operators on nodes; ``texts`` hold the generated descriptions, ``costs`` params/FLOPs.
        method: ``"fx"`` (symbolic trace) or ``"hooks"`` (the fallback; see the module docstring).
        generic: operations described only by their class/function name (no registered describer).
    """

    graph: OpGraph
    method: str
    generic: tuple[str, ...] = ()


def _name_of(target) -> str:
    if isinstance(target, str):
        return target
    name = getattr(target, "__name__", str(target))
    return {"add": "add", "iadd": "add", "mul": "mul", "getitem": "getitem"}.get(name, name)


def _check(model: nn.Module, example: torch.Tensor) -> None:
    if not isinstance(model, nn.Module):
        raise TraceError(f"graph_from_module needs a torch.nn.Module, got {type(model).__name__}")
    if not isinstance(example, torch.Tensor):
        raise TraceError(f"the example input must be a tensor, got {type(example).__name__}")
    if any(p.is_meta for p in model.parameters()) or example.is_meta:
        raise TraceError(
            f"{type(model).__name__} has parameters on the meta device: materialise it (e.g. to_empty + "
            "init) before tracing; shapes alone cannot be run"
        )


def _run(model: nn.Module, example: torch.Tensor, fn) -> None:
    was = model.training
    model.eval()
    try:
        with torch.no_grad():
            fn(example)
    except Exception as exc:  # the user's model: any error type
        raise TraceError(
            f"{type(model).__name__} failed on an input of shape {tuple(example.shape)}: {cause(exc)}"
        ) from None
    finally:
        model.train(was)


def graph_from_module(model: nn.Module, example_input: torch.Tensor, fallback: bool = True) -> TracedGraph:
    """Traces ``model`` on ``example_input`` (one batch, e.g. ``torch.zeros(1, 3, 32, 32)``).

    Raises:
        TraceError: not a module, meta-device parameters, the input does not fit the model, tracing
            fails and ``fallback`` is off, or the graph exceeds :data:`MAX_NODES`.
    """
    _check(model, example_input)
    was = model.training
    model.eval()  # the network as it infers: no branch taken only in training (an auxiliary head, drop-path)
    try:
        traced = fx.symbolic_trace(model)
    except Exception as exc:  # fx raises TraceError, TypeError, NotImplementedError, ...
        if not fallback:
            raise TraceError(f"torch.fx cannot trace {type(model).__name__}: {cause(exc)}") from None
        warnings.warn(
            f"torch.fx cannot trace {type(model).__name__} ({type(exc).__name__}); falling back to forward "
            "hooks: functional operations between modules are not seen (see tgnas.trace)",
            stacklevel=2,
        )
        return _from_hooks(model, example_input)
    finally:
        model.train(was)
    return _from_fx(model, traced, example_input)


def _holds_tensor(value: object) -> bool:
    """Whether a traced value is or contains a tensor (a shape or a number does not)."""
    if isinstance(value, torch.Tensor):
        return True
    return isinstance(value, list | tuple | dict) and any(
        _holds_tensor(v) for v in (value.values() if isinstance(value, dict) else value)
    )


def _module_cost(mod: nn.Module, x: object, y: object) -> dict[str, float]:
    """The module's own parameters and, when its input and output are tensors, its FLOPs per sample."""
    cost = {"params": float(sum(p.numel() for p in mod.parameters(recurse=False)))}
    if isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor):
        flops = module_flops(mod, x[:1], y[:1])
        if flops is not None:
            cost["flops"] = float(flops)
    return cost


def _from_fx(model: nn.Module, traced: fx.GraphModule, example: torch.Tensor) -> TracedGraph:
    values: dict[str, torch.Tensor] = {}

    class Recorder(fx.Interpreter):
        def run_node(self, n):
            out = super().run_node(n)
            values[n.name] = out
            return out

    _run(model, example, lambda x: Recorder(traced).run(x))
    placeholders = [n for n in traced.graph.nodes if n.op == "placeholder"]
    if len(placeholders) != 1:
        raise TraceError(
            f"{type(model).__name__}: tgnas traces single-input models, this one takes {len(placeholders)}"
        )
    modules = dict(traced.named_modules())
    ops, texts, costs, generic = [INPUT], [None], [None], []
    index: dict[str, list[int]] = {placeholders[0].name: [0]}  # fx node -> the graph nodes it stands for
    edges: list[tuple[int, int]] = []
    for n in traced.graph.nodes:
        if n.op in ("placeholder", "get_attr"):
            index.setdefault(n.name, [])
            continue
        sources = sorted({i for a in n.all_input_nodes for i in index.get(a.name, [])})
        if n.op == "output":
            out = len(ops)
            ops.append(OUTPUT)
            texts.append(None)
            costs.append(None)
            edges.extend((s, out) for s in sources)
            break
        if n.op == "call_module" and type(modules[n.target]).__name__ in SHAPE_ONLY_MODULES:
            index[n.name] = sources
            continue
        if n.op == "call_module":
            mod = modules[n.target]
            op, text, is_generic = describe_module(mod)
            x = next(
                (values[a.name] for a in n.all_input_nodes if isinstance(values.get(a.name), torch.Tensor)),
                None,
            )
            cost = _module_cost(mod, x, values.get(n.name))
        else:
            name = _name_of(n.target)
            if name in SHAPE_ONLY or not isinstance(values.get(n.name), torch.Tensor):
                # contracted: consumers read its producers, unless it holds no tensor (x.size(0) is a number)
                index[n.name] = sources if _holds_tensor(values.get(n.name)) else []
                continue
            constants = [a for a in n.args if isinstance(a, numbers.Number)]
            if name in ("add", "sub") and constants and all(float(c) == 0 for c in constants):
                index[n.name] = sources  # x + 0 (e.g. Python's sum() starting at 0) computes nothing
                continue
            op, text, is_generic = describe_function(name, n.args, n.kwargs)
            if name == "mul" and constants:
                c = float(constants[0])
                op, text = (
                    ("zero", "multiplication by zero: outputs zeros")
                    if c == 0
                    else ("scale", f"scaling by the constant {c:g}")
                )
            cost = None
        if is_generic:
            generic.append(op)
        node = len(ops)
        ops.append(op)
        texts.append(text)
        costs.append(cost)
        edges.extend((s, node) for s in sources)
        index[n.name] = [node]
    return TracedGraph(_finish(model, ops, texts, costs, edges), "fx", tuple(sorted(set(generic))))


def _from_hooks(model: nn.Module, example: torch.Tensor) -> TracedGraph:
    ops, texts, costs, generic = [INPUT], [None], [None], []
    producer: dict[int, int] = {id(example): 0}
    unconsumed: list[int] = [0]
    edges: list[tuple[int, int]] = []
    leaves = [m for m in model.modules() if not list(m.children())]

    def hook(mod, inputs, output):
        if type(mod).__name__ in SHAPE_ONLY_MODULES:
            for t in inputs:  # pass the producer through
                if isinstance(t, torch.Tensor) and id(t) in producer and isinstance(output, torch.Tensor):
                    producer[id(output)] = producer[id(t)]
            return
        op, text, is_generic = describe_module(mod)
        x = next((t for t in inputs if isinstance(t, torch.Tensor)), None)
        node = len(ops)
        known = [producer[id(t)] for t in inputs if isinstance(t, torch.Tensor) and id(t) in producer]
        sources = known or list(unconsumed)
        for s in sources:
            edges.append((s, node))
            if s in unconsumed:
                unconsumed.remove(s)
        cost = _module_cost(mod, x, output)
        ops.append(op)
        texts.append(text)
        costs.append(cost)
        if is_generic:
            generic.append(op)
        if isinstance(output, torch.Tensor):
            producer[id(output)] = node
        unconsumed.append(node)

    handles = [m.register_forward_hook(hook) for m in leaves]
    try:
        _run(model, example, model)
    finally:
        for h in handles:
            h.remove()
    out = len(ops)
    ops.append(OUTPUT)
    texts.append(None)
    costs.append(None)
    edges.extend((s, out) for s in unconsumed)
    return TracedGraph(_finish(model, ops, texts, costs, edges), "hooks", tuple(sorted(set(generic))))


def _finish(model: nn.Module, ops: Sequence, texts: Sequence, costs: Sequence, edges: Sequence) -> OpGraph:
    """Drops nodes off every input-to-output path (unused branches) and builds the checked graph."""
    n = len(ops)
    if n > MAX_NODES:
        raise TraceError(f"{type(model).__name__} traces to {n} nodes, over the limit of {MAX_NODES}")
    if not prune_unreachable(n, edges):
        raise TraceError(f"{type(model).__name__}: the output does not depend on the input")
    return OpGraph.from_pruned(ops, edges, texts, costs)


__all__ = ["MAX_NODES", "TraceError", "TracedGraph", "graph_from_module"]
