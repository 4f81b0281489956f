# Two commands do all the set-up: `make chat` and `make test`. Both are idempotent.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
INDEX   ?= .newsdesk/index
STAMP   := $(VENV)/.installed
TSTAMP  := $(VENV)/.installed-test
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export TOKENIZERS_PARALLELISM := false

.PHONY: chat test install index clean

$(BIN)/python:
	$(PY) -m venv $(VENV)

# torch first, pinned: an unpinned torch pulls gigabytes of CUDA packages.
# `newsdesk prepare` exports the embedder and the reader for the default runtime once, into the user's
# cache, so that no question waits for it.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e .
	$(BIN)/newsdesk prepare
	touch $@

# the test extra and the scale extra (Milvus Lite, Ray), so the suite runs the scale-out tests too
$(TSTAMP): $(STAMP)
	$(BIN)/pip install -q -e '.[test,scale]'
	touch $@

install: $(STAMP)

/usr/bin/chromium:
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi

# Builds the seed index when missing or stale (the build itself reuses every unchanged vector).
index: $(STAMP)
	$(BIN)/newsdesk index build seeds --index $(INDEX)

chat: index
	$(BIN)/newsdesk chat --index $(INDEX)

test: $(TSTAMP) /usr/bin/chromium
	$(BIN)/lint-imports
	$(BIN)/python -m pytest -q

clean:
	rm -rf .newsdesk test-artifacts .pytest_cache
