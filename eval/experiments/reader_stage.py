"""Measure reader folders the way the training's stopping rule reads them: on SQuAD *train*'s
validation articles (training/splits.py; never trained on), 400 questions, with the gold paragraph (the
reader alone) and with the validation articles as an open corpus, never abstaining; and, for the
report only, the benchmark's questions with the gold paragraph.

    python -m eval.experiments.reader_stage models/reader .newsdesk/reader-stage3/model [--no-benchmark]

A stage is kept (exported to models/reader) when its validation gold F1 beats the shipped reader's;
training stops when a stage gains less than 0.5 F1 (issue 15). Rows go to stdout as a Markdown table.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from eval.datasets import BENCHMARK
from eval.experiments.sweep_reader import measure, validation_set
from training.splits import SQUAD_TRAIN


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("readers", nargs="+", help="reader folders (fp16 safetensors, as exported)")
    ap.add_argument("--questions", type=int, default=400)
    ap.add_argument("--no-benchmark", action="store_true", help="skip the Super Bowl gold-paragraph row")
    args = ap.parse_args()
    dataset = validation_set(SQUAD_TRAIN, args.questions, Path(".newsdesk/sweep/validation.json"))
    print("| reader | val gold EM | val gold F1 | val open EM | val open F1 | val open quote hit | SB gold EM | "
          "SB gold F1 |")
    print("|---|---|---|---|---|---|---|---|", flush=True)
    for folder in map(Path, args.readers):
        gold = measure(folder, dataset, gold=True)
        open_ = measure(folder, dataset, gold=False)
        sb = (None if args.no_benchmark or not BENCHMARK.is_file()
              else measure(folder, BENCHMARK, gold=True))
        sb_cells = "- | -" if sb is None else f"{100 * sb['em']:.1f} | {100 * sb['f1']:.1f}"
        print(f"| {folder} | {100 * gold['em']:.1f} | {100 * gold['f1']:.1f} | {100 * open_['em']:.1f} | "
              f"{100 * open_['f1']:.1f} | {open_['quote_hit']:.3f} | {sb_cells} |", flush=True)


if __name__ == "__main__":
    main()
