"""A trained predictor: the GCN, its featurizer and target scaling, saved with a JSON card.

A checkpoint is two files: ``NAME.pt`` (a plain ``torch.save`` dict: weights, GCN config, feature spec,
target scaling) and ``NAME.json`` (the card: data, the exact training split, seed, hyper-parameters,
measured figures). :func:`load_checkpoint` checks both and fails with a clear :class:`DataError`.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import torch

from tgnas.embed import OperatorEmbedder, default_embedder, model_id
from tgnas.errors import DataError, TgnasError, cause
from tgnas.opgraph import OpGraph
from tgnas.paths import check_checkpoint_path, checkpoint_dir
from tgnas.predictor.config import GCNConfig
from tgnas.predictor.features import FEATURE_SETS, GraphFeaturizer, feature_set_of
from tgnas.predictor.novelty import UnseenOperator, has_unseen, unseen_operators
from tgnas.predictor.plain import plain_or_pyg
from tgnas.predictor.prior import NOVEL_COSINE, CostPrior
from tgnas.predictor.resolve import TextResolver
from tgnas.predictor.stated import SUM

FORMAT = "tgnas-predictor/1"
DEFAULT_NAME = "nb201_cifar10_half"
CPU_CHUNK_NODES = 10_000  # nodes per forward pass on a CPU (cache-sized)
GPU_CHUNK_NODES = 200_000  # nodes per forward pass on an accelerator (memory-sized)


@dataclass
class TrainedPredictor:
    """Scores operator graphs with one or more GCNs (an ensemble averages their standardised outputs).

    Attributes:
        models: the trained networks (eval mode).
        embedder: operator-text embedder (its description variant is part of the checkpoint).
        y_mean, y_std: target scaling; scores are ``gcn(g) = y_mean + y_std * mean_k(f_k(g))``, shrunk
            towards the card's cost prior for graphs with an operator text the predictor never trained on
            (:mod:`tgnas.predictor.prior`).
        card: the JSON card (training data, split, seed, hyper-parameters, measurements, ``cost_prior``,
            ``training_texts``).
    """

    models: list[torch.nn.Module]
    embedder: OperatorEmbedder
    y_mean: float
    y_std: float
    card: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.featurizer = GraphFeaturizer(self.embedder, self.models[0].config.features)
        for m in self.models:
            m.eval()

    @property
    def cost_prior(self) -> CostPrior | None:
        """The card's unseen-operator cost prior; ``None`` for a card without one (or without the training
        texts that tell which operators are unseen)."""
        d = self.card.get("cost_prior")
        return CostPrior.from_dict(d) if d and self.card.get("training_texts") else None

    @property
    def resolver(self) -> TextResolver | None:
        """Reads texts far from every training text as the known operator they describe
        (:mod:`tgnas.predictor.resolve`); ``None`` for a card that does not list its training texts."""
        texts = self.card.get("training_texts")
        if not texts:
            return None
        if getattr(self, "_resolver", None) is None:
            self._resolver = TextResolver(texts, self.embedder)
        return self._resolver

    @property
    def device(self) -> torch.device:
        return next(self.models[0].parameters()).device

    def score_graphs(
        self,
        graphs: Sequence[OpGraph],
        max_nodes: int | None = None,
        prior_weight: float | None = None,
        resolve: bool = True,
        impute: bool = True,
    ) -> np.ndarray:
        """Predicted accuracy of each graph, shape ``(len(graphs),)``; identical graphs are scored once.

        With ``resolve`` (the default), a node text far from every training text is first read as the
        known operator it describes, where it describes one (:mod:`tgnas.predictor.resolve`); with
        ``impute`` (the default), a graph without costs whose every node is an operator of known cost is
        scored with that operator's cost in a cell of nominal width (:mod:`tgnas.predictor.nominal`).
        A network whose layer texts state their numbers (an Accel-NASBench chain) is scored, with
        ``resolve``, as the mean over its space's wordings of the space's own graph of it; a graph read as
        a NAS-Bench-101 cell, as the space's own graph of that cell, with the cell's costs.

        A graph with an operator text the predictor never trained on (cosine to the nearest training text
        below :data:`~tgnas.predictor.prior.NOVEL_COSINE`) is shrunk towards the card's cost prior with its
        weight, or ``prior_weight`` where given (0: the GCN alone); see :mod:`tgnas.predictor.prior`.

        Graphs are batched up to ``max_nodes`` nodes per forward pass, so memory stays bounded for large
        traced networks; a single graph larger than that is scored alone. The default is
        :data:`CPU_CHUNK_NODES` on a CPU — activations of ~10k nodes x 128 floats stay in cache, which
        halves the time of scoring all of NAS-Bench-201 against one 95k-node batch — and
        :data:`GPU_CHUNK_NODES` (about 300 MB of features and activations at width 128) elsewhere.
        """
        if max_nodes is None:
            max_nodes = CPU_CHUNK_NODES if self.device.type == "cpu" else GPU_CHUNK_NODES
        ways = [list(graphs)]
        if (resolve or impute) and self.resolver is not None:
            ways = self.resolver.resolve(graphs, impute=impute, rewrite=resolve)
        return np.mean([self._score(w, max_nodes, prior_weight) for w in ways], axis=0)

    def _score(self, graphs: Sequence[OpGraph], max_nodes: int, prior_weight: float | None) -> np.ndarray:
        """:meth:`score_graphs` of graphs as they are (read already)."""
        slot: dict[tuple, int] = {}
        unique: list[OpGraph] = []
        where = np.empty(len(graphs), dtype=np.int64)
        for k, g in enumerate(graphs):
            key = _identity(g)
            if key not in slot:
                slot[key] = len(unique)
                unique.append(g)
            where[k] = slot[key]
        chunks, current, nodes = [], [], 0
        for g in unique:
            if current and nodes + g.num_nodes > max_nodes:
                chunks.append(current)
                current, nodes = [], 0
            current.append(g)
            nodes += g.num_nodes
        if current:
            chunks.append(current)
        out = []
        with torch.inference_mode():
            for chunk in chunks:
                b = self.featurizer.batch(chunk).to(self.device)
                preds = torch.stack([m(b.x, b.edge_index, b.batch) for m in self.models]).mean(0)
                out.append(preds.float().cpu().numpy())
        if not out:
            return np.zeros(0)
        scores = self.y_mean + self.y_std * np.concatenate(out)
        prior = self.cost_prior
        if prior_weight is not None and prior_weight > 0 and prior is None:
            raise TgnasError(
                "this predictor's card has no cost prior (or no training texts to tell unseen operators), so "
                "prior_weight must be None or 0; retrain it with this tgnas, whose training fits one"
            )
        if prior is not None and prior_weight is not None:
            prior = CostPrior(prior.intercept, prior.slope, prior_weight)
        if prior is not None and prior.weight > 0:
            unseen = has_unseen(unique, self.card["training_texts"], self.embedder, NOVEL_COSINE)
            scores = prior.blend(unique, scores, unseen)
        return scores[where]

    def unseen_operators(self, graphs: Sequence[OpGraph]) -> list[UnseenOperator] | None:
        """Operator texts of ``graphs`` that no training graph had, each with the nearest text it did have
        (see :mod:`tgnas.predictor.novelty`), the family and training text it is read as
        (:mod:`tgnas.predictor.resolve`), and the weight of the cost prior their graphs are scored with
        (0 for a text read as a training text or within :data:`~tgnas.predictor.prior.NOVEL_COSINE` of one);
        ``None`` if the card does not list its training texts."""
        texts = self.card.get("training_texts")
        if not texts:
            return None
        prior = self.cost_prior
        weight = prior.weight if prior is not None else 0.0
        graphs = self.resolver.networks(graphs)  # a parsed network's texts are the space's own
        found = unseen_operators(graphs, texts, self.embedder)
        readings = self.resolver.readings(graphs) if found else {}
        space = self.resolver.space_of(readings.values())  # a shared family reads as this space's operator
        readings = {t: self.resolver.in_space(r, space) for t, r in readings.items()}
        known = set(texts)
        out = []
        for u in found:
            r = readings[u.text]
            contracted = r.family == SUM and self.resolver.contracts
            read_as = r.read_as if r.read_as != u.text and not contracted else None
            new = read_as not in known if read_as is not None else u.cosine < NOVEL_COSINE
            out.append(
                replace(
                    u,
                    prior_weight=weight if new and not contracted else 0.0,
                    family=r.family,
                    read_as=read_as,
                    candidates=tuple(f for f, _ in r.candidates),
                    contracted=contracted,
                )
            )
        return out

    def training_indices(self) -> set[int]:
        """Benchmark indices whose labels trained this predictor (from the card)."""
        split = self.card.get("split", {})
        return set(split.get("train", [])) | set(split.get("val", []))

    def save(self, path: Path | str) -> tuple[Path, Path]:
        """Writes the weights to ``path`` (which must end in ``.pt``) and the card beside it (``.json``),
        the card recording the weights' SHA-256. Both writes are atomic; a ``.json`` file there that is not a
        tgnas card is never overwritten."""
        path = Path(path)
        check_checkpoint_path(path)
        if path.suffix != ".pt":
            raise TgnasError(f"a checkpoint file name ends in .pt, got {path.name!r}")
        card_path = path.with_suffix(".json")
        if card_path.exists() and not is_card(card_path):
            raise TgnasError(f"{card_path} exists and is not a tgnas predictor card; it would be overwritten")
        path.parent.mkdir(parents=True, exist_ok=True)
        blob = {
            "format": FORMAT,
            "config": self.models[0].config.to_dict(),
            "state_dicts": [{k: v.cpu() for k, v in m.state_dict().items()} for m in self.models],
            "features": {
                "model_id": self.embedder.model_id,
                "dim": self.embedder.dim,
                "variant": self.embedder.variant,
                "structural": list(self.featurizer.structural),
            },
            "y_mean": self.y_mean,
            "y_std": self.y_std,
        }
        atomic_write(path, lambda f: torch.save(blob, f))
        self.card["weights_sha256"] = sha256_of(path)
        atomic_write(card_path, lambda f: f.write((json.dumps(self.card, indent=1) + "\n").encode()))
        return path, card_path


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file's bytes, hex."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_card(path: Path) -> bool:
    """Whether ``path`` holds a tgnas predictor card (a JSON object with training hyper-parameters)."""
    try:
        card = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return False
    return isinstance(card, dict) and "hyperparameters" in card


def atomic_write(path: Path, write) -> None:
    """Calls ``write(binary file)`` on a temporary file beside ``path``, then renames it onto ``path``."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


UNIVERSAL_NAME = "universal"


def _identity(graph: OpGraph) -> tuple:
    """A key under which graphs are scored once: :attr:`OpGraph.key` with each node's cost mapping by
    identity instead of by content. Valid while the graphs are alive (during one call); equal costs in
    distinct mappings are scored twice, alike, which is cheaper than sorting every mapping's items."""
    costs = None if graph.costs is None else tuple(map(id, graph.costs))
    return (graph.ops, graph.edges, graph.texts, costs)


def default_checkpoint(space: str | None) -> str:
    """The shipped checkpoint for architectures of ``space``: the NAS-Bench-201 specialist for its cells,
    the universal predictor for every other space and for generic graphs (``None``)."""
    return DEFAULT_NAME if space == "nb201" else UNIVERSAL_NAME


def resolve_checkpoint(path: Path | str | None) -> Path:
    """``None`` -> the shipped default; a bare name -> ``checkpoints/NAME.pt``; else the path itself."""
    if path is None:
        return checkpoint_dir() / f"{DEFAULT_NAME}.pt"
    p = Path(path)
    if p.suffix == "" and not p.exists():
        p = checkpoint_dir() / f"{p.name}.pt"
    return p


def load_checkpoint(path: Path | str | None = None, device: str | torch.device = "cpu") -> TrainedPredictor:
    """Loads a checkpoint (the shipped default if ``path`` is ``None``) onto ``device`` (CPU by default).

    Raises:
        DataError: missing or corrupt files, an unknown format, or features that do not match this
            installation's embedder (another embedding size or encoder).
        TgnasError: a device this machine does not have (``cuda`` without a GPU) or an unknown one.
    """
    device = usable_device(device)
    p = resolve_checkpoint(path)
    if not p.is_file():
        raise DataError(f"predictor checkpoint not found: {p}")
    try:
        blob = torch.load(p, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for a damaged file
        raise DataError(f"predictor checkpoint {p} is corrupt or unreadable: {cause(exc)}") from None
    if not isinstance(blob, dict) or blob.get("format") != FORMAT:
        raise DataError(f"{p} is not a tgnas predictor checkpoint (expected format {FORMAT!r})")
    card = read_card(p)  # first: a card of other weights says more than any mismatch below
    try:
        models, embedder = _build(p, blob, device)
        y_mean, y_std = float(blob["y_mean"]), float(blob["y_std"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a missing or mangled key
        raise DataError(f"checkpoint {p} is incomplete or malformed: {cause(exc)}") from None
    return TrainedPredictor(models, embedder, y_mean, y_std, card)


def _build(p: Path, blob: dict, device: torch.device) -> tuple[list[torch.nn.Module], OperatorEmbedder]:
    """The GCNs and the embedder a checkpoint's blob describes, checked against this installation."""
    feats = blob["features"]
    embedder = default_embedder(feats.get("variant", "long"))
    try:
        features = feature_set_of(feats["structural"])
    except KeyError:
        features = None
    if feats["dim"] != embedder.dim or features is None:
        raise DataError(
            f"checkpoint {p} expects {feats['dim']}-d embeddings + structural features "
            f"{feats['structural']}, "
            f"which this installation does not compute ({embedder.dim}-d embeddings, feature sets "
            f"{', '.join(FEATURE_SETS)}): retrain, or use a matching tgnas version"
        )
    if feats["model_id"].split("@")[0] != model_id().split("@")[0]:
        raise DataError(f"checkpoint {p} was trained with encoder {feats['model_id']}, not {model_id()}")
    config = GCNConfig(**{"features": features, **blob["config"]})
    if config.in_dim != embedder.dim + len(FEATURE_SETS[config.features]) or config.features != features:
        raise DataError(f"checkpoint {p}: GCN input size {config.in_dim} does not match the features")
    models = []
    for sd in blob["state_dicts"]:
        m = plain_or_pyg(config)
        try:
            m.load_state_dict(sd)
        except RuntimeError as exc:
            raise DataError(f"checkpoint {p} does not fit its own GCN config: {exc}") from None
        models.append(m.to(device))
    return models, embedder


def read_card(weights: Path) -> dict:
    """The card beside ``weights``, checked to belong to it (its ``weights_sha256``).

    Raises:
        DataError: no card (a predictor without one would score without its cost prior and could not tell
            which labels trained it), a corrupt card, or a card of other weights.
    """
    card_path = weights.with_suffix(".json")
    if not card_path.is_file():
        raise DataError(
            f"the card {card_path} of checkpoint {weights} is missing; a checkpoint is its .pt and its .json"
        )
    try:
        card = json.loads(card_path.read_bytes())
    except (OSError, ValueError) as exc:  # unreadable bytes, bad UTF-8 or JSON
        raise DataError(f"the card {card_path} is corrupt: {str(exc)[:200]}") from None
    if not isinstance(card, dict):
        raise DataError(f"the card {card_path} is not a JSON object")
    want = card.get("weights_sha256")
    if want is None:
        raise DataError(f"the card {card_path} does not record the SHA-256 of its weights")
    if want != sha256_of(weights):
        raise DataError(
            f"the card {card_path} belongs to other weights than {weights.name} (SHA-256 mismatch); "
            "save the predictor again to pair them"
        )
    return card


def usable_device(device: str | torch.device) -> torch.device:
    """``torch.device(device)``, checked to exist here by allocating an empty tensor on it."""
    try:
        placed = torch.device(device)
        torch.empty(0, device=placed)
    except (RuntimeError, AssertionError, TypeError) as exc:  # unknown name; CUDA absent from this build
        raise TgnasError(f"cannot use device {device!r} here: {exc}") from None
    if placed.type == "meta":
        raise TgnasError("the meta device holds shapes, not values: a predictor cannot score there")
    return placed
