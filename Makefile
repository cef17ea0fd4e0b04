# Two entry points for a fresh clone: `make demo` (the main job) and `make test` (lint + the whole suite).
# Both create .venv and install tgnas with its dev extra on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A local wheel folder (PIP_FIND_LINKS) holds the CPU build of torch where it exists; elsewhere the index is used.
FIND_LINKS := $(if $(PIP_FIND_LINKS),--find-links "$(PIP_FIND_LINKS)",)

.PHONY: demo test lint install

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check uv
	$(BIN)/uv pip install -q --python $(BIN)/python $(FIND_LINKS) "torch==2.13.0" -e ".[dev]"
	touch $@

demo: install
	$(BIN)/tgnas search --space nb201 --scorer predictor --searcher hybrid --budget 1000 --seed 0
	$(BIN)/tgnas search --space nb201 --scorer predictor --searcher hybrid --budget 1000 --seed 0 --checkpoint nb201_cifar10_156
	$(BIN)/tgnas search --space nb201 --scorer ensemble --searcher cascade --budget 1000 --seed 0 --checkpoint nb201_cifar10_156

lint: install
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest
