# One dev loop for people and CI. `make seeds` and `make test` are the README's two commands.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# The models folder; ../shared/models beside the checkout unless set.
export PRESSLENS_MODELS ?= $(abspath ../shared/models)

.PHONY: develop seeds test test-rust test-python lint format clean

# A virtual environment with the build tools; the package itself is (re)built by `develop`.
$(BIN)/maturin:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q "maturin>=1.9,<2"

# Build the Rust extension (release) into the venv, with runtime and test dependencies.
develop: $(BIN)/maturin
	VIRTUAL_ENV=$(abspath $(VENV)) $(BIN)/maturin develop --release --quiet --extras test,pandas,lint

# The main job on the seed articles.
seeds: develop
	$(BIN)/presslens analyze seeds/

# ONNX Runtime for the Rust-only tests: the library inside the installed onnxruntime wheel.
ORT_LIB = $(shell $(BIN)/python -c 'from presslens._runtime import find_ort_library; print(find_ort_library())')

test-rust: develop
	ORT_DYLIB_PATH="$(ORT_LIB)" cargo test --quiet

test-python: develop
	$(BIN)/python -m pytest -q

test: test-rust test-python

# Every check that keeps style and types from drifting; .ci/run runs it before the tests.
lint: develop
	cargo fmt --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --features python --all-targets -- -D warnings
	$(BIN)/ruff check python tests/python bench train
	$(BIN)/ruff format --check python tests/python bench train
	$(BIN)/mypy
	$(BIN)/python -m mypy.stubtest presslens._native --mypy-config-file pyproject.toml --allowlist .mypy-stubtest-allowlist

# Rewrite the tree in the project's style (rustfmt.toml, [tool.ruff]).
format: $(BIN)/maturin
	cargo fmt
	$(BIN)/ruff check --fix python tests/python bench train
	$(BIN)/ruff format python tests/python bench train

clean:
	rm -rf $(VENV) target
