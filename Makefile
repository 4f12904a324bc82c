# The two set-up commands of slr. Both create (or reuse) the virtualenv .venv and install it from
# a lock file (exact versions and hashes, locks/*.txt, made by `make lock`):
#   make review  -> locks/review.txt, then build the whole review from the bundled corpus into build/
#   make test    -> locks/test.txt, then lint, format check, type check and the test suite
# Other targets:
#   make test-fast    the suite without the slow and browser tests (iterations; under 3 minutes)
#   make test-lowest  the reproduction and evaluation tests at the lowest supported torch,
#                     transformers, peft and accelerate (locks/lowest.txt, in .venv-lowest)
#   make lock         re-resolve every lock from pyproject.toml (newest releases in the ranges)
#   make gpu-wheels   download the wheels the GPU machine's image lacks into .whl/ (ignored by git)
#   make gpu-check    the GPU checks (scripts/gpu-check: paper-scale measured runs, stops at once
#                     without CUDA); `make gpu-check-cpu`: their tiny variants on this machine
#   make gpu-import FROM=DIR   results that came back from the GPU machine -> results/runs + verdicts
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
UV     := $(BIN)/uv
OUT    ?= build
TEST_LOCK ?= locks/test.txt
# PyPI has CUDA builds of torch only; the CPU build locks/test.txt pins lies in this folder on the
# machines CI runs on (elsewhere: TORCH_WHEELS=<folder with torch-2.13.0+cpu>, or
# UV_EXTRA_INDEX_URL=https://download.pytorch.org/whl/cpu).
TORCH_WHEELS ?= /opt/wheels
FIND_LINKS ?= $(if $(wildcard $(TORCH_WHEELS)/torch-*),--find-links $(TORCH_WHEELS))
SYNC     = $(UV) pip sync --quiet --python $(BIN)/python --require-hashes $(FIND_LINKS)
EDITABLE = $(UV) pip install --quiet --python $(BIN)/python --no-deps --no-build-isolation -e .

.PHONY: review test test-fast test-lowest lowest-run lint lockcheck lock bench gpu-wheels gpu-check \
	gpu-check-cpu gpu-import clean

# A lock made from another pyproject.toml stops every install, with the command that fixes it.
lockcheck:
	@$(PYTHON) scripts/locks.py check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The installer itself, hash-checked: uv's pin and hashes are read from locks/test.txt.
$(UV): locks/test.txt | $(BIN)/python
	$(PYTHON) scripts/locks.py bootstrap-requirement > $(VENV)/uv-requirement.txt
	$(BIN)/python -m pip install -qq --disable-pip-version-check --require-hashes --no-deps \
		-r $(VENV)/uv-requirement.txt
	touch $@

# `uv pip sync` makes the environment exactly the lock (it also removes what the lock lacks).
$(VENV)/.stamp-review: locks/review.txt pyproject.toml | lockcheck $(UV)
	rm -f $(VENV)/.stamp-test
	$(SYNC) locks/review.txt
	$(EDITABLE)
	touch $@

$(VENV)/.stamp-test: $(TEST_LOCK) pyproject.toml | lockcheck $(UV)
	$(SYNC) $(TEST_LOCK)
	$(EDITABLE)
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $@ $(VENV)/.stamp-review

review: $(VENV)/.stamp-review
	$(BIN)/slr build --out $(OUT)

lint: $(VENV)/.stamp-test
	$(BIN)/ruff check slr tests benchmarks scripts
	$(BIN)/ruff format --check slr tests benchmarks scripts
	$(BIN)/mypy slr

test: $(VENV)/.stamp-test lint
	scripts/ensure-chromium
	$(BIN)/pytest -q

test-fast: $(VENV)/.stamp-test
	$(BIN)/pytest -q -m "not slow and not browser"

# Its own virtualenv, so .venv stays as locks/test.txt has it. torch 2.11.0 is a CUDA build from
# PyPI (about 3 GB of downloads the first time); it runs on the CPU here.
test-lowest:
	$(MAKE) --no-print-directory VENV=.venv-lowest TEST_LOCK=locks/lowest.txt FIND_LINKS= lowest-run

lowest-run: $(VENV)/.stamp-test
	$(BIN)/python -c "import torch, transformers, peft, accelerate as a; \
		print('lowest:', torch.__version__, transformers.__version__, peft.__version__, a.__version__)"
	$(BIN)/pytest -q tests/reproduce tests/evaluate

lock: | $(UV)
	$(PYTHON) scripts/locks.py compile --uv $(UV) $(if $(FIND_LINKS),--find-links $(TORCH_WHEELS))

bench: $(VENV)/.stamp-test
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

GPU_OUT ?= gpu-check-out
gpu-wheels:
	$(PYTHON) scripts/gpu_wheels.py --out .whl

# On the GPU machine: no virtualenv, the image's python3 (PYTHON=... to choose another).
gpu-check:
	scripts/gpu-check --out $(GPU_OUT) $(GPU_CHECK_ARGS)

gpu-check-cpu: $(VENV)/.stamp-test
	PYTHON=$(BIN)/python scripts/gpu-check --cpu --out $(GPU_OUT)-cpu $(GPU_CHECK_ARGS)

gpu-import: $(VENV)/.stamp-test
	@test -n "$(FROM)" || { echo "usage: make gpu-import FROM=<folder that came back>"; exit 2; }
	$(BIN)/slr reproduce import-runs $(FROM)
	$(BIN)/slr reproduce verify --details

clean:
	rm -rf $(VENV) .venv-lowest build build.tmp* build.old*
