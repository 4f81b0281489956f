"""Choose how the reader is int8-quantized by measurement: each variant of onnxruntime's dynamic
quantization against the fp32 export, on the reader alone (gold paragraph or gold article given).

    python -m eval.experiments.quantize_reader [--reader models/reader] [--sets superbowl seeds newsqa]

On an AVX2 CPU without VNNI, ONNX Runtime multiplies uint8 activations by int8 weights with an
instruction that can saturate (its documentation suggests reduce_range or uint8 weights there), and
the last layers feed the span logits directly, so the variants are: the shipped setting (int8
per-channel weights on every MatMul), with reduce_range, with uint8 weights, and with the span head
left in fp32. Prints F1, EM and p50 per call for each, beside PyTorch and the fp32 ONNX export.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from assistant.settings import shipped_reader_dir
from eval import metrics as M
from eval.datasets import load_dataset
from index.runtime import Runtime, ensure_export, session

SETS = {"superbowl": "../shared/benchmarks/squad-v1.1-dev-super-bowl-50.json", "seeds": "seeds",
        "newsqa": "eval/newsqa/questions.jsonl"}
NEWSQA_ARTICLES = Path("eval/newsqa/articles")


def variants(fp32: Path, out: Path) -> dict[str, Path]:
    """Quantized copies of the fp32 model, one per setting (cached under out)."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    head = [n.name for n in onnx.load(str(fp32)).graph.node if "qa_outputs" in n.name]
    settings = {
        "int8 per-channel (shipped)": dict(weight_type=QuantType.QInt8, per_channel=True),
        "int8 per-channel, reduce_range": dict(weight_type=QuantType.QInt8, per_channel=True, reduce_range=True),
        "uint8 per-channel": dict(weight_type=QuantType.QUInt8, per_channel=True),
        "int8 per-channel, span head fp32": dict(weight_type=QuantType.QInt8, per_channel=True, nodes_to_exclude=head),
    }
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for i, (name, kw) in enumerate(settings.items()):
        path = out / f"variant-{i}.onnx"
        if not path.is_file():
            quantize_dynamic(str(fp32), str(path), op_types_to_quantize=["MatMul", "Gemm"], **kw)
        paths[name] = path
    return paths


def gold_items(name: str) -> list[tuple[str, str, tuple[str, ...]]]:
    """(question, gold text, answers) of a set's answerable standalone questions."""
    data = load_dataset(SETS[name])
    if data.documents:
        texts = {d["id"]: d["text"] for d in data.documents}
    else:
        folder = NEWSQA_ARTICLES if name == "newsqa" else Path("seeds")
        texts = {p.stem: p.read_text(encoding="utf-8") for p in folder.glob("*.txt")}
    return [(q.question, texts[q.sources[0]], q.answers) for q in data.questions
            if q.answerable and not q.history and q.sources and q.sources[0] in texts]


def measure(reader, items) -> tuple[float, float, float]:
    f1s, ems, secs = [], [], []
    for q, text, golds in items:
        t0 = time.perf_counter()
        found = reader.score_windows(q, [text])
        secs.append(time.perf_counter() - t0)
        best = max(found, key=lambda r: r[2], default=None)
        pred = text[best[0]:best[1]] if best else None
        f1s.append(M.f1(pred, list(golds)))
        ems.append(M.exact_match(pred, list(golds)))
    return 100 * float(np.mean(f1s)), 100 * float(np.mean(ems)), 1000 * float(np.median(secs))


def main() -> None:
    from assistant.readers.span import SpanReader

    ap = argparse.ArgumentParser()
    ap.add_argument("--reader", default=None, help="reader folder (default: the shipped one)")
    ap.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    ap.add_argument("--only", nargs="*", help="run only these rows (names as printed)")
    args = ap.parse_args()
    folder = Path(args.reader) if args.reader else shipped_reader_dir()
    reader = SpanReader.load(folder, runtime=Runtime.ONNX)
    fp32 = ensure_export(folder, "qa", Runtime.ONNX).path
    sets = {s: gold_items(s) for s in args.sets}
    print("| reader | " + " | ".join(f"{s} F1 / EM ({len(v)})" for s, v in sets.items()) + " | p50 ms (superbowl) |")
    print("|---|" + "---|" * (len(sets) + 1), flush=True)
    runs = {"torch (fp32)": None, "fp32 ONNX": fp32, **variants(fp32, fp32.parent / "variants")}
    for name, path in runs.items():
        if args.only and name not in args.only:
            continue
        if path is None:
            current = SpanReader.load(folder, runtime=Runtime.TORCH)
        else:
            reader.model.session = session(path)
            current = reader
        cells, p50 = [], None
        for s, items in sets.items():
            f1, em, ms = measure(current, items)
            cells.append(f"{f1:.2f} / {em:.2f}")
            p50 = ms if s == "superbowl" or p50 is None else p50
        print(f"| {name} | " + " | ".join(cells) + f" | {p50:.1f} |", flush=True)


if __name__ == "__main__":
    main()
