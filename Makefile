# `make run` and `make test` bootstrap .venv themselves.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,postgres,spe]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/kimed init
	$(BIN)/kimed demo
	$(BIN)/kimed serve

test: $(STAMP)
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

bench: $(STAMP)
	$(BIN)/python bench/validate.py
	$(BIN)/python bench/search.py --sizes 10000

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
