"""Shared fixtures: the shipped NAS-Bench-201 table, loaded once per session."""

import os

import numpy as np
import pytest

from tgnas.benchmarks import get_benchmark


@pytest.fixture(scope="session", autouse=True)
def private_embedding_cache(tmp_path_factory):
    """New texts embedded by tests go to a temporary cache, never to the user's ~/.cache/tgnas."""
    os.environ["TGNAS_CACHE"] = str(tmp_path_factory.mktemp("tgnas_cache"))


@pytest.fixture(scope="session")
def nb201_bench():
    return get_benchmark("nb201")


@pytest.fixture
def rng():
    return np.random.default_rng(0)
