"""Feature blocks of any module: the stages AZ-NAS's progressivity and trainability compare.

A network's feature blocks are modules whose outputs :math:`x_1, \\dots, x_L` follow each other on the
path from the input :math:`x_0` to the last feature map: :math:`x_l` is computed from :math:`x_{l-1}`.
A model with a ``blocks()`` method gives them itself (they are used as given). Otherwise they are found
by recording one forward pass (every module call, its tensor inputs, its output, the calls it makes):

1. **Chain.** Starting from the model's input, the model's own calls are followed in execution order while
   each call takes the previous call's output among its inputs (the chain stops at the classifier head,
   which usually reads a flattened or pooled tensor).
2. **Expand.** A call whose own calls chain completely (the first takes its input, each next the previous
   output, the last returns its output: an ``nn.Sequential``, a stage of residual units) is replaced by
   them, recursively. A call whose inside does not chain (a residual unit, a cell with branches) stays
   whole: a *unit*.
3. **Trim.** The units end before the first whose output is not a feature map ``(B, C, H, W)`` larger
   than 1x1 (global pooling, the classifier).
4. **Group.** Each unit is a block. Consecutive plain layers (convolution, normalisation, activation,
   pooling) between units form one block, and a layer that changes the spatial resolution starts a new
   one: a stage between resolution changes. A trailing group without convolution (the normalisation and
   activation of the head) is left out. Where this gives fewer than two blocks (plain layers at one
   resolution, a VGG-like stage), each convolution starts a block instead. Every block module must run
   exactly once per forward pass.

On NAS-Bench-201's network this finds the stem, every cell and every reduction block (its ``blocks()``);
on a torchvision ResNet the stem and every residual unit; on a DARTS network the stem and every cell
(whose Jacobian is then taken with respect to the previous cell's output, its main input).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from tgnas.proxies.base import ProxyError


@dataclass(eq=False)
class Call:
    """One recorded module call."""

    module: nn.Module
    inputs: tuple[torch.Tensor, ...]
    output: object = None
    children: list[Call] = field(default_factory=list)


def record_calls(model: nn.Module, x: torch.Tensor) -> Call:
    """The call tree of one no-grad forward pass of ``model`` on ``x`` (its root is the model itself)."""
    root = Call(model, (x,))
    stack = [root]

    def pre(module, args):
        call = Call(module, tuple(a for a in args if isinstance(a, torch.Tensor)))
        stack[-1].children.append(call)
        stack.append(call)

    def post(module, _args, out):
        stack.pop().output = out

    handles = []
    for m in model.modules():
        if m is not model:
            handles += [m.register_forward_pre_hook(pre), m.register_forward_hook(post)]
    try:
        with torch.no_grad():
            root.output = model(x)
    finally:
        for h in handles:
            h.remove()
    return root


def _chain(calls: list[Call], start: tuple[torch.Tensor, ...]) -> list[Call]:
    """The longest prefix of ``calls`` in which each call reads the previous output (the first: ``start``)."""
    seq: list[Call] = []
    current = start
    for call in calls:
        if not isinstance(call.output, torch.Tensor) or not any(t is c for t in call.inputs for c in current):
            break
        seq.append(call)
        current = (call.output,)
    return seq


def _expand(call: Call) -> list[Call]:
    if not call.children:
        return [call]
    seq = _chain(call.children, call.inputs)
    if len(seq) == len(call.children) and seq[-1].output is call.output:
        return [unit for c in seq for unit in _expand(c)]
    return [call]


def _is_map(t: object) -> bool:
    return isinstance(t, torch.Tensor) and t.dim() == 4 and t.shape[2] * t.shape[3] > 1


def _changes_resolution(call: Call) -> bool:
    x = next((t for t in call.inputs if t.dim() == 4), None)
    out = call.output
    return x is not None and isinstance(out, torch.Tensor) and out.dim() == 4 and x.shape[2:] != out.shape[2:]


def _grouped(units: list[Call], starts_block) -> list[nn.Module]:
    """Step 4 of the module docstring: each unit with calls of its own is a block; runs of plain layers
    are grouped, a new group starting at a layer for which ``starts_block`` holds; a group is represented
    by its last layer, and a trailing group without a convolution or linear layer is left out."""
    blocks: list[nn.Module] = []
    plain: list[Call] = []
    for unit in units:
        if plain and (unit.children or starts_block(unit)):
            blocks.append(plain[-1].module)
            plain = []
        if unit.children:
            blocks.append(unit.module)
        else:
            plain.append(unit)
    if plain and any(isinstance(u.module, nn.Conv2d | nn.Linear) for u in plain):
        blocks.append(plain[-1].module)  # (a trailing normalisation and activation only: the head's)
    return blocks


def find_blocks(model: nn.Module, x: torch.Tensor) -> list[nn.Module]:
    """The feature blocks of ``model`` for inputs like ``x`` (module docstring); ``blocks()`` if it has one.

    Raises:
        ProxyError: fewer than two blocks found, or a block module that runs more than once.
    """
    own = getattr(model, "blocks", None)
    if callable(own):
        blocks = list(own())
        if blocks:
            return blocks
    root = record_calls(model, x[:2] if x.shape[0] > 2 else x)
    units = [u for c in _chain(root.children, root.inputs) for u in _expand(c)]
    units = units[: next((k for k, u in enumerate(units) if not _is_map(u.output)), len(units))]
    blocks = _grouped(units, _changes_resolution)
    if len(blocks) < 2:  # one stage of plain layers: each convolution starts a block
        blocks = _grouped(units, lambda u: _changes_resolution(u) or isinstance(u.module, nn.Conv2d))
    calls: dict[nn.Module, int] = {}

    def count(call: Call) -> None:
        calls[call.module] = calls.get(call.module, 0) + 1
        for child in call.children:
            count(child)

    count(root)
    if len(blocks) < 2 or any(calls[b] != 1 for b in blocks):
        raise ProxyError(
            f"cannot find the feature blocks of {type(model).__name__} (found {len(blocks)}): give it a "
            "blocks() method returning, in order, modules whose outputs lead from the input to the last "
            "feature map, each run once per forward pass"
        )
    return blocks
