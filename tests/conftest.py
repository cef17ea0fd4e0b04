"""Shared fixtures: the shipped NAS-Bench-201 table, loaded once per session."""

import numpy as np
import pytest

from tgnas.benchmarks import get_benchmark


@pytest.fixture(scope="session")
def nb201_bench():
    return get_benchmark("nb201")


@pytest.fixture
def rng():
    return np.random.default_rng(0)
