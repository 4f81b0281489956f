"""The trained span reader (see assistant/training.py): MiniLM with a start/end head, shipped in the repo."""
from __future__ import annotations

from pathlib import Path

MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "reader"


def available() -> bool:
    return (MODEL_DIR / "model.safetensors").is_file()
