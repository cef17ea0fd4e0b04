"""What a node's name and text state outright: kernel sizes and the marks of specialised operators."""

import pytest

from tgnas.embed import default_embedder, wordings
from tgnas.predictor.resolve import TextResolver
from tgnas.predictor.stated import (
    family_kernel,
    family_weights,
    rules_out,
    stated_kernel,
    stated_output,
    stated_weights,
)


@pytest.mark.parametrize(
    ("name", "text", "kernel"),
    [
        ("op", "3x3 convolution", 3),
        ("op", "a 5×5 depthwise filter", 5),
        ("op", "conv with a 3-by-3 window", 3),
        ("op", "pointwise convolution", 1),
        ("op", "pointwise addition of the branches", None),  # an elementwise operation, not a 1x1 kernel
        ("op", "three by three average", 3),
        ("op", "nn.Conv2d(C, C, kernel_size=1)", 1),
        ("op", "kernel size 7, stride 1", 7),
        ("op", "k = 5 separable", 5),
        ("op", "spatial convolution with a three-wide kernel", 3),
        ("op", "learned weights slid over every 3-pixel-wide square", 3),
        ("op", "a 5 pixel window", 5),
        ("op", "seven pixels across", 7),
        ("op", "a stride of 2 pixels", None),  # a length that is no window
        ("op", "point-wise channel mixing", 1),
        ("op", "single-pixel kernel", 1),
        ("k3", "a convolution", 3),
        ("conv1", "a convolution", 1),
        ("op", "1x1 then 3x3 convolution", None),  # two sizes: none stated
        ("op", "factorised 1x7 then 7x1", None),
        ("op", "widen x6, then project", None),
        ("layer", "identity", None),
        ("conv3x3", "a 1x1 convolution", None),  # the name and the text disagree
        ("op2", "a convolution", None),  # an even trailing digit is a counter, not a kernel
        ("op", "per-pixel recombination of the channels", 1),  # one place, across the channels
        ("op", "recombines the stacked maps location by location", 1),
        ("op", "mixes each location with its eight neighbours", 3),  # a place and its neighbours
        ("op", "the sum of the nine values of a tile", 3),
        # a receptive field's size is no kernel's
        ("op", "3x3 depthwise filter with holes (dilation rate 2, 5x5 receptive field)", 3),
        ("op", "dilated conv whose receptive field is 9x9, kernel 5x5", 5),
        ("op", "a dilated convolution with an effective 5x5 size", None),
        ("op", "per-pixel mix of the channels and their neighbours", None),  # both: none
        ("op", "a 5x5 window over the neighbourhood", 5),  # a written size comes first
        ("op", "mixes each location's values", None),  # no channel word: one place says nothing
    ],
)
def test_stated_kernel(name, text, kernel):
    assert stated_kernel(name, text) == kernel


@pytest.mark.parametrize(
    ("text", "weights"),
    [
        ("averages each window, has no weights", False),
        ("parameter-free local averaging", False),
        ("a weightless shortcut", False),
        ("no trainable parameters", False),
        ("filter with learned weights", True),
        ("a trainable local filter", True),
        ("a box average, nothing to learn", False),
        ("a weighted sum of the channels", True),
        ("mixes positions with fitted coefficients", True),
        ("average pool", None),
        ("an unweighted average", False),
        ("a tunable nine-tap box", True),
        ("no trainable parts", False),  # a weight word after a negation
        ("nothing trainable in it", False),
        ("not learned", False),
        ("the successor learns nothing from it", None),  # "nothing" after the verb: says nothing of weights
        ("a convolution without bias, with learned weights", True),  # the negation ends at the comma
    ],
)
def test_stated_weights(text, weights):
    assert stated_weights("op", text) is weights


@pytest.mark.parametrize(
    ("name", "text", "output"),
    [
        ("op", "contributes a tensor of zeros", "zero"),
        ("zero", "torch.zeros_like(x)", "zero"),
        ("op", "passes on an all-naught tensor", "zero"),
        ("op", "the successor receives blanks", "zero"),
        ("op", "whatever arrives is multiplied away", "zero"),
        ("op", "forwards the features unchanged", "same"),
        ("op", "returns exactly what came in", "same"),
        ("op", "gives back what it receives verbatim", "same"),
        ("op", "3x3 convolution with zero padding", None),  # padding is not the output
        ("op", "direct connection, nothing computed", None),
        ("op", "zeros in, the same tensor out unchanged", None),  # two kinds: none
        ("op", "the sum of a window divided by its size", "mean"),
        ("op", "an equal-weight sum of the neighbours", "mean"),
        ("op", "blends the stacked maps spot by spot", None),  # a blend of channels is no mean
        ("op", "keeps the largest value of each window", "max"),
        ("op", "the maximum or the average of a window", None),
        ("op", "gives back what it receives verbatim, untouched by arithmetic", "same"),
        ("node", "the elementwise total of the incoming tensors", "sum"),
        ("node", "output = Σ incoming edge outputs", "sum"),  # a capital sigma, not lower-cased to σ
        ("node", "its predecessors, added up", "sum"),
        ("op", "the sum of the inputs in a window divided by nine", "mean"),  # a mean is a sum divided
        ("op", "adds nothing: a tensor of zeros for the incoming sum", "zero"),  # a zero adds nothing
        ("op", "adds a bias to its input", None),  # one input: no sum of inputs
        ("op", "weighted sum over a 3x3 window", None),
        ("node", "s_i = Σ_j op_ij(s_j)", "sum"),  # Σ over an index
        ("node", "keras.layers.Add()", "sum"),
        ("op", "sigmoid gate σ applied to the squeezed inputs", None),  # a lower-case sigma is no sum
        ("op", "(1/9) Σ_k x_k over the 3x3 window", None),  # a sum over a window: a kernel, no node's sum
        ("node", "node that reduces all of its in-edges with +", "sum"),
        ("node", "x_j = sum_{i<j} o_ij(x_i)", "sum"),
        ("node", "sum of the edge outputs", "sum"),  # several operations' results
        ("node", "adds the outputs of the previous nodes", "sum"),
        ("node", "nn.Identity() applied after summing the edge results", "sum"),
        ("op", "adds a bias and outputs 16 channels", None),  # "outputs", a verb: no results of several
        ("op", "Conv2d + BatchNorm2d + SiLU", None),  # a "+" between layers sums no inputs
        ("node", "torch.cat(xs, dim=1)", "concat"),
        ("node", "concatenation of the incoming feature maps, summed with the input", "concat"),
    ],
)
def test_stated_output(name, text, output):
    assert stated_output(name, text) == output


def test_a_stated_output_rules_out_the_families_of_other_outputs():
    assert rules_out("skip_connect", "op", "all zeros", None, None, "zero")
    assert not rules_out("none", "op", "all zeros", None, None, "zero")
    assert rules_out("none", "op", "unchanged", None, None, "same")
    assert not rules_out("nor_conv_3x3", "op", "unchanged size", None, None, "same")  # no output of its own
    assert rules_out("max_pool_3x3", "op", "window mean", None, None, "mean")
    assert rules_out("skip_connect", "op", "window mean", None, None, "mean")  # a mean is no identity
    assert not rules_out("avg_pool_3x3", "op", "window mean", None, None, "mean")
    assert rules_out("avg_pool_3x3", "op", "window max", None, None, "max")
    # a cell's output: NAS-Bench-201's sums what reaches it, NAS-Bench-101's concatenates
    assert rules_out("output", "output", "layers.Concatenate() of the vertices", None, None, "concat")
    assert rules_out("concat", "output", "sum of the incoming edges", None, None, "sum")
    assert not rules_out("output", "output", "sum of the incoming edges", None, None, "sum")


def test_a_kernel_the_text_states_rules_out_the_zero_operation_and_the_identity():
    assert rules_out("skip_connect", "op", "3x3 window", 3) and rules_out("none", "op", "3x3 window", 3)
    assert not rules_out("skip_connect", "k3", "identity", 3)  # a name's digit alone does not


def test_no_anchor_text_is_ruled_out_of_its_own_family_by_what_it_states():
    from tgnas.embed import anchor_texts

    for family, texts in anchor_texts().items():
        for t in texts:
            stated = stated_kernel("op", t), stated_weights("op", t), stated_output("op", t)
            assert not rules_out(family, "op", t, *stated), (family, t)


def test_family_weights():
    assert family_weights("nor_conv_3x3") and family_weights("mbconv")
    assert family_weights("avg_pool_3x3") is False and family_weights("skip_connect") is False
    assert family_weights("input") is None


def test_family_kernel():
    assert family_kernel("nor_conv_3x3") == 3 and family_kernel("sep_conv_7x7") == 7
    assert family_kernel("conv_7x1_1x7") is None and family_kernel("mbconv") is None
    assert family_kernel("skip_connect") is None


def test_rules_out_other_kernels_and_unmarked_specialisations():
    assert rules_out("nor_conv_1x1", "k3", "convolution", 3)
    assert not rules_out("nor_conv_3x3", "k3", "convolution", 3)
    assert not rules_out("skip_connect", "k3", "identity", 3)  # no kernel of its own
    assert not rules_out("nor_conv_3x3", "op", "convolution", None)  # nothing stated, nothing ruled out
    assert rules_out("sep_conv_3x3", "op", "3x3 convolution", 3)  # says nothing of separability
    assert not rules_out("sep_conv_3x3", "op", "3x3 depth-wise separable convolution", 3)
    assert not rules_out("dil_conv_3x3", "op", "convolution with dilation 2", None)
    assert not rules_out("dil_conv_3x3", "dil3", "convolution", 3)  # the name's mark counts
    assert rules_out("conv_7x1_1x7", "op", "a 7x7 convolution", 7)
    assert not rules_out("conv_7x1_1x7", "op", "1x7 then 7x1", None)
    assert rules_out("avg_pool_3x3", "op", "learned filter", None, True)
    assert rules_out("nor_conv_3x3", "op", "parameter-free", None, False)
    assert not rules_out("input", "op", "parameter-free", None, False)
    assert rules_out("mbconv", "mixer", "a dense recombination of the channels", None)  # a cell's operation
    for text in ("MobileNetV2 block, expansion four", "squeeze-and-excitation layer", "MBConv6 k5"):
        assert not rules_out("mbconv", "layer", text, None)  # a network layer says what it is
    assert rules_out("stem", "op", "normalisation over the mini-batch", None)
    assert rules_out("head", "op", "a dense recombination of the channels", None)
    assert not rules_out("stem", "op", "a strided convolution over the RGB image", None)
    assert not rules_out("head", "op", "pooling and a fully connected classifier", None)


def test_every_generated_network_layer_text_carries_a_mark_of_its_family():
    from tgnas.spaces.anb_text import TEMPLATES, all_texts, head_text, stem_text

    heads_and_stems = {f(t) for f in (head_text, stem_text) for t in range(TEMPLATES)}
    layers = [t for t in all_texts() if t not in heads_and_stems]
    assert len(layers) > 600 and not any(rules_out("mbconv", "layer", t, None) for t in layers)
    for t in range(TEMPLATES):
        assert not rules_out("stem", "op", stem_text(t), None)
        assert not rules_out("head", "op", head_text(t), None)


def test_a_stated_kernel_settles_a_reading_the_encoder_cannot():
    training = {
        t
        for op in ("none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "input", "output")
        for t in wordings(op)
    }
    resolver = TextResolver(training, default_embedder())
    (r,) = resolver.read([("c1", "a convolution with a single-pixel kernel")])
    assert r.family == "nor_conv_1x1" and r.read_as in wordings("nor_conv_1x1")
    (r,) = resolver.read([("c3", "a convolution with a single-pixel kernel")])  # name and text disagree
    assert r.family != "nor_conv_3x3" or r.margin < 0.05
