"""Hostile inputs at every boundary: one TgnasError each (exit 2 from the CLI), never another exception.

The first tests replay each case found by the review that filed the "clean surface" issue; the fuzz test
feeds every parser seeded random and mutated inputs.
"""

import contextlib
import json
import warnings
from collections import namedtuple

import numpy as np
import pytest
from test_cli import BEST, run

from tgnas.embed import EmbeddingCache, _key
from tgnas.errors import TgnasError
from tgnas.graphfile import load_candidates, load_graphs, read_candidate_text, read_candidates, read_graphs
from tgnas.opgraph import OpGraph
from tgnas.spaces import SPACES, get_space

GOOD_GRAPH = {"nodes": [{"op": "input"}, {"op": "nor_conv_3x3"}, {"op": "output"}], "edges": [[0, 1], [1, 2]]}
GENOTYPE = (
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('sep_conv_3x3', 1), "
    "('skip_connect', 0), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 1)], "
    "normal_concat=range(2, 6), "
    "reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), "
    "('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], "
    "reduce_concat=range(2, 6))"
)


def graph_line(**changes) -> str:
    g = json.loads(json.dumps(GOOD_GRAPH))
    for k, v in changes.items():
        g[k] = v
    return json.dumps(g)


@pytest.mark.parametrize(
    "line, match",
    [
        ("[" * 200_000, "nested too deep|not valid JSON"),
        (graph_line(edges=[[0, 1], [1, float("inf")]]).replace("Infinity", "1e400"), "integer"),
        (
            '{"nodes": [{"op": "input"}, {"op": "output"}], "edges": [[0, ' + "9" * 5000 + "]]}",
            "digits|integer",
        ),
        (graph_line(edges=[[0, 1], [1, 1.9]]), "must be an integer, got 1.9"),
        (graph_line(edges=[[0, True], [1, 2]]), "must be an integer, got True"),
        (
            json.dumps(
                {
                    **GOOD_GRAPH,
                    "nodes": [{"op": "input"}, {"op": "nor_conv_3x3", "params": True}, {"op": "output"}],
                }
            ),
            "params must be a finite number >= 0, got True",
        ),
        (
            json.dumps(
                {
                    **GOOD_GRAPH,
                    "nodes": [{"op": "input"}, {"op": "x", "text": "t" * 50_000}, {"op": "output"}],
                }
            ),
            "at most",
        ),
        (
            json.dumps(
                {**GOOD_GRAPH, "nodes": [{"op": "input"}, {"op": "x", "colour": 1}, {"op": "output"}]}
            ),
            "unknown key",
        ),
        (json.dumps({"nodes": [{"op": "input"}] * 20_001, "edges": []}), "at most 20000"),
        (json.dumps({"nodes": "abc", "edges": []}), "must be lists"),
    ],
)
def test_malformed_graph_lines_are_one_clear_error(line, match):
    with pytest.raises(TgnasError, match=match):
        read_graphs([line], "input")
    with pytest.raises(TgnasError):  # a line that is no graph is tried as every space's string
        read_candidates([line], "input")


def test_files_with_bad_bytes_or_nothing_in_them(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\xff\xfe" + graph_line().encode())
    with pytest.raises(TgnasError, match="not UTF-8"):
        load_graphs(bad)
    with pytest.raises(TgnasError, match="not UTF-8"):
        load_candidates(str(bad))
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n# only a comment\n")
    with pytest.raises(TgnasError, match="holds no"):
        load_graphs(empty)


@pytest.mark.parametrize(
    "text, match",
    [
        (GENOTYPE[:-1] + ", **{})", r"not through \*\*"),
        (GENOTYPE.replace("normal=[", "normal={[1]: 2}, x=[", 1), "literal|unknown"),
        (GENOTYPE.replace("normal_concat=range(2, 6)", "normal_concat=range(2, 10**12)"), "literal"),
        (
            GENOTYPE.replace("normal_concat=range(2, 6)", "normal_concat=range(2, 1000000000000)"),
            "at most 64",
        ),
        (GENOTYPE.replace("normal_concat=range(2, 6)", "normal_concat=range(2, 6, 0)"), "malformed range"),
        (GENOTYPE[:-1] + ", normal_concat=[2, 3])", "given twice: normal_concat"),
        (GENOTYPE.replace("('sep_conv_3x3', 0)", "('sep_conv_3x3', 0.5)", 1), "not an integer"),
        ("Genotype(normal=" + "[" * 5000 + "]" * 5000 + ")", "nested too deep|malformed"),
        ("Genotype(\x00)", "malformed"),
    ],
)
def test_malformed_genotypes(text, match):
    with pytest.raises(TgnasError, match=match):
        get_space("darts").parse(text)


def test_a_real_genotype_namedtuple_is_accepted():
    from tgnas.api import to_graph

    Genotype = namedtuple("Genotype", "normal normal_concat reduce reduce_concat")
    darts = get_space("darts")
    arch = darts.parse(GENOTYPE)
    real = Genotype(list(arch.normal), range(2, 6), list(arch.reduce), range(2, 6))
    assert darts.parse(real) == arch
    assert to_graph(real) == darts.to_graph(arch)


@pytest.mark.parametrize("src", ["²", "١", "0" * 5000, "-1"])
def test_nb201_node_index_must_be_ascii_digits(src):
    with pytest.raises(TgnasError, match="malformed edge"):
        get_space("nb201").parse(BEST.replace("~0|+", f"~{src}|+", 1))


def test_cli_errors_are_one_line_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\xff" + graph_line().encode())
    code, out, err = run(capsys, "score", "--graphs", str(bad))
    assert code == 2 and err.startswith("error: ") and "Traceback" not in err
    code, _, err = run(capsys, "score", BEST.replace("~0|+", "~²|+", 1))
    assert code == 2 and "malformed edge" in err


def test_embedding_cache_checks_every_entry(tmp_path):
    model = "m@1"
    user = tmp_path / "user.npz"
    good = np.zeros(384, np.float32)
    good[0] = 1.0
    cache = EmbeddingCache(shipped=tmp_path / "none.npz", user=user, model=model)
    cache.put({_key(model, "a"): ("a", good), _key(model, "b"): ("b", good)})
    # a vector filed under another text, a NaN vector, a vector of the wrong length are refused on reading
    with np.load(user) as z:
        parts = dict(z)
    parts["vectors"][1] = np.nan
    np.savez(user, **parts)
    with pytest.warns(UserWarning, match="1 invalid vector"):
        again = EmbeddingCache(shipped=tmp_path / "none.npz", user=user, model=model)
    assert again.get(_key(model, "a")) is not None and again.get(_key(model, "b")) is None
    user.write_bytes(b"")  # an empty file: ignored with a warning, then rewritten
    with pytest.warns(UserWarning, match="unreadable"):
        empty = EmbeddingCache(shipped=tmp_path / "none.npz", user=user, model=model)
    empty.put({_key(model, "c"): ("c", good)})
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert (
            EmbeddingCache(shipped=tmp_path / "none.npz", user=user, model=model).get(_key(model, "c"))
            is not None
        )


def test_shipped_vectors_win_over_the_user_cache(tmp_path):
    model = "m@1"
    one, other = np.eye(384, dtype=np.float32)[0], np.eye(384, dtype=np.float32)[1]
    shipped, user = tmp_path / "shipped.npz", tmp_path / "user.npz"
    EmbeddingCache(shipped=tmp_path / "none.npz", user=shipped, model=model).put(
        {_key(model, "t"): ("t", one)}
    )
    EmbeddingCache(shipped=tmp_path / "none.npz", user=user, model=model).put(
        {_key(model, "t"): ("t", other)}
    )
    cache = EmbeddingCache(shipped=shipped, user=user, model=model)
    assert np.array_equal(cache.get(_key(model, "t")), one)
    cache.put({_key(model, "t"): ("t", other)})  # never over a shipped vector
    assert np.array_equal(cache.get(_key(model, "t")), one)


def test_long_texts_do_not_bloat_the_cache(tmp_path):
    model = "m@1"
    user = tmp_path / "user.npz"
    vec = np.eye(384, dtype=np.float32)[0]
    cache = EmbeddingCache(shipped=tmp_path / "none.npz", user=user, model=model)
    cache.put(
        {_key(model, f"t{i}"): (f"t{i}", vec) for i in range(100)}
        | {_key(model, "x" * 2000): ("x" * 2000, vec)}
    )
    assert user.stat().st_size < 200_000  # texts are one UTF-8 blob, not 101 fixed-width 2,000-char strings


def test_nan_never_wins_a_search():
    from tgnas.search.base import best_index

    assert best_index([np.nan, 1.0, 3.0, np.nan]) == 2
    with pytest.raises(TgnasError, match="NaN"):
        best_index([np.nan, np.nan])


def test_proxy_files_blank_or_without_failures(tmp_path):
    from tgnas.proxies.sweep import SweepConfig, _read

    config = SweepConfig(proxies=("params",))
    blank = tmp_path / "blank.jsonl"
    blank.write_text("\n")
    assert _read(blank, config) is None  # no header yet: the sweep writes one
    header = json.dumps({"tgnas_proxies": 1, "config": json.loads(json.dumps(config.__dict__, default=list))})
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        header
        + "\n"
        + json.dumps({"arch": BEST, "values": {}})
        + "\n"
        + json.dumps({"arch": BEST, "values": {}, "failures": {}})
        + "\n"
    )
    with pytest.raises(TgnasError, match="line 2 is not a proxy row"):
        _read(rows, config)


# ---- fuzz: seeded random and mutated inputs into every parser -------------------------------------------

ALPHABET = list("{}[]()|~+-:,\"'0123456789.eE \\") + [
    "nor_conv_3x3",
    "Genotype",
    "none",
    "e6k3l2se",
    "\x00",
    "²",
    "é",
]


def _mutations(seed: str, rng: np.random.Generator, n: int) -> list[str]:
    out = []
    for _ in range(n):
        s = list(seed)
        for _ in range(int(rng.integers(1, 6))):
            k = int(rng.integers(len(s) + 1))
            what = rng.integers(3)
            token = ALPHABET[int(rng.integers(len(ALPHABET)))]
            if what == 0 and s:
                del s[min(k, len(s) - 1)]
            elif what == 1:
                s.insert(k, token)
            elif s:
                s[min(k, len(s) - 1)] = token
        out.append("".join(s))
    return out


def _random_text(rng: np.random.Generator) -> str:
    return "".join(ALPHABET[int(i)] for i in rng.integers(len(ALPHABET), size=int(rng.integers(0, 40))))


def _seeds() -> list[str]:
    rng = np.random.default_rng(0)
    seeds = [GENOTYPE, graph_line()]
    for name in SPACES.names():
        space = get_space(name)
        seeds.append(space.format(space.sample(rng)))
    seeds.append(json.dumps({"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"]}))
    from tgnas.spaces.darts_forms import to_compact, to_config

    arch = get_space("darts").sample(rng)
    seeds += [json.dumps(to_config(arch.normal, arch.reduce)), str(to_compact(arch.normal, arch.reduce))]
    spec = {"matrix": [[0, 1], [0, 0]], "ops": ["input", "output"]}
    seeds.append(json.dumps([{"genotype": GENOTYPE}, spec]))  # a labelled file's array
    return seeds


def test_fuzz_every_parser_gives_a_result_or_a_tgnas_error():
    rng = np.random.default_rng(1234)
    inputs = [m for s in _seeds() for m in _mutations(s, rng, 60)] + [_random_text(rng) for _ in range(200)]
    parsers = {name: get_space(name).parse for name in SPACES.names()}
    parsers["graph line"] = lambda t: read_graphs([t])
    parsers["candidate line"] = lambda t: read_candidates([t])
    parsers["candidate file"] = lambda t: read_candidate_text(t)
    checked = 0
    for text in inputs:
        for name, parse in parsers.items():
            try:
                result = parse(text)
            except TgnasError:
                continue
            except Exception as exc:  # noqa: BLE001 - the point of the test
                raise AssertionError(f"{name} raised {type(exc).__name__} on {text!r}: {exc}") from None
            checked += 1
            assert result is not None
    assert checked > 0  # some mutations stay valid: the parsers are exercised on both sides


def test_fuzz_graph_dicts():
    rng = np.random.default_rng(7)
    values = [None, True, -1, 0, 1, 2, 1.5, float("nan"), "x", "", [], {}, [0, 1], [[0, 1]], {"op": "input"}]
    for _ in range(400):
        g = json.loads(json.dumps(GOOD_GRAPH))
        for _ in range(int(rng.integers(1, 4))):
            where = rng.integers(3)
            value = values[int(rng.integers(len(values)))]
            if not isinstance(g.get("nodes"), list) or not isinstance(g.get("edges"), list) or not g["nodes"]:
                break
            if not g["edges"] or not all(isinstance(n, dict) for n in g["nodes"]):
                break
            if where == 0:
                g["nodes"][int(rng.integers(len(g["nodes"])))][
                    ["op", "text", "params", "flops"][int(rng.integers(4))]
                ] = value
            elif where == 1:
                g["edges"][int(rng.integers(len(g["edges"])))] = value
            else:
                g[["nodes", "edges"][int(rng.integers(2))]] = value
        with contextlib.suppress(TgnasError):  # anything else fails the test
            OpGraph.from_dict(g)


def test_errors_under_json_are_json_and_bugs_are_internal_errors(capsys, monkeypatch):
    code, out, _ = run(capsys, "score", "not-an-architecture", "--json")
    assert code == 2 and json.loads(out)["type"] == "ArchitectureError"

    def broken(*args, **kwargs):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("tgnas.api.graph_and_space", broken)
    code, out, err = run(capsys, "score", BEST)
    assert code == 1 and err.startswith("internal error: ZeroDivisionError: boom") and "issue tracker" in err


def test_cause_is_the_first_line_of_an_error_cut_short():
    from tgnas.errors import MAX_CAUSE, cause

    noisy = RuntimeError("\n  the cause  \nWhile executing %x\nOriginal traceback")
    assert cause(noisy) == "RuntimeError: the cause"
    assert cause(KeyError()) == "KeyError"
    long = cause(ValueError("x" * 1000))
    assert long.endswith("...") and len(long) == len("ValueError: ") + MAX_CAUSE
