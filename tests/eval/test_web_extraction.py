"""The extraction table over tests/data/pages: thresholds on what the web path keeps, leaves out and reads."""
from __future__ import annotations

from eval.web_extraction import FIELDS, PAGES, measure, table, totals


def test_pages_meet_extraction_thresholds():
    scores = measure(PAGES)
    t = totals(scores)
    assert t["pages"] >= 10, "at least ten realistic pages with gold files"
    assert t["main_kept"] >= 0.97, table(scores)
    assert t["boilerplate_out"] >= 0.93, table(scores)
    for f in FIELDS:
        assert t[f] >= 0.85, f"{f}: {t[f]:.0%}\n{table(scores)}"
    assert t["empty_pages"] >= 1 and t["empty_pages_skipped"] == t["empty_pages"]


def test_table_names_every_page_and_field():
    out = table(measure(PAGES))
    assert all(f in out.splitlines()[0] for f in FIELDS)
    assert "globalwire-geneva-talks" in out and "**all " in out
