r"""Fine-tuning a multi-space predictor on new labels (``tgnas train --finetune CHECKPOINT --labelled F``).

Training the universal recipe again for a few hundred labels of a new space retrains every benchmark row.
Fine-tuning instead starts each ensemble member from the checkpoint's weights and trains it, with the
member's own hyper-parameters but :class:`~tgnas.predictor.config.FineTuneConfig`'s epochs (more for a
small set, :meth:`~tgnas.predictor.config.FineTuneConfig.epochs_for`) and learning rate, on

.. math::
    D = D_{\text{own}} \cup \bigcup_{s} R_s, \qquad R_s \subseteq \text{rows}_s,\ |R_s| \le r,

the new labelled architectures and, for every space ``s`` the checkpoint trained on, a seeded replay
:math:`R_s` of at most :math:`r` (``replay``) of its rows, each written in the checkpoint's number of
views. The loss is training's (:mod:`tgnas.predictor.lightning`): MSE on targets standardised per group
plus the pairwise ranking loss within each group, so the new group is ranked on its own scale while the
replayed spaces keep theirs. The fixed cost term keeps the checkpoint's slope
(:func:`tgnas.predictor.train.train_predictor` with ``init``). Records given as graphs are first read as
the checkpoint reads them when scoring (:func:`read_as`). By default :math:`r = 0`: the fine-tuned
predictor is the new space's, and ranks the checkpoint's spaces far worse than the checkpoint does.

The fine-tuned card keeps the checkpoint's rows under ``split`` (its weights have seen them all), lists the
replayed ones under ``replay``, the new file under ``own_labels``, and the checkpoint it started from under
``fine_tuned_from`` (with that checkpoint's own ``fine_tuned_from``, so a chain stays traceable).
"""

from __future__ import annotations

import datetime
from dataclasses import replace

import numpy as np

from tgnas.errors import DataError, TgnasError
from tgnas.predictor.config import FineTuneConfig, TrainConfig
from tgnas.predictor.own import OwnLabels, read_with


def trained_rows(card: dict, name: str = "") -> dict[str, list[int]]:
    """The benchmark rows per space a multi-space predictor's card says it trained on.

    Raises:
        TgnasError: the card is not a multi-space predictor's (a NAS-Bench-201 specialist has no groups to
            place a new one among).
    """
    rows = (card.get("split") or {}).get("rows")  # {} for one trained on a labelled file alone
    if card.get("protocol") != "multi-space" or not isinstance(rows, dict):
        raise TgnasError(
            f"fine-tuning starts from a multi-space predictor (tgnas train --spaces, or the shipped "
            f"universal); {name or 'this checkpoint'} is a {card.get('protocol', 'one-space')} one"
        )
    return rows


def replay_rows(rows: dict[str, list[int]], replay: int, seed: int) -> dict[str, list[int]]:
    """A seeded sample of at most ``replay`` of each space's ``rows`` (sorted); ``{}`` for 0."""
    if replay == 0:
        return {}
    rng = np.random.default_rng(seed)
    return {s: sorted(int(i) for i in rng.permutation(np.asarray(idx))[:replay]) for s, idx in rows.items()}


def member_configs(card: dict, config: FineTuneConfig, n: int, **options) -> list[TrainConfig]:
    """Each ensemble member's :class:`TrainConfig` from a card, with ``config``'s epochs for ``n`` training
    architectures (:meth:`~tgnas.predictor.config.FineTuneConfig.epochs_for`), learning rate and seed and
    the given ``options`` (``accelerator``, ``progress``, ...)."""
    members = card.get("members") or [card["hyperparameters"]]
    try:
        trained = [TrainConfig(**m) for m in members]
    except (TypeError, ValueError) as exc:
        raise DataError(f"the checkpoint's card has unreadable hyper-parameters: {exc}") from None
    epochs = config.epochs_for(n)
    return [replace(c, epochs=epochs, lr=config.lr, seed=config.seed, **options) for c in trained]


def finetune(base, own: OwnLabels, config: FineTuneConfig = FineTuneConfig(), base_name: str = "", **options):
    """Fine-tunes ``base`` (a multi-space :class:`~tgnas.predictor.predictor.TrainedPredictor`) on ``own``
    labelled architectures and a replay of its benchmark rows.

    Args:
        base: the predictor to start from; its card must list the rows it trained on.
        own: the new labels (:func:`tgnas.predictor.own.load_own_labels`).
        config: epochs, learning rate, replay size and seed.
        base_name: the checkpoint's name or path, recorded in the card.
        options: fields of every member's :class:`TrainConfig` (``accelerator``, ``devices``, ``progress``).

    Returns:
        The :class:`~tgnas.predictor.train.TrainResult`; its predictor scores in the standard units of the
        base.

    Raises:
        TgnasError: a base that is not a multi-space predictor (:func:`trained_rows`).
    """
    from tgnas.predictor.multispace import train_on_spaces

    card = base.card
    rows = trained_rows(card, base_name)
    replayed = replay_rows(rows, config.replay, config.seed)
    configs = member_configs(card, config, len(own.records) + sum(map(len, replayed.values())), **options)
    own, read = read_as(base, own)
    result = train_on_spaces(replayed, configs, int(card.get("views", 1)), own, init=base.models)
    new = result.predictor.card
    new.update(
        {
            "space": card["space"] if card["space"].endswith("+own") else card["space"] + "+own",
            "labels": card.get("labels"),
            "split": {"rows": rows},  # every row the weights have seen
            "replay": {"rows": replayed},
            "views": card.get("views", 1),
            "fine_tune": {
                "epochs": configs[0].epochs,
                "lr": config.lr,
                "replay": config.replay,
                "seed": config.seed,
                "graphs_read": read,  # records given as graphs that trained as the base read them
            },
            "fine_tuned_from": {
                "checkpoint": base_name,
                "weights_sha256": card.get("weights_sha256"),
                "created": card.get("created"),
                "training_seconds": card.get("training_seconds"),
                "own_labels": card.get("own_labels"),
                "fine_tuned_from": card.get("fine_tuned_from"),
            },
            # the operators the weights know: the base's and the new graphs'
            "training_texts": sorted(set(card.get("training_texts") or ()) | set(new["training_texts"])),
            "created": datetime.date.today().isoformat(),
        }
    )
    return result


def read_as(base, own: OwnLabels) -> tuple[OwnLabels, int]:
    """``own`` with its graph records read as ``base`` reads them when scoring
    (:func:`~tgnas.predictor.own.read_with` its resolver): the weights then fine-tune on the graphs they
    will score. Also returns how many graphs changed."""
    return read_with(base.resolver, own)


def own_digests(card: dict) -> set[str]:
    """SHA-256 digests of every labelled file that trained a card's weights (along its fine-tuning chain)."""
    out: set[str] = set()
    while card:
        if (card.get("own_labels") or {}).get("sha256"):
            out.add(card["own_labels"]["sha256"])
        card = card.get("fine_tuned_from") or {}
    return out
