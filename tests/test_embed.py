import numpy as np
import pytest

from tgnas.embed import (
    DIM,
    EmbeddingCache,
    OperatorEmbedder,
    SentenceEncoder,
    _key,
    add_description,
    describe_op,
    known_operators,
)
from tgnas.errors import UnknownOperatorError


class CountingEncoder(SentenceEncoder):
    """The real encoder, counting the texts it is asked to encode."""

    def __init__(self):
        super().__init__()
        self.encoded: list[str] = []

    def encode(self, texts):
        self.encoded.extend(texts)
        return super().encode(texts)


@pytest.fixture(scope="module")
def real_encoder():
    return CountingEncoder()


def test_descriptions_cover_nb201_and_darts_ops():
    ops = known_operators()
    for op in (
        "none",
        "skip_connect",
        "nor_conv_1x1",
        "nor_conv_3x3",
        "avg_pool_3x3",
        "sep_conv_3x3",
        "dil_conv_5x5",
        "max_pool_3x3",
        "input",
        "output",
    ):
        assert op in ops
        assert describe_op(op, "short") and describe_op(op, "long")


def test_unknown_operator_says_how_to_add_one():
    with pytest.raises(UnknownOperatorError, match="add_description"):
        describe_op("hyper_conv_9x9")
    with pytest.raises(UnknownOperatorError, match="variant"):
        describe_op("none", "medium")


def test_user_description():
    add_description("octave_conv_test", "octave convolution")
    assert describe_op("octave_conv_test") == "octave convolution"


def test_shipped_cache_needs_no_transformer(tmp_path):
    encoder = CountingEncoder()
    emb = OperatorEmbedder(cache=EmbeddingCache(user=tmp_path / "user.npz"), encoder=encoder)
    vecs = emb.embed_ops(["nor_conv_3x3", "none", "input"])
    assert vecs.shape == (3, DIM) and encoder.loads == 0 and encoder.encoded == []
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)


def test_disk_cache_hit_on_second_run(tmp_path, real_encoder):
    user = tmp_path / "cache.npz"
    text = "a 4x4 convolution that nobody has described before"
    first = OperatorEmbedder(
        cache=EmbeddingCache(shipped=tmp_path / "none.npz", user=user), encoder=real_encoder
    )
    v1 = first.embed_texts([text])
    assert real_encoder.encoded.count(text) == 1 and user.is_file()
    second_encoder = CountingEncoder()
    second = OperatorEmbedder(
        cache=EmbeddingCache(shipped=tmp_path / "none.npz", user=user), encoder=second_encoder
    )
    v2 = second.embed_texts([text, text])
    assert second_encoder.loads == 0 and second_encoder.encoded == []
    assert np.array_equal(v1[0], v2[0]) and np.array_equal(v2[0], v2[1])


def test_corrupt_user_cache_is_rebuilt(tmp_path, real_encoder):
    user = tmp_path / "cache.npz"
    user.write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="unreadable"):
        cache = EmbeddingCache(shipped=tmp_path / "none.npz", user=user)
    emb = OperatorEmbedder(cache=cache, encoder=real_encoder)
    assert emb.embed_texts(["identity skip connection test"]).shape == (1, DIM)
    assert (
        EmbeddingCache(shipped=tmp_path / "none.npz", user=user).get(  # rewritten, readable again
            _key(emb.model_id, "identity skip connection test")
        )
        is not None
    )


def test_similarity_ordering(tmp_path, real_encoder):
    emb = OperatorEmbedder(
        "short",
        cache=EmbeddingCache(shipped=tmp_path / "x.npz", user=tmp_path / "u.npz"),
        encoder=real_encoder,
    )
    v = dict(zip(["c3", "c5", "zero"], emb.embed_ops(["nor_conv_3x3", "nor_conv_5x5", "none"]), strict=True))
    assert v["c3"] @ v["c5"] > v["c3"] @ v["zero"] + 0.3


def test_shipped_cache_matches_the_encoder(real_encoder):
    shipped = OperatorEmbedder(encoder=CountingEncoder())
    text = describe_op("sep_conv_3x3")
    assert np.allclose(shipped.embed_texts([text])[0], real_encoder.encode([text])[0], atol=1e-4)
