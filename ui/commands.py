"""The CLI commands beyond `index`: each module registers its subparser here."""
from __future__ import annotations

REGISTER: list = []
