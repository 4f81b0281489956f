"""Validate the held-out gold files (format only: no rule under test is run).

    python eval/heldout/check.py

Checks that every article file exists and states a year in its date line, every attribution offset
slice equals its text, every date expression occurs the stated number of times, ranges are valid,
splits are whole articles, and the counts meet the minimums of issue 26.
"""
from __future__ import annotations

import hashlib
import json
import re
import sys
from collections import Counter
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
ARTICLES = HERE / "articles"
HARD_QUOTE = {"verb", "pronoun", "unnamed", "according_to"}  # cues other than said/told/added/stated
MIN = {"quotes": 90, "quotes_test": 45, "dates": 90, "dates_test": 45, "followup": 50, "standalone": 50,
       "followup_test": 25, "standalone_test": 25}


def rows(name: str) -> list[dict]:
    with open(HERE / name, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def text_of(stem: str) -> str:
    return (ARTICLES / f"{stem}.txt").read_bytes().decode("utf-8-sig")


def main() -> int:
    errors: list[str] = []
    split_of: dict[str, set[str]] = {}

    def note_split(stem: str, split: str) -> None:
        if split not in ("dev", "test"):
            errors.append(f"{stem}: split {split!r}")
        split_of.setdefault(stem, set()).add(split)

    files = sorted(p.stem for p in ARTICLES.glob("*.txt"))
    for stem in files:
        text = text_of(stem)
        words = len(re.findall(r"\w+(?:[-'’]\w+)*", text))
        if not 350 <= words <= 700:
            errors.append(f"{stem}: {words} words")
        if not re.search(r"\b(19|20)\d\d\b", "\n".join(text.splitlines()[:5])):
            errors.append(f"{stem}: no year in the header lines")

    attribution = rows("attribution.jsonl")
    for r in attribution:
        if r["article"] not in files:
            errors.append(f"attribution: missing article {r['article']}")
            continue
        if r["folder"] != "eval/heldout/articles":
            errors.append(f"attribution: folder {r['folder']}")
        if text_of(r["article"])[r["start"]:r["end"]] != r["text"]:
            errors.append(f"attribution: {r['article']} [{r['start']}:{r['end']}] does not match its text")
        if (r["speaker"] is None) != ("unnamed" in r["kind"].split("+") or "scare_quotes" in r["kind"]):
            errors.append(f"attribution: {r['article']} [{r['start']}] speaker/kind disagree")
        note_split(r["article"], r["split"])

    dates = rows("dates.jsonl")
    for r in dates:
        path = ROOT / r["article"]
        if not path.is_file():
            errors.append(f"dates: missing article {r['article']}")
            continue
        text = path.read_bytes().decode("utf-8-sig")
        at = -1
        for _ in range(r["occurrence"]):
            at = text.find(r["text"], at + 1)
            if at < 0:
                errors.append(f"dates: {r['article']} {r['text']!r} occurrence {r['occurrence']} not found")
                break
        s, e = date.fromisoformat(r["date_start"]), date.fromisoformat(r["date_end"])
        if s > e or r["precision"] not in ("day", "week", "month", "year"):
            errors.append(f"dates: {r['article']} {r['text']!r} bad range or precision")
        if r["precision"] == "day" and s != e:
            errors.append(f"dates: {r['article']} {r['text']!r} day precision with a range")
        note_split(path.stem, r["split"])

    followups = rows("followups.jsonl")
    for r in followups:
        path = ROOT / r["articles"]
        if not path.is_file():
            errors.append(f"followups: {r['id']} missing article {r['articles']}")
        if r["kind"] == "followup" and not r.get("must"):
            errors.append(f"followups: {r['id']} has no must strings")
        for h in r["history"]:
            if set(h) - {"question", "answer", "quote", "speaker", "abstained", "tier"} or h["abstained"] != (h["answer"] is None):
                errors.append(f"followups: {r['id']} bad history entry")
        note_split(path.stem, r["split"])
    if len({r["id"] for r in followups}) != len(followups):
        errors.append("followups: duplicate ids")

    for stem, splits in split_of.items():
        if len(splits) != 1:
            errors.append(f"{stem}: rows in both splits")
    unused = set(files) - set(split_of)
    if unused:
        errors.append(f"articles without gold rows: {sorted(unused)}")

    n = {"quotes": len(attribution), "quotes_test": sum(r["split"] == "test" for r in attribution),
         "dates": len(dates), "dates_test": sum(r["split"] == "test" for r in dates)}
    kinds = Counter((r["kind"], r["split"]) for r in followups)
    for k in ("followup", "standalone"):
        n[k] = kinds[(k, "dev")] + kinds[(k, "test")]
        n[f"{k}_test"] = kinds[(k, "test")]
    for k, least in MIN.items():
        if n[k] < least:
            errors.append(f"count {k} = {n[k]} < {least}")
    hard = sum(bool(HARD_QUOTE & set(r["kind"].split("+"))) for r in attribution)
    relative = sum(r["kind"] == "relative" for r in dates)
    if 3 * hard < len(attribution):
        errors.append(f"only {hard} of {len(attribution)} quotations use a harder cue")
    if 3 * relative < len(dates):
        errors.append(f"only {relative} of {len(dates)} date expressions are relative")

    print(f"articles {len(files)} (test {sum(split_of.get(f) == {'test'} for f in files)})")
    print(f"attribution {n['quotes']} (test {n['quotes_test']}; harder cues {hard}; no speaker "
          f"{sum(r['speaker'] is None for r in attribution)})")
    print(f"dates {n['dates']} (test {n['dates_test']}; relative {relative})")
    print(f"followups {n['followup']} (test {n['followup_test']}), standalone {n['standalone']} (test {n['standalone_test']})")
    for name in ("attribution.jsonl", "dates.jsonl", "followups.jsonl"):
        print(f"sha256 {name} {hashlib.sha256((HERE / name).read_bytes()).hexdigest()}")
    for e in errors:
        print("ERROR", e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
