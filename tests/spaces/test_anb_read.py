"""Reading an Accel-NASBench network written in someone's own words back into its architecture."""

import numpy as np
import pytest

from tgnas.networks.anb import layers
from tgnas.opgraph import OpGraph
from tgnas.protocols.crossspace import with_residuals
from tgnas.spaces import get_space
from tgnas.spaces.anb import OUT_CHANNELS as OUT
from tgnas.spaces.anb import to_graph
from tgnas.spaces.anb_read import layer_fields, network_of, read_arch, space_graphs
from tgnas.spaces.anb_text import TEMPLATES, layer_text

SPACE = get_space("anb")


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("inverted bottleneck: widen x6, 5x5 depthwise, stride 2, SE on, 24 to 40 ch", (6, 5, True, 40)),
        ("MobileNetV2 block (expansion four, kernel three, without channel attention) producing 80 channels",
         (4, 3, False, 80)),
        ("depthwise separable MBConv1 k3x3 s1 in32 out16", (1, 3, False, 16)),
        ("expand ratio 6, depthwise kernel 5, no squeeze-and-excitation, 112 -> 112", (6, 5, False, 112)),
        ("mobile block that widens the features six times, five by five kernel, squeeze and excitation, 192",
         (6, 5, True, 192)),
        # code-style keys, underscores and stated SE states
        ("MBConv6_5x5 se0.25 24->40", (6, 5, True, 40)),
        ("expand_ratio=6, kernel_size=5, se_ratio=0.25, out_channels=40", (6, 5, True, 40)),
        ("expand_ratio=6, kernel_size=5, se_ratio=0.0, out_channels=40", (6, 5, False, 40)),
        ("expansion=4, kernel=3, se=False, out=80", (4, 3, False, 80)),
        ("expansion=4, kernel=3, se=True, out=80", (4, 3, True, 80)),
        ("MBConv e=1 k=3 SE=0 c=16", (1, 3, False, 16)),
        ("MBConv e=1 k=3 SE=1 c=16", (1, 3, True, 16)),
        ("inverted residual, expansion 6, 5x5 depthwise, SE: none, 112 channels", (6, 5, False, 112)),
        ("inverted bottleneck (t=6), depthwise 5x5, squeeze-excite off, width 192", (6, 5, False, 192)),
        ("expand 4x, 3x3 depthwise, SE disabled, 320 channels", (4, 3, False, 320)),
        ("expand 4x, 3x3 depthwise, w/o SE, 320 channels", (4, 3, False, 320)),
        # MnasNet's SepConv: no expansion
        ("SepConv (k3x3), 16", (1, 3, False, 16)),
        ("sep_conv_3x3, SE, 16 channels", (1, 3, True, 16)),
        ("depthwise separable MBConv6 k5x5, 40", (6, 5, False, 40)),
        ("bottleneck | t 6 | c 24 | n 1 | s 2 | k 3 | se 0", (6, 3, False, 24)),  # MobileNetV2's table
        ("expanding the 16 input channels by a factor of 6, a 5-by-5 depthwise filter, projecting to 24",
         (6, 5, False, 24)),
    ],
)  # fmt: skip
def test_layer_fields_known_values(text, fields):
    assert layer_fields(text) == fields


def test_every_layer_text_of_every_template_reads_back():
    from tgnas.networks.anb import IN_CHANNELS, OUT_CHANNELS, STRIDES, Layer
    from tgnas.spaces.anb import EXPANSIONS, KERNELS
    from tgnas.spaces.anb_text import TEMPLATES, layer_text

    for b, (c_in, c_out, stride) in enumerate(zip(IN_CHANNELS, OUT_CHANNELS, STRIDES, strict=True)):
        for first in (True, False):
            for e in EXPANSIONS:
                for k in KERNELS:
                    for se in (False, True):
                        x = Layer(
                            b,
                            1 - first,
                            c_in if first else c_out,
                            c_out,
                            e,
                            k,
                            stride if first else 1,
                            se,
                            224,
                        )
                        for t in range(TEMPLATES):
                            assert layer_fields(layer_text(x, t)) == (e, k, se, c_out)


@pytest.mark.parametrize(
    "text",
    [
        "expansion 6 and expansion 4, 3x3, 40 channels",  # two expansions: none
        "expansion 6, 3x3 then 5x5, 40 channels",  # two kernels: none
        "expansion 6, 3x3 depthwise, 1000 channels",  # no width of the space
        "expansion 2, 3x3 depthwise, 40 channels",  # not an expansion of the space
        "a layer",
    ],
)
def test_layer_fields_that_are_not_stated_once_are_none(text):
    assert layer_fields(text) is None


def test_every_generated_wording_reads_back_into_its_architecture():
    rng = np.random.default_rng(0)
    for _ in range(40):
        arch = SPACE.sample(rng)
        for template in range(TEMPLATES):
            assert read_arch([layer_text(x, template) for x in layers(arch)]) == arch


def test_layers_that_fit_no_architecture_read_as_none():
    arch = SPACE.parse("e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2")
    texts = [layer_text(x) for x in layers(arch)]
    assert read_arch(texts[1:]) is None  # the first block missing
    mixed = texts[:1] + [texts[1].replace("expansion by 4", "expansion by 6")] + texts[2:]
    assert read_arch(mixed) is None  # a block whose layers disagree
    assert read_arch(texts[:3] + texts[2:3] * 3 + texts[3:]) is None  # five layers in one block


def test_a_reworded_network_reads_as_the_space_gives_it():
    arch = SPACE.parse("e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2")
    own = SPACE.to_graph(arch)
    words = [
        f"MBConv{x.expansion} {x.kernel}x{x.kernel}{' SE' if x.se else ''} -> {x.c_out}" for x in layers(arch)
    ]
    mine = OpGraph(own.ops, own.edges, (None, "first conv", *words, "classifier", None))
    read = space_graphs(mine)
    assert len(read) == TEMPLATES and read[0].texts == own.texts and read[0].costs == own.costs
    assert [g.texts for g in read] == [to_graph(arch, template=t).texts for t in range(TEMPLATES)]
    assert network_of(mine) == network_of(own) == arch
    costs = tuple(None if c is None else {"params": 1.0, "flops": 2.0} for c in own.costs)
    assert all(g.costs == costs for g in space_graphs(OpGraph(own.ops, own.edges, mine.texts, costs)))
    bare = OpGraph(own.ops, own.edges, own.texts)  # the space's texts without costs: the costs come back
    assert space_graphs(bare)[0].costs == own.costs
    skip = OpGraph(own.ops, (*own.edges, (1, own.num_nodes - 1)), mine.texts)
    assert space_graphs(skip) is None  # not a chain
    convs = OpGraph(own.ops, own.edges, (None, "a", *["conv"] * (own.num_nodes - 4), "b", None))
    assert space_graphs(convs) is None  # a chain whose texts state no network


@pytest.mark.parametrize("adds", [False, True])
def test_a_network_with_its_residual_connections_drawn_reads_as_the_space_gives_it(adds):
    arch = SPACE.parse("e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l4")
    graph = with_residuals(arch, adds, text="residual addition")
    assert graph.num_nodes == SPACE.to_graph(arch).num_nodes + (
        sum(b.layers - 1 for b in arch.blocks) if adds else 0
    )
    assert network_of(graph) == arch
    assert space_graphs(graph)[0].costs == SPACE.to_graph(arch).costs
    chain = SPACE.to_graph(arch)
    across = OpGraph(chain.ops, (*chain.edges, (2, 4)), chain.texts)  # block 0's layer past block 1's first
    assert network_of(across) is None  # no residual crosses into a block whose first layer changes width
    assert network_of(OpGraph(chain.ops, (*chain.edges, (3, 5)), chain.texts)) == arch  # block 1's


def test_a_network_written_without_stem_or_head_reads_as_the_space_gives_it():
    arch = SPACE.parse("e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2")
    own = SPACE.to_graph(arch)
    words = [f"e{x.expansion} k{x.kernel}{' se' if x.se else ''} to {x.c_out}" for x in layers(arch)]
    n = len(words)
    chain = tuple((i, i + 1) for i in range(n + 1))
    layers_only = OpGraph(("input", *["mbconv"] * n, "output"), chain, (None, *words, None))
    assert network_of(layers_only) == arch
    costs = (None, *({"params": 1.0, "flops": 1.0} for _ in words), None)  # not every node of the space's
    assert space_graphs(OpGraph(layers_only.ops, chain, layers_only.texts, costs))[0] == own
    stem_only = OpGraph(
        ("input", "stem", *["mbconv"] * n, "output"),
        (*chain, (n + 1, n + 2)),
        (None, "stem conv", *words, None),
    )
    assert network_of(stem_only) == arch
    six_blocks = OpGraph(layers_only.ops[:-3] + ("output",), chain[:-2], (None, *words[:-2], None))
    assert network_of(six_blocks) is None  # the last block left out


def test_a_stem_and_head_written_as_several_nodes_are_read_as_them():
    arch = SPACE.parse("e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l2")
    own = SPACE.to_graph(arch)
    words = [f"MBConv{x.expansion} k{x.kernel}{' SE' if x.se else ''} out {x.c_out}" for x in layers(arch)]
    stem = ["conv 3x3 stride 2, 32 filters", "batch norm", "swish"]
    head = ["conv 1x1 to 1280", "global average pool", "dropout", "fully connected, 1000 classes"]

    def chain_of(*texts):
        ops = ("input", *["op"] * (len(texts) - 2), "output")
        return OpGraph(ops, tuple((i, i + 1) for i in range(len(texts) - 1)), texts)

    split = chain_of(None, *stem, *words, *head, None)
    assert network_of(split) == arch
    assert space_graphs(split)[0] == own  # the space's stem, head and costs
    broken = chain_of(None, *stem, *words[:3], "batch norm", *words[3:], *head, None)
    assert network_of(broken) is None  # a non-layer node between layers


def _chain_of(*texts):
    ops = ("input", *["block"] * (len(texts) - 2), "output")
    return OpGraph(ops, tuple((i, i + 1) for i in range(len(texts) - 1)), texts)


@pytest.mark.parametrize(
    "write",
    [
        lambda b, x: (
            f"stage {b + 1}: {x.layers} x MBConv{x.expansion} k{x.kernel}x{x.kernel}"
            f"{' SE' if x.se else ''}, {OUT[b]} channels"
        ),
        lambda b, x: (
            f"MBConv{x.expansion} {x.kernel}x{x.kernel}{' SE' if x.se else ''} to {OUT[b]} channels, "
            f"repeated {x.layers} times"
        ),
        lambda b, x: f"block{b}: e={x.expansion}, k={x.kernel}, l={x.layers}, se={x.se}",  # no widths
        lambda b, x: (
            f"{x.layers} layers of inverted residual, expansion {x.expansion}, kernel {x.kernel}, "
            f"{'with' if x.se else 'without'} SE"
        ),  # no widths
        lambda b, x: f"r{x.layers}_k{x.kernel}_e{x.expansion}_o{OUT[b]}{'_se0.25' if x.se else ''}",
        lambda b, x: (
            f"bottleneck | t {x.expansion} | c {OUT[b]} | n {x.layers} | k {x.kernel} | se {int(x.se)}"
        ),
        lambda b, x: (
            f"{x.layers} MBConv{x.expansion} layers, {x.kernel}x{x.kernel}, {'SE, ' * x.se}{OUT[b]} ch"
        ),
        lambda b, x: f"{x}, {OUT[b]} channels",  # the space's own block token, e6k3l2se
    ],
)
def test_a_network_written_one_node_per_block_reads_as_its_architecture(write):
    """A node that states a number of layers stands for that many (not one: the architecture would be
    another); seven such nodes without widths are the seven blocks in order."""
    arch = SPACE.parse("e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l4")
    texts = [write(b, x) for b, x in enumerate(arch.blocks)]
    assert network_of(_chain_of(None, "stem", *texts, "head", None)) == arch
    assert space_graphs(_chain_of(None, *texts, None))[0] == SPACE.to_graph(arch)  # the space's costs


def test_what_states_no_number_of_layers_or_two_is_read_so():
    assert layer_fields("layer 2 of 4 layers: MBConv6 k5x5, 40 channels") == (6, 5, False, 40)  # a position
    arch = SPACE.parse("e6k3l1-e4k5l2-e6k3l3se-e6k5l3-e6k5l2-e1k3l2-e1k3l4")
    texts = [f"{x.layers} x MBConv{x.expansion} k{x.kernel}{' SE' if x.se else ''}" for x in arch.blocks]
    assert read_arch(texts) == arch
    assert read_arch(texts[:6]) is None  # six blocks without widths: which six?
    assert read_arch([texts[0] + ", l=2", *texts[1:]]) is None  # two numbers of layers
    assert read_arch([texts[0].replace("1 x", "5 x"), *texts[1:]]) is None  # five layers: no block has them
