"""What parsing at build time costs: the same folders built with and without the dependency parse, in one
run, alternating, so that a loaded machine slows both alike.

    python -m eval.experiments.parse_build_cost [--chunks 1000] [--rounds 2]

Builds (1) every news article the project holds (NEWS_FOLDERS: quotation-heavy reports) and (2) a bench
corpus of SQuAD train paragraphs (eval/speed.squad_corpus: few quotations), each into a fresh index with
the default runtime's embedder, and prints texts embedded per second with the parse and without it, and
their ratio (issue 26's target: >= 0.8).
"""
from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

from eval.datasets import NEWS_FOLDERS, ROOT
from index import prepare
from index.build import build_index
from index.embedding import load_embedder
from index.settings import BuildSettings


def _build(folders: list[Path], work: Path, settings: BuildSettings, embedder, parse: bool) -> tuple[float, int]:
    shutil.rmtree(work, ignore_errors=True)
    prepare._NO_PARSER[:] = [] if parse else ["switched off for the comparison"]
    t0 = time.perf_counter()
    report = build_index(folders, work, settings, embedder)
    prepare._NO_PARSER[:] = []
    return time.perf_counter() - t0, report.embedded


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--chunks", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=2)
    args = p.parse_args()
    from eval import speed

    settings = BuildSettings()
    embedder = load_embedder(settings.model, settings.embed_batch, settings.runtime)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        speed.squad_corpus(args.chunks, tmp / "bench")
        corpora = {"news folder": [ROOT / f for f in NEWS_FOLDERS], f"bench corpus ({args.chunks} chunks)": [tmp / "bench"]}
        embedder.encode(["warm up"])
        for name, folders in corpora.items():
            times = {True: [], False: []}
            texts = 0
            for _ in range(args.rounds):
                for parse in (False, True):
                    seconds, texts = _build(folders, tmp / "idx", settings, embedder, parse)
                    times[parse].append(seconds)
            with_p, without = min(times[True]), min(times[False])
            print(f"{name}: {texts} texts; without the parse {texts / without:.1f} texts/s ({without:.1f} s), "
                  f"with it {texts / with_p:.1f} texts/s ({with_p:.1f} s): ratio {without / with_p:.2f}")


if __name__ == "__main__":
    main()
