"""The process environment newsdesk runs in, written once: offline model loading, and quiet libraries.

Nothing is downloaded at run time (models come from installed packages and local folders), and what a
person reads is newsdesk's own output: library warnings, progress bars and log lines stay out of it
unless they ask for them (`-v`). Set-up work that happens once (exporting a runtime) says so in one line
through the PROGRESS logger.
"""
from __future__ import annotations

import logging
import os
import sys
import warnings

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",  # models load from local folders and installed packages only
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",  # no fork warnings from the Rust tokenizers
    "GRADIO_ANALYTICS_ENABLED": "False",
}
QUIET_ENV = {
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",  # transformers' "Loading weights" bars read this too
    "TRANSFORMERS_VERBOSITY": "error",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "GRPC_VERBOSITY": "NONE",
}
OWN_LOGGERS = ("index", "assistant", "ui", "eval", "training", "newsdesk")
PROGRESS = logging.getLogger("newsdesk.progress")  # one line per set-up step a person waits for


def set_offline() -> None:
    """Set the offline environment (values a caller already set are kept)."""
    for k, v in OFFLINE_ENV.items():
        os.environ.setdefault(k, v)


class _OwnOnly(logging.Filter):
    """Below ERROR, only newsdesk's own log lines pass (onnxruntime, for one, warns on the root logger)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR or record.name.split(".")[0] in OWN_LOGGERS


def quiet_libraries() -> None:
    """Keep library warnings, progress bars and log lines out of what a person reads."""
    for k, v in QUIET_ENV.items():
        os.environ.setdefault(k, v)
    warnings.simplefilter("ignore")  # TracerWarnings, ONNX exporter notes, deprecations: not the user's
    for handler in logging.getLogger().handlers:
        handler.addFilter(_OwnOnly())
    for noisy in ("sentence_transformers", "transformers", "httpx", "faiss", "onnxruntime", "torch"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def show_progress() -> None:
    """Set-up steps print as `newsdesk: ...` on stderr, one line each."""
    if not PROGRESS.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("newsdesk: %(message)s"))
        PROGRESS.addHandler(handler)
    PROGRESS.setLevel(logging.INFO)
    PROGRESS.propagate = False
