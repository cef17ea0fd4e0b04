"""The generic JSON Lines operator-graph format."""

import json

import pytest

from tgnas.errors import DataError, GraphError, TgnasError, UnknownOperatorError
from tgnas.graphfile import load_graphs, read_graphs, write_graphs
from tgnas.opgraph import OpGraph

CHAIN = {"nodes": [{"op": "input"}, {"op": "sep_conv_3x3"}, {"op": "output"}], "edges": [[0, 1], [1, 2]]}
NEW_OP = {
    "nodes": [
        {"op": "input"},
        {"op": "mish_conv", "text": "3x3 convolution with Mish activation", "params": 10},
        {"op": "output"},
    ],
    "edges": [[0, 1], [1, 2]],
}


def lines(*objs):
    return [json.dumps(o) if not isinstance(o, str) else o for o in objs]


def test_reads_graphs_in_order_with_texts_and_costs():
    graphs = read_graphs(lines(CHAIN, "", "# a comment", NEW_OP))
    assert [g.ops[1] for g in graphs] == ["sep_conv_3x3", "mish_conv"]
    assert graphs[1].texts[1].startswith("3x3 convolution") and graphs[1].costs[1] == {"params": 10.0}


def test_round_trip_through_a_file(tmp_path):
    graphs = read_graphs(lines(CHAIN, NEW_OP))
    again = load_graphs(write_graphs(graphs, tmp_path / "g.jsonl"))
    assert again == graphs and again[1].texts == graphs[1].texts


@pytest.mark.parametrize(
    "bad, error, match",
    [
        ("{not json", GraphError, "line 2: not valid JSON"),
        (
            {
                "nodes": [{"op": "input"}, {"op": "skip_connect"}, {"op": "output"}],
                "edges": [[0, 1], [1, 2], [2, 1]],
            },
            GraphError,
            "line 2: .*cycle",
        ),
        (
            {"nodes": [{"op": "skip_connect"}, {"op": "output"}], "edges": [[0, 1]]},
            GraphError,
            "line 2: node 0 must be the input",
        ),
        (
            {"nodes": [{"op": "input"}, {"op": "skip_connect"}], "edges": [[0, 1]]},
            GraphError,
            "line 2: the last node must be the output",
        ),
        (
            {
                "nodes": [{"op": "input"}, {"op": "skip_connect"}, {"op": "max_pool_3x3"}, {"op": "output"}],
                "edges": [[0, 1], [1, 3]],
            },
            GraphError,
            "line 2: node 2 .* no input edge",
        ),
        (
            {"nodes": [{"op": "input"}, {"op": "mish"}, {"op": "output"}], "edges": [[0, 1], [1, 2]]},
            UnknownOperatorError,
            "line 2: node 1 uses operator 'mish'.*text",
        ),
        (
            {
                "nodes": [{"op": "input"}, {"op": "mish", "text": " "}, {"op": "output"}],
                "edges": [[0, 1], [1, 2]],
            },
            GraphError,
            "empty",
        ),
        ({"edges": []}, GraphError, "line 2: .*nodes"),
        (
            {
                "nodes": [{"op": "input"}, {"op": "skip_connect", "params": float("nan")}, {"op": "output"}],
                "edges": [[0, 1], [1, 2]],
            },
            GraphError,
            "line 2: node 1 .*params must be a finite number >= 0, got nan",
        ),
        (
            {
                "nodes": [{"op": "input"}, {"op": "nor_conv_1x1", "flops": -3}, {"op": "output"}],
                "edges": [[0, 1], [1, 2]],
            },
            GraphError,
            "line 2: node 1 .*flops must be a finite number >= 0, got -3",
        ),
    ],
)
def test_bad_lines_name_the_line(bad, error, match):
    with pytest.raises(error, match=match):
        read_graphs(lines(CHAIN, bad))


def test_empty_and_missing_files(tmp_path):
    with pytest.raises(TgnasError, match="no graph"):
        read_graphs(["", "# nothing"])
    with pytest.raises(DataError, match="not found"):
        load_graphs(tmp_path / "missing.jsonl")


def test_opgraph_dict_round_trip():
    g = OpGraph.from_dict(NEW_OP)
    assert OpGraph.from_dict(g.to_dict()) == g


def test_a_candidate_file_may_be_a_labelled_file():
    """``tgnas score --file runs.jsonl`` scores the architectures of a ``--labelled`` file, in order."""
    from tgnas.graphfile import read_candidates
    from tgnas.spaces.nb101 import NB101Arch

    spec = {"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"]}
    got = read_candidates(
        lines(
            {"arch": spec, "accuracy": 90.0},
            {"arch": CHAIN, "accuracy": 80.0, "group": "mine"},
            {"arch": "|nor_conv_3x3~0|+|none~0|none~1|+|none~0|none~1|none~2|", "accuracy": 1},
        )
    )
    assert isinstance(got[0], NB101Arch) and got[1] == read_graphs(lines(CHAIN))[0]
    assert type(got[2]).__name__ == "NB201Arch"
    with pytest.raises(TgnasError, match="input line 2: 'arch': "):
        read_candidates(lines({"arch": spec, "accuracy": 1}, {"arch": "|conv~0|", "accuracy": 2}))
