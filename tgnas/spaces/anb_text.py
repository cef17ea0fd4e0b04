"""Generated node texts of Accel-NASBench layer graphs, in several wordings.

Template 0 is what :func:`tgnas.spaces.anb.to_graph` writes by default; training draws among all of them so
that a predictor does not hang on one phrasing of the numbers (a sentence encoder reads numbers poorly; the
node costs carry them as well).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tgnas.networks.anb import Layer

_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def _se(layer: Layer, on: str, off: str) -> str:
    return on if layer.se else off


_LAYER = (
    lambda x: (
        f"MBConv layer: 1x1 expansion by {x.expansion}, {x.kernel}x{x.kernel} depthwise convolution with "
        f"stride {x.stride}, {_se(x, 'squeeze-and-excitation', 'no squeeze-and-excitation')}, "
        f"1x1 projection from {x.c_in} to {x.c_out} channels{', residual connection' if x.residual else ''}"
    ),
    lambda x: (
        f"inverted residual bottleneck, expand ratio {x.expansion}, depthwise kernel {x.kernel}, "
        f"stride {x.stride}, {_se(x, 'with SE attention', 'without SE')}, {x.c_in} -> {x.c_out} channels"
    ),
    lambda x: (
        f"mobile bottleneck block that widens the features {_WORDS[x.expansion]} times, filters each channel "
        f"with a {_WORDS[x.kernel]} by {_WORDS[x.kernel]} depthwise kernel"
        f"{' and halves the resolution' if x.stride == 2 else ''}, "
        f"{_se(x, 'reweights channels by squeeze and excitation', 'has no channel gating')} and projects "
        f"{x.c_in} channels to {x.c_out}"
    ),
    lambda x: (
        f"depthwise separable MBConv{x.expansion} k{x.kernel}x{x.kernel} s{x.stride}"
        f"{_se(x, ' se0.25', '')} in{x.c_in} out{x.c_out}"
    ),
)
_STEM = (
    "stem: 3x3 convolution with stride 2 to 32 channels, batch norm and swish",
    "first layer: a strided 3x3 conv that turns the RGB image into 32 feature maps",
    "input stem conv 3x3 s2, 32 filters, BN, SiLU",
    "initial convolution of the network over the image, halving its resolution",
)
_HEAD = (
    "head: 1x1 convolution to 1280 channels, global average pooling and a linear classifier",
    "final 1x1 conv to 1280 features, pooled over space and fed to a fully connected classifier",
    "classifier head: conv1x1 1280, BN, SiLU, avgpool, FC",
    "last layers of the network: widen the features, pool them and predict the class",
)
TEMPLATES = len(_LAYER)


def layer_text(layer: Layer, template: int = 0) -> str:
    """The text of an MBConv layer node in wording ``template`` (0..TEMPLATES-1)."""
    return _LAYER[template % TEMPLATES](layer)


def all_texts() -> list[str]:
    """Every text an Accel-NASBench graph can carry, in every template (the shipped embedding cache holds
    them, so scoring and training on the space need no encoder)."""
    from tgnas.networks.anb import IN_CHANNELS, OUT_CHANNELS, STRIDES, Layer
    from tgnas.spaces.anb import EXPANSIONS, KERNELS

    texts = {f(t) for t in range(TEMPLATES) for f in (stem_text, head_text)}
    for b in range(len(STRIDES)):
        for first in (True, False):
            for e in EXPANSIONS:
                for k in KERNELS:
                    for se in (False, True):
                        c_in = IN_CHANNELS[b] if first else OUT_CHANNELS[b]
                        layer = Layer(
                            b,
                            0 if first else 1,
                            c_in,
                            OUT_CHANNELS[b],
                            e,
                            k,
                            STRIDES[b] if first else 1,
                            se,
                            0,
                        )
                        texts |= {layer_text(layer, t) for t in range(TEMPLATES)}
    return sorted(texts)


def stem_text(template: int = 0) -> str:
    return _STEM[template % TEMPLATES]


def head_text(template: int = 0) -> str:
    return _HEAD[template % TEMPLATES]
