# The two commands a newcomer types: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean browser

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,serve,ui,onnx,ray]'
	touch $(STAMP)

DEMO_DB := demo.db

demo: $(STAMP)
	$(BIN)/metagrow demo examples/lists --budget 5
	rm -f $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
	$(BIN)/metagrow learn --split train --iterations 3 --budget 2 --guide-seconds 30 --store $(DEMO_DB)
	$(BIN)/metagrow library show --store $(DEMO_DB)

# The browser tests of `metagrow ui` drive Debian's chromium through Playwright (whose own
# `playwright install` downloads a browser); install it when missing, as root or via sudo.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser:
	@command -v chromium >/dev/null || command -v chromium-browser >/dev/null || \
		{ $(SUDO) apt-get update && $(SUDO) DEBIAN_FRONTEND=noninteractive apt-get install -y chromium; }

test: $(STAMP) browser
	$(BIN)/python -m pytest -n 2 tests

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks examples
	$(BIN)/ruff format --check src tests benchmarks examples
	$(BIN)/mypy --strict src
	$(BIN)/lint-imports

bench: $(STAMP)
	mkdir -p bench-out
	$(BIN)/python benchmarks/solve_examples.py
	$(BIN)/python benchmarks/interpreter_throughput.py
	$(BIN)/python benchmarks/bottomup_throughput.py
	$(BIN)/python benchmarks/compression_speed.py
	$(BIN)/python benchmarks/grid_morphology.py --repeat 1
	$(BIN)/python benchmarks/digits.py --json bench-out/digits.json --plot bench-out/digits-curve.png
	$(BIN)/python benchmarks/guide_transfer.py --out bench-out
	$(BIN)/metagrow bench lists --split all --engine bottomup --budget 10 \
		--json bench-out/lists-bottomup-10s.json --markdown bench-out/lists-bottomup-10s.md

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
