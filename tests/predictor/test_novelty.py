"""Unseen operator texts and their nearest training text."""

import pytest

from tgnas.embed import default_embedder, describe_op
from tgnas.opgraph import OpGraph
from tgnas.predictor.novelty import node_texts, unseen_operators


def chain(*ops, texts=None):
    return OpGraph(("input", *ops, "output"), tuple((i, i + 1) for i in range(len(ops) + 1)), texts=texts)


def test_node_texts_counts_nodes_per_text():
    emb = default_embedder()
    seen = node_texts([chain("nor_conv_3x3", "nor_conv_3x3"), chain("skip_connect")], emb)
    assert seen[describe_op("nor_conv_3x3")] == ("nor_conv_3x3", 2)
    assert seen[describe_op("input")] == ("input", 2) and len(seen) == 4


def test_unseen_operator_is_reported_with_its_nearest_known_text():
    emb = default_embedder()
    training = sorted(node_texts([chain("nor_conv_3x3", "skip_connect", "nor_conv_1x1")], emb))
    assert unseen_operators([chain("skip_connect", "nor_conv_3x3")], training, emb) == []
    (pool,) = unseen_operators([chain("avg_pool_3x3", "avg_pool_3x3", "skip_connect")], training, emb)
    assert (pool.op, pool.nodes, pool.text) == ("avg_pool_3x3", 2, describe_op("avg_pool_3x3"))
    # the fixed encoder reads 3x3 average pooling nearest the 3x3 convolution (cosine 0.42; skip 0.37)
    assert pool.nearest == describe_op("nor_conv_3x3") and pool.cosine == pytest.approx(0.424, abs=0.01)


def test_a_node_text_overrides_the_operator_description():
    emb = default_embedder()
    training = sorted(node_texts([chain("nor_conv_3x3")], emb))
    graph = chain("nor_conv_3x3", texts=(None, "3x3 convolution with 64 groups", None))
    (u,) = unseen_operators([graph], training, emb)
    assert u.text == "3x3 convolution with 64 groups" and u.nearest == describe_op("nor_conv_3x3")
    with pytest.raises(ValueError, match="no training texts"):
        unseen_operators([graph], [], emb)
