# Two commands set up and run everything on a fresh machine: `make preview` and `make test`.
# Each creates venv/ (Pulumi's `virtualenv: venv` convention, shared with the CLI) from pinned requirements.
PYTHON ?= python3
VENV := venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
REQUIREMENTS := requirements.txt requirements-dev.txt policypack/requirements.txt constraints.txt

.PHONY: preview test rehearse verify lint bench clean

$(INSTALLED): $(REQUIREMENTS)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -c constraints.txt
	touch $@

## preview: what both stacks create, what the policy pack says, and who can do what (offline)
preview: $(INSTALLED)
	$(PY) -m preview

## test: lint, then every test (program, policy pack, preview, rehearsal, workflows)
test: $(INSTALLED)
	$(VENV)/bin/ruff check .
	$(PY) -m pytest

## rehearse: the tutorial's step 3 as David and Theresa against an emulated AWS (moto on 127.0.0.1)
rehearse: $(INSTALLED)
	$(PY) -m rehearsal

## verify: the live accounts against the model's intent and the program (read-only; each stack's credentials)
verify: $(INSTALLED)
	$(PY) -m verify

## bench: the speed figures of the engine, the policy pack, the preview and live verification
bench: $(INSTALLED)
	$(PY) benchmarks/engine_bench.py
	$(PY) benchmarks/policypack_bench.py
	$(PY) benchmarks/preview_bench.py
	$(PY) benchmarks/verify_bench.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
