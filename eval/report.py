"""The evaluation report: report.json, report.md (worst failures first) and PNG plots."""
from __future__ import annotations

import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .runner import KS, RETRIEVERS, Row  # noqa: E402


def _pct(x) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def metrics_table(summary: dict) -> str:
    """The headline metrics as a markdown table."""
    ab = summary["abstention"]
    lines = ["| metric | value |", "|---|---|",
             f"| questions (answerable) | {summary['questions']} ({summary['answerable']}) |",
             f"| exact match | {_pct(summary['em'])} |", f"| F1 | {_pct(summary['f1'])} |",
             f"| quote hit | {_pct(summary['quote_hit'])} |",
             f"| citation accuracy | {_pct(summary['citation_accuracy'])} |",
             f"| abstained on unanswerable ({ab['unanswerable']}) | {_pct(ab['abstained_on_unanswerable'])} |",
             f"| wrongly abstained on answerable ({ab['answerable']}) | {_pct(ab['wrongly_abstained'])} |",
             f"| latency p50 / p95 ms | {summary['latency_ms']['p50']:.1f} / {summary['latency_ms']['p95']:.1f} |"]
    if "tiers" in summary:
        ti = summary["tiers"]
        lines += ["", "| outcome | questions | of them answerable | right (gold in quote, gold cited) |", "|---|---|---|---|"]
        for name, label in (("answered", "answered"), ("possible", "possible answer"), ("abstained", "abstained")):
            lines.append(f"| {label} | {ti[name]['n']} | {ti[name]['answerable']} | {_pct(ti[name]['right'])} |")
    lines += ["", "| retriever | " + " | ".join(f"hit@{k}" for k in KS) + " | MRR |", "|---" * (len(KS) + 2) + "|"]
    for r in RETRIEVERS:
        lines.append(f"| {r} | " + " | ".join(f"{summary[r][f'hit@{k}']:.3f}" for k in KS) + f" | {summary[r]['mrr']:.3f} |")
    lines += ["", "| type | n | EM | F1 | quote hit | fused hit@1 | abstained (unans.) | wrongly abstained |", "|---" * 8 + "|"]
    for t, b in summary["by_type"].items():
        ab = b["abstention"]
        lines.append(f"| {t} | {b['questions']} | {_pct(b['em'])} | {_pct(b['f1'])} | {_pct(b['quote_hit'])} | "
                     f"{b['fused']['hit@1']:.2f} | {_pct(ab['abstained_on_unanswerable'])} | {_pct(ab['wrongly_abstained'])} |")
    if "by_shape" in summary:
        lines += ["", "| shape | n (answerable) | right | refused | confident and right | confident right % | "
                      "possible right % | unanswerable confident | p50 ms |", "|---" * 9 + "|"]
        for shape, b in summary["by_shape"].items():
            lines.append(f"| {shape} | {b['questions']} ({b['answerable']}) | {_pct(b['right'])} | {_pct(b['refused'])} | "
                         f"{_pct(b['confident_right'])} | {_pct(b['confident_precision'])} | {_pct(b['possible_precision'])} | "
                         f"{_pct(b['unanswerable_confident'])} of {b['unanswerable']} | {b['p50_ms']:.0f} |")
    lines += ["", "| confidence | answers | accuracy |", "|---|---|---|"]
    for b in summary["calibration"]:
        lines.append(f"| {b['bin']} | {b['n']} | {_pct(b['accuracy'])} |")
    return "\n".join(lines)


def failures(rows: list[Row], n: int = 25) -> list[Row]:
    """Wrong answers first: answered unanswerables, then answerables by F1 and quote hit."""
    def badness(r: Row) -> tuple:
        if not r.answerable:
            return (0 if not r.answer.abstained else 3, -r.answer.confidence)
        s = r.scores()
        return (1 if r.answer.abstained else 2 if s["quote_hit"] == 0 else 4, s["f1"])

    bad = [r for r in rows if (not r.answerable and not r.answer.abstained) or (r.answerable and r.scores()["em"] < 1)]
    return sorted(bad, key=badness)[:n]


def write_report(summary: dict, rows: list[Row], folder: Path, title: str, command: str) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "report.json").write_text(json.dumps(summary, indent=2))
    md = [f"# Evaluation: {title}", "", f"`{command}`", "", metrics_table(summary), "", "## Worst failures", ""]
    for r in failures(rows):
        a = r.answer
        md.append(f"- **{r.q.id}** {r.q.question}")
        md.append(f"  - expected: {' / '.join(r.q.answers) if r.answerable else '(abstain)'}")
        got = "(abstained)" if a.abstained else f"{a.answer!r} in “{(a.quote or '')[:160]}”"
        md.append(f"  - got: {got} (confidence {a.confidence:.2f}; searched for: {a.query})")
    (folder / "report.md").write_text("\n".join(md) + "\n")
    return [folder / "report.json", folder / "report.md", *plot(summary, folder)]


def plot(summary: dict, folder: Path) -> list[Path]:
    fig, ax = plt.subplots(figsize=(5, 3.5))
    for r in RETRIEVERS:
        ax.plot(KS, [summary[r][f"hit@{k}"] for k in KS], marker="o", label=r)
    ax.set(xlabel="k", ylabel="hit@k (gold source in top k)", ylim=(0, 1.02), title="Retrieval")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "hit_at_k.png", dpi=110)
    plt.close(fig)
    types = list(summary["by_type"])
    fig, ax = plt.subplots(figsize=(6, 3.5))
    xs = range(len(types))
    ax.bar([x - 0.2 for x in xs], [summary["by_type"][t]["em"] for t in types], width=0.4, label="EM")
    ax.bar([x + 0.2 for x in xs], [summary["by_type"][t]["quote_hit"] for t in types], width=0.4, label="quote hit")
    ax.set_xticks(list(xs), types)
    ax.set(ylim=(0, 1.02), title="By question type")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "by_type.png", dpi=110)
    plt.close(fig)
    return [folder / "hit_at_k.png", folder / "by_type.png"]
