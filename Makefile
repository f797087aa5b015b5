# Every target sets itself up: `make demo` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint clean java browser vendor

$(BIN)/.installed: pyproject.toml setup.py src/w2v/engine/_kernel.c src/w2v/engine/_tables.c src/w2v/engine/_scan.c src/w2v/engine/_phrases.c src/w2v/engine/_strtable.h
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,spark,explore]'
	@# word2vec.c's tools (PyPI `word2vec`) for the interop tests; without them the tests skip, saying why, and fail when CI=true.
	$(BIN)/python -m pip install --quiet 'word2vec>=0.11' || echo "word2vec.c tools not built: their tests skip outside CI and fail in CI (CI=true)"
	touch $@

# The whole path on the built-in corpus (Moby Dick), with the real commands; outputs in demo/.
demo: $(BIN)/.installed
	@mkdir -p demo
	$(BIN)/w2v train moby-dick -o demo/moby.w2v --sg 1 --epochs 10 --workers 2 --vectors demo/moby.bin
	$(BIN)/w2v similar demo/moby.w2v whale ahab sea --topn 8
	$(BIN)/w2v analogy demo/moby.w2v man men whale --topn 5
	$(BIN)/w2v eval demo/moby.w2v
	$(BIN)/w2v plot demo/moby.w2v -o demo/word_vectors.png --words whale sperm ship boat sea ocean water \
		wind captain ahab starbuck stubb queequeg harpoon lance day night man men head eyes hand
	$(BIN)/w2v plot demo/moby.w2v --loss -o demo/loss.png
	@echo "demo/: moby.w2v (model), moby.bin (word2vec binary vectors), word_vectors.png, loss.png"
	@echo "explore the vectors in your browser: $(BIN)/w2v explore demo/moby.w2v --open"

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Spark (w2v.spark, tested by make test) runs on Java: say how to get it rather than fail later.
java:
	@command -v java >/dev/null 2>&1 || { echo "Java is missing: Spark needs Java 17 or later (Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless)"; exit 1; }

# The explorer's tests drive a real headless Chromium: Debian's chromium and chromedriver.
browser:
	@command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1 || \
	{ if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium and chromium-driver for the explorer's browser tests"; \
	    (apt-get update -qq >/dev/null 2>&1 || true); apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else echo "Chromium is missing: the explorer's tests need it (Debian/Ubuntu: sudo apt-get install chromium chromium-driver)"; exit 1; fi; }

# The explorer's JavaScript library, vendored at the version pinned in js/package.json (needs Node).
vendor:
	cd js && npm ci --no-audit --no-fund
	cp js/node_modules/d3/dist/d3.min.js src/w2v/explorer/static/vendor/d3.min.js
	cp js/node_modules/d3/LICENSE src/w2v/explorer/static/vendor/d3.LICENSE

test: lint java browser
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache word_vectors.png demo
