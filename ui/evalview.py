"""The Evaluation tab's table and plots: the system's answer beside the expected one, retrieval hit@k with
its legend outside the lines, and per question type exact match, quote hit and wrongly-declined rate,
every bar labelled."""
from __future__ import annotations

from pathlib import Path

import matplotlib

from assistant.answer import Tier

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

TABLE_COLUMNS = ["id", "question", "expected answer", "system's answer", "verdict", "confidence"]
_SERIES = (("em", "exact match"), ("quote_hit", "quote holds the answer"), ("wrongly_declined", "wrongly declined"))


def verdict(row) -> str:
    """One word a reader understands for a row of eval.runner.run."""
    a = row.answer
    if not row.answerable:
        return "right to decline" if a.abstained else "answered, should have declined"
    if a.abstained:
        return "wrongly declined"
    s = row.scores()
    if s["em"] == 1.0:
        return "right"
    if s["f1"] >= 0.5 or s["quote_hit"] == 1.0:
        return "partly right"
    return "wrong"


def table_rows(rows) -> list[list]:
    """The table, worst first; questions and answers stay plain text (the Dataframe shows text, not markup)."""
    order = {"wrong": 0, "answered, should have declined": 1, "wrongly declined": 2, "partly right": 3, "right": 4,
             "right to decline": 5}
    out = []
    for r in sorted(rows, key=lambda r: (order[verdict(r)], r.q.id)):
        a = r.answer
        got = "(declined)" if a.abstained else (a.answer or f"(sentence) {a.quote or ''}")
        if a.tier is Tier.POSSIBLE and not a.abstained:
            got = f"possible: {got}"
        out.append([r.q.id, r.q.question, " / ".join(r.q.answers) or "(should decline)", got, verdict(r),
                    "" if a.abstained else f"{a.confidence:.2f}"])
    return out


def _wrongly_declined(block: dict) -> float:
    v = block.get("abstention", {}).get("wrongly_abstained")
    return float(v) if v is not None else 0.0


def plot(summary: dict, folder: Path, retrievers=("bm25", "dense", "fused"), ks=(1, 3, 5, 10)) -> list[Path]:
    """hit_at_k.png and by_type.png in folder."""
    folder = Path(folder)
    fig, ax = plt.subplots(figsize=(6, 3.8))
    have = [r for r in retrievers if r in summary]
    for i, r in enumerate(have):
        ys = [summary[r].get(f"hit@{k}", 0.0) for k in ks]
        ax.plot(ks, ys, marker="o", label=r, linestyle=("-", "--", ":")[i % 3])
        for k, y in zip(ks, ys):
            ax.annotate(f"{y:.2f}", (k, y), textcoords="offset points", xytext=(0, 6 + 9 * i), ha="center", fontsize=7)
    ax.set(xlabel="k (passages retrieved)", ylabel="gold article in top k", ylim=(0, 1.45), xticks=list(ks),
           yticks=[0, 0.2, 0.4, 0.6, 0.8, 1.0])
    ax.set_title("Retrieval: gold source in the top k", pad=10, loc="left")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=len(have), frameon=False)
    fig.tight_layout()
    fig.savefig(folder / "hit_at_k.png", dpi=110)
    plt.close(fig)

    types = [t for t, b in summary.get("by_type", {}).items() if b.get("answerable")]
    fig, ax = plt.subplots(figsize=(max(6.0, 1.4 * len(types) + 2), 4.0))
    width = 0.8 / len(_SERIES)
    for j, (key, label) in enumerate(_SERIES):
        vals = [(_wrongly_declined(summary["by_type"][t]) if key == "wrongly_declined" else
                 float(summary["by_type"][t].get(key) or 0.0)) for t in types]
        bars = ax.bar([x + (j - 1) * width for x in range(len(types))], vals, width=width, label=label)
        ax.bar_label(bars, labels=[f"{v:.0%}" for v in vals], fontsize=7, padding=2)
    counts = [summary["by_type"][t]["answerable"] for t in types]
    ax.set_xticks(range(len(types)), [f"{t}\n({n} q)" for t, n in zip(types, counts)])
    ax.set(ylim=(0, 1.15), xlim=(-0.6, len(types) - 0.4), ylabel="share of answerable questions", title="By question type")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=3, frameon=False)
    fig.tight_layout()
    fig.savefig(folder / "by_type.png", dpi=110)
    plt.close(fig)
    return [folder / "hit_at_k.png", folder / "by_type.png"]
