"""How well web pages become articles: main text kept, boilerplate kept out, metadata right per field.

Each page NAME.html in the folder has a gold file NAME.gold.json: "main" (sentences of the article
that must be in the stored text), "boilerplate" (lines of page chrome that must not be), and "meta"
(title, author, sitename, date YYYY-MM-DD, url, dateline; null where the page has none;
compared case-insensitively: "LISA MASCARO" is Lisa Mascaro). A gold
file {"skip": true} marks a page with no article, which must be skipped. Pages are read through the
same path as `newsdesk index build` (index.loading then index.build.prepare).

    python -m eval.web_extraction [FOLDER]      # default tests/data/pages
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from index.prepare import prepare
from index.loading import load_folder
from index.settings import BuildSettings
from index.web import normalize_url

PAGES = Path(__file__).resolve().parent.parent / "tests" / "data" / "pages"
FIELDS = ("title", "author", "sitename", "date", "url", "dateline")


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


@dataclass
class PageScore:
    name: str
    main: tuple[int, int] = (0, 0)  # kept, total
    boiler: tuple[int, int] = (0, 0)  # kept out, total
    meta: dict[str, bool] = field(default_factory=dict)
    got: dict[str, str | None] = field(default_factory=dict)
    skipped_ok: bool | None = None  # for pages that must be skipped


def _article_meta(article) -> dict[str, str | None]:
    return {
        "title": article.title.value if article.title else None,
        "author": article.author.value if article.author else None,
        "sitename": article.outlet.value if article.outlet else None,
        "date": article.date.iso[:10] if article.date else None,
        "url": article.url,
        "dateline": article.dateline.value if article.dateline else None,
    }


def score_page(html_path: Path, gold: dict) -> PageScore:
    """Score one page against its gold file."""
    result = load_folder([html_path])
    score = PageScore(html_path.stem)
    if gold.get("skip"):
        score.skipped_ok = not result.documents and bool(result.skipped)
        return score
    if not result.documents:
        score.main = (0, len(gold["main"]))
        score.boiler = (len(gold["boilerplate"]), len(gold["boilerplate"]))
        score.meta = {f: gold["meta"].get(f) is None for f in FIELDS}
        return score
    article, _ = prepare(result.documents[0], BuildSettings())
    text = _norm(article.text)
    score.main = (sum(_norm(s) in text for s in gold["main"]), len(gold["main"]))
    score.boiler = (sum(_norm(s) not in text for s in gold["boilerplate"]), len(gold["boilerplate"]))
    score.got = _article_meta(article)
    for f in FIELDS:
        want, got = gold["meta"].get(f), score.got[f]
        if f == "url" and want and got:
            want, got = normalize_url(want), normalize_url(got)
        score.meta[f] = (want is None and got is None) or (
            want is not None and got is not None and _norm(want).casefold() == _norm(got).casefold())
    return score


def measure(folder: Path = PAGES) -> list[PageScore]:
    """Scores for every page with a gold file in folder, in name order."""
    scores = []
    for gold_path in sorted(folder.glob("*.gold.json")):
        html = gold_path.with_name(gold_path.name.removesuffix(".gold.json") + ".html")
        scores.append(score_page(html, json.loads(gold_path.read_text())))
    return scores


def totals(scores: list[PageScore]) -> dict[str, float]:
    """Share of main sentences kept, of boilerplate lines kept out, and of pages right per field."""
    pages = [s for s in scores if s.skipped_ok is None]
    out = {
        "pages": len(pages),
        "main_kept": sum(s.main[0] for s in pages) / max(1, sum(s.main[1] for s in pages)),
        "boilerplate_out": sum(s.boiler[0] for s in pages) / max(1, sum(s.boiler[1] for s in pages)),
        "empty_pages_skipped": sum(bool(s.skipped_ok) for s in scores if s.skipped_ok is not None),
        "empty_pages": sum(s.skipped_ok is not None for s in scores),
    }
    for f in FIELDS:
        out[f] = sum(s.meta[f] for s in pages) / max(1, len(pages))
    return out


def table(scores: list[PageScore]) -> str:
    """The per-page table and the totals, as Markdown."""
    head = "| page | main kept | boilerplate out | " + " | ".join(FIELDS) + " |"
    rows = [head, "|" + "---|" * (3 + len(FIELDS))]
    for s in scores:
        if s.skipped_ok is not None:
            rows.append(f"| {s.name} (no article) | skipped: {'yes' if s.skipped_ok else 'NO'} | |" + " |" * len(FIELDS))
            continue
        marks = " | ".join("✓" if s.meta[f] else f"✗ ({s.got.get(f)!s:.30})" for f in FIELDS)
        rows.append(f"| {s.name} | {s.main[0]}/{s.main[1]} | {s.boiler[0]}/{s.boiler[1]} | {marks} |")
    t = totals(scores)
    rows.append(f"| **all {t['pages']} pages** | **{t['main_kept']:.1%}** | **{t['boilerplate_out']:.1%}** | "
                + " | ".join(f"**{t[f]:.0%}**" for f in FIELDS) + " |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0]) if argv else PAGES
    scores = measure(folder)
    print(table(scores))
    t = totals(scores)
    print(f"\npages without an article skipped: {t['empty_pages_skipped']}/{t['empty_pages']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
