# Two commands do everything on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint eval bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Start the Telegram bot when TELEGRAM_BOT_TOKEN is set, otherwise a console chat.
run: $(STAMP)
	@if [ -n "$$TELEGRAM_BOT_TOKEN" ]; then exec $(PY) -m bot run; else exec $(PY) -m bot console; fi

## Lint, then run the whole test suite.
test: $(STAMP)
	$(PY) -m ruff check bot tests
	$(PY) -m pytest -q

lint: $(STAMP)
	$(PY) -m ruff check bot tests
	$(PY) -m ruff format --check bot tests

## Score the dev question set per slice: the shared one when it is beside the clone, else the
## copy in tests/data (QUESTIONS=FILE scores another set).
QUESTIONS ?= $(firstword $(wildcard ../shared/eval/dev_questions.yaml) tests/data/dev_questions.yaml)
eval: $(STAMP)
	$(PY) -m bot eval $(QUESTIONS)

## Benchmarks of issue 4: prints the table and writes benchmarks/RESULTS.md.
bench: $(STAMP)
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
