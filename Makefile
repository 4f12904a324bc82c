# The two set-up commands of slr. Both create (or reuse) the virtualenv .venv and install what they need.
#   make review  -> build the whole review from the bundled corpus into build/
#   make test    -> lint, format check, type check and the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= build

.PHONY: review test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.stamp-review: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.stamp-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[ml,test]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@ $(VENV)/.stamp-review

review: $(VENV)/.stamp-review
	$(BIN)/slr build --out $(OUT)

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check slr tests benchmarks
	$(BIN)/ruff format --check slr tests benchmarks
	$(BIN)/mypy slr

test: $(VENV)/.stamp-test lint
	scripts/ensure-chromium
	$(BIN)/pytest -q

bench: $(VENV)/.stamp-test
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) build build.tmp* build.old*
