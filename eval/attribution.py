"""Speaker attribution measured on a gold set: every quoted sentence of the seeds and of our own test
articles, each with the speaker whose words it quotes, or null when the article names nobody.

    python -m eval.attribution            # prints precision and recall, overall and per split

A prediction counts as correct when it names the gold speaker (case-insensitive, a leading "the"
ignored). Precision = correct / sentences given a speaker; recall = correct / sentences whose gold
has a speaker. Splits: "seeds", "own" (test articles written before the rules were tuned, then
developed on) and "heldout" (q4, q5: written after the rules, measured before any rule saw them).
First-seen held-out scores, before the fixes they prompted (a named apposition after a description,
"according to economist X", one-word sources such as "Maersk said", "the college" -> the Royal
College of Nursing, a paragraph's subject named by surname): precision 8/9 = 0.89, recall 8/13 = 0.62.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from assistant.attribution import attribute
from index.loading import load_folder

ROOT = Path(__file__).resolve().parent.parent
GOLD = Path(__file__).with_name("attribution_gold.jsonl")


def _norm(name: str | None) -> str | None:
    if name is None:
        return None
    name = " ".join(name.split()).casefold()
    return name[4:] if name.startswith("the ") else name


def load_gold(path: Path = GOLD) -> list[dict]:
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _texts(rows: list[dict], root: Path) -> dict[str, str]:
    folders = sorted({r["folder"] for r in rows})
    return {d.id: d.text for d in load_folder([root / f for f in folders]).documents}


def predictions(rows: list[dict], root: Path = ROOT) -> list[str | None]:
    """The predicted speaker of each gold sentence, read from its article by its offsets."""
    texts = _texts(rows, root)
    out = []
    for r in rows:
        text = texts[r["article"]]
        if text[r["start"]:r["end"]] != r["text"]:
            raise ValueError(f"gold row {r['article']} [{r['start']}:{r['end']}] no longer matches the article text")
        s = attribute(text, r["start"], r["end"])
        out.append(s.name if s else None)
    return out


def scores(gold: list[str | None], predicted: list[str | None]) -> dict[str, float]:
    given = [(g, p) for g, p in zip(gold, predicted) if p is not None]
    correct = sum(_norm(g) == _norm(p) for g, p in given)
    wanted = sum(g is not None for g in gold)
    return {"sentences": len(gold), "with_speaker": wanted, "predicted": len(given), "correct": correct,
            "precision": correct / len(given) if given else 1.0, "recall": correct / wanted if wanted else 1.0}


def measure(path: Path = GOLD, root: Path = ROOT) -> dict[str, dict[str, float]]:
    """Scores overall and per split."""
    rows = load_gold(path)
    pred = predictions(rows, root)
    out = {"all": scores([r["speaker"] for r in rows], pred)}
    for split in sorted({r["split"] for r in rows}):
        idx = [i for i, r in enumerate(rows) if r["split"] == split]
        out[split] = scores([rows[i]["speaker"] for i in idx], [pred[i] for i in idx])
    return out


def errors(path: Path = GOLD, root: Path = ROOT) -> list[tuple[dict, str | None]]:
    rows = load_gold(path)
    return [(r, p) for r, p in zip(rows, predictions(rows, root)) if _norm(r["speaker"]) != _norm(p)]


def main() -> int:
    result = measure()
    print(f"{'split':8s} {'sentences':>9s} {'speakers':>8s} {'predicted':>9s} {'correct':>7s} {'precision':>9s} {'recall':>6s}")
    for split, s in result.items():
        print(f"{split:8s} {s['sentences']:9d} {s['with_speaker']:8d} {s['predicted']:9d} {s['correct']:7d} "
              f"{s['precision']:9.3f} {s['recall']:6.3f}")
    for r, p in errors():
        print(f"  miss {r['article']} [{r['start']}:{r['end']}]: gold {r['speaker']!r}, predicted {p!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
