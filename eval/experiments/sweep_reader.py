"""Choose the reader's training settings (learning rate, hard-negative ratio, window size) by measurement
on SQuAD *train*'s validation articles (training/splits.py, never trained on); never on the benchmark.

    python -m eval.experiments.sweep_reader [--examples 1500] [--questions 400] [--init models/reader] [--only NAME ...]

Each setting trains a short run (same seed, same number of positive windows) into .newsdesk/sweep/NAME
(resumable), from the base model or, with --init, from a trained reader on questions it never saw
(the choice for a next training stage); then `newsdesk eval` measures it on the validation questions twice:
reading the gold paragraph (the reader alone) and with the whole validation set as an open corpus,
never abstaining. Short runs rank settings; they do not predict the long run's numbers.
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from assistant.settings import AskSettings, ReaderKind, ReaderSettings
from eval.datasets import load_dataset
from eval.runner import assistant_for, run, summarize
from training.splits import SQUAD_TRAIN, load_articles, split
from assistant.collection import Config
from index.settings import BuildSettings
from training.config import TrainConfig
from training.reader import train

SETTINGS = {  # one change at a time from TrainConfig's defaults (the shipped runs' settings)
    "base": {},
    "lr-2e-4": {"lr": 2e-4},
    "lr-5e-5": {"lr": 5e-5},
    "neg-0.5": {"neg_ratio": 0.5},
    "window-400": {"window_chars": 400},
}


def validation_set(data: Path, questions: int, out: Path) -> Path:
    """The validation articles as SQuAD JSON, every paragraph kept, `questions` of their questions."""
    val = split(load_articles(data), "validation")
    keys = [(a, p, q) for a, art in enumerate(val) for p, para in enumerate(art["paragraphs"])
            for q in range(len(para["qas"]))]
    keep = set(random.Random(7).sample(keys, min(questions, len(keys))))
    for a, art in enumerate(val):
        for p, para in enumerate(art["paragraphs"]):
            para["qas"] = [qa for q, qa in enumerate(para["qas"]) if (a, p, q) in keep]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"version": "1.1", "data": val}))
    return out


def measure(model: Path, dataset: Path, gold: bool) -> dict:
    """`newsdesk eval DATASET --no-abstain` (or `--gold`) with this reader, in this process."""
    data = load_dataset(dataset)
    reader = ReaderSettings(kind=ReaderKind.TRAINED, path=model)
    build = BuildSettings()
    from eval.runner import cached_index, open_collection
    from index.embedding import load_embedder

    embedder = load_embedder(build.model)
    base = open_collection(cached_index(data, build, embedder), Config(build, AskSettings(abstain=False), reader),
                           embedder).assistant
    assistant = assistant_for(data, base, build)
    return summarize(run(data, assistant, progress=False, gold=gold))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=str(SQUAD_TRAIN))
    ap.add_argument("--examples", type=int, default=1500, help="positive windows per run")
    ap.add_argument("--questions", type=int, default=400)
    ap.add_argument("--init", help="start every run from this reader folder")
    ap.add_argument("--only", nargs="*", choices=sorted(SETTINGS))
    args = ap.parse_args()
    root = Path(".newsdesk/sweep") / ("from-" + Path(args.init).name if args.init else "from-base")
    dataset = validation_set(Path(args.data), args.questions, root / "validation.json")
    print("| setting | windows | train s | gold EM | gold F1 | open EM | open F1 | open quote hit |")
    print("|---|---|---|---|---|---|---|---|", flush=True)
    for name in args.only or SETTINGS:
        cfg = TrainConfig(data=args.data, out=str(root / name), max_examples=args.examples, init=args.init,
                          **SETTINGS[name])
        folder = train(cfg)
        info = json.loads((folder / "training.json").read_text())
        gold = measure(folder, dataset, gold=True)
        open_ = measure(folder, dataset, gold=False)
        print(f"| {name} | {info['windows']} | {info['train_seconds']:.0f} | {100 * gold['em']:.1f} | "
              f"{100 * gold['f1']:.1f} | {100 * open_['em']:.1f} | {100 * open_['f1']:.1f} | "
              f"{open_['quote_hit']:.3f} |", flush=True)


if __name__ == "__main__":
    main()
