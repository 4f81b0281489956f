"""Date-resolution accuracy on a gold set (eval/dates_gold.jsonl): each line names an article file, a date
expression (text + occurrence) and its gold calendar range, precision, or, where the article does not
state its year, no range (and the month/day the text does state).

A gold expression is right when the resolver finds an expression overlapping it with the same range and
precision (and, unresolved, the same month/day). An invented year is a resolved date that no stated year
supports: in an article whose own year is unknown, anything resolved that was counted from the
article's date; and any gold-unresolved expression that got a range.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from index.prepare import prepare
from index.dates import ResolvedDate, find_dates
from index.loading import load_folder
from index.model import Article
from index.settings import BuildSettings

ROOT = Path(__file__).resolve().parent.parent
GOLD = Path(__file__).with_name("dates_gold.jsonl")


@dataclass(frozen=True)
class DateCase:
    gold: dict
    article_id: str
    start: int  # where the gold text is in the article
    end: int
    predicted: ResolvedDate | None

    @property
    def correct(self) -> bool:
        p, g = self.predicted, self.gold
        if p is None:
            return False
        same = (p.date_start, p.date_end, p.precision) == (g["date_start"], g["date_end"], g["precision"])
        if g["date_start"] is None and same:
            same = (p.month, p.day) == (g.get("month"), g.get("day"))
        return same


def load_articles(paths: list[Path]) -> dict[Path, Article]:
    out = {}
    for p in paths:
        docs = load_folder([p]).documents
        if len(docs) != 1:
            raise ValueError(f"{p}: expected one article, found {len(docs)}")
        out[p] = prepare(docs[0], BuildSettings())[0]
    return out


def invented_years(article: Article, dates: tuple[ResolvedDate, ...]) -> list[ResolvedDate]:
    """Resolved dates of a year-less article that were counted from its date (so their year is made up)."""
    if article.date is not None and article.date.year is not None:
        return []
    return [d for d in dates if d.resolved and d.derived_from is not None and not d.derived_from[:4].isdigit()]


def measure(gold_path: Path = GOLD, root: Path = ROOT) -> dict:
    """Accuracy (all, seeds, own articles), invented years, and every case, from a gold JSONL file."""
    gold = [json.loads(line) for line in Path(gold_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = load_articles(sorted({root / g["article"] for g in gold}))
    cases = []
    for g in gold:
        a = articles[root / g["article"]]
        at = -1
        for _ in range(g.get("occurrence", 1)):
            at = a.text.find(g["text"], at + 1)
            if at < 0:
                raise ValueError(f"{g['article']}: {g['text']!r} occurrence {g.get('occurrence', 1)} is not in the text")
        end = at + len(g["text"])
        hits = [d for d in find_dates(a) if d.start < end and at < d.end]
        cases.append(DateCase(g, a.id, at, end, hits[0] if hits else None))
    invented = [d for a in articles.values() for d in invented_years(a, find_dates(a))]
    invented += [c.predicted for c in cases if c.gold["date_start"] is None and c.predicted is not None
                 and c.predicted.resolved and c.predicted not in invented]

    def score(subset: list[DateCase]) -> dict:
        n = len(subset)
        right = sum(c.correct for c in subset)
        return {"expressions": n, "found": sum(c.predicted is not None for c in subset), "correct": right,
                "accuracy": right / n if n else 0.0}

    return {"all": score(cases), "seeds": score([c for c in cases if c.gold.get("source") == "seeds"]),
            "own": score([c for c in cases if c.gold.get("source") != "seeds"]),
            "invented_years": len(invented), "invented": invented, "cases": cases, "gold": str(gold_path)}


def table(result: dict) -> str:
    """The accuracy table and the cases resolved wrongly, as markdown."""
    lines = ["| date expressions | n | found | correct | accuracy |", "|---|---|---|---|---|"]
    for key, name in (("all", "all"), ("seeds", "seed articles"), ("own", "own test articles (held out)")):
        s = result[key]
        lines.append(f"| {name} | {s['expressions']} | {s['found']} | {s['correct']} | {100 * s['accuracy']:.1f}% |")
    lines.append(f"\ninvented years: {result['invented_years']}")
    wrong = [c for c in result["cases"] if not c.correct]
    if wrong:
        lines.append("\nwrong:")
        for c in wrong:
            p = c.predicted
            got = "not found" if p is None else f"{p.date_start}..{p.date_end} {p.precision} {p.month}/{p.day} ({p.reason})"
            g = c.gold
            lines.append(f"- {g['article']}: “{g['text']}” expected {g['date_start']}..{g['date_end']} {g['precision']} "
                         f"{g.get('month')}/{g.get('day')}, got {got}")
    return "\n".join(lines)


def date_answers(assistant, questions, result: dict) -> dict:
    """The date-answer row: seed questions whose gold answer is a gold date expression (of dates_gold), asked
    through the full assistant; right when the answer shows that expression's gold resolution.
    questions: eval.datasets.Question objects; result: measure()'s output (its gold cases)."""
    from assistant.conversation import Conversation

    by_text = {}
    for c in result["cases"]:
        by_text.setdefault((c.article_id, c.gold["text"].lower()), c)
    rows = []
    for q in questions:
        golds = [by_text[(s, a.lower().removeprefix("on ").strip())] for s in q.sources for a in q.answers
                 if (s, a.lower().removeprefix("on ").strip()) in by_text]
        if not golds:
            continue
        conv = Conversation() if q.history else None
        for h in q.history:
            assistant.ask(h, conv)
        ans = assistant.ask(q.question, conv)
        shown = [(d.date_start, d.date_end, d.month, d.day) for d in ans.resolved_dates]
        want = {(g.gold["date_start"], g.gold["date_end"], g.gold.get("month") if g.gold["date_start"] is None else
                 g.predicted and g.predicted.month, g.gold.get("day") if g.gold["date_start"] is None else
                 g.predicted and g.predicted.day) for g in golds}
        rows.append({"id": q.id, "question": q.question, "answer": ans.answer, "abstained": ans.abstained,
                     "dates": [d.label for d in ans.resolved_dates], "right": any(s in want for s in shown)})
    n = len(rows)
    return {"questions": n, "answered": sum(not r["abstained"] for r in rows),
            "with_date": sum(bool(r["dates"]) for r in rows), "right": sum(r["right"] for r in rows),
            "accuracy": sum(r["right"] for r in rows) / n if n else 0.0, "rows": rows}


def answers_table(row: dict) -> str:
    return ("| date answers (seed Q&A) | questions | answered | with a resolved date | date right | accuracy |\n"
            "|---|---|---|---|---|---|\n"
            f"| seeds | {row['questions']} | {row['answered']} | {row['with_date']} | {row['right']} | "
            f"{100 * row['accuracy']:.1f}% |")
