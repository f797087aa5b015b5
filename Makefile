# Every target sets itself up: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean

$(BIN)/.installed: pyproject.toml setup.py src/w2v/engine/_kernel.c
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@# word2vec.c's tools (PyPI `word2vec`) for the interop tests; they skip, saying why, without them.
	$(BIN)/python -m pip install --quiet 'word2vec>=0.11' || echo "word2vec.c tools not built: their tests will be skipped"
	touch $@

demo: $(BIN)/.installed
	$(BIN)/w2v demo --out-dir .

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache word_vectors.png
