"""Model runtimes: PyTorch (the fallback) or ONNX Runtime, fp32 or int8, for the embedder and the reader.

The ONNX files are exported here, offline, from the shipped weights (torch.onnx.export, the
TorchScript exporter), optionally int8-quantized with onnxruntime's dynamic quantization, and cached
in a folder keyed by the source weights' sha256 with a manifest.json (source, sha256, runtime,
quantization, opset, onnxruntime version). Nothing is ever downloaded. A cached export whose manifest
does not match the source weights is exported again.

At run time an ONNX model needs only onnxruntime, numpy and `tokenizers`: torch is imported only to
export (once) or when the torch runtime is chosen.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from filelock import FileLock

from .environment import PROGRESS
from .settings import Runtime

log = logging.getLogger(__name__)
OPSET = 17
# How far an int8 vector may be from the fp32 one (cosine), measured on the seeds' sentences and stated
# in README (speed section). It also bounds a text's int8 vector alone against the same text's in a
# batch: dynamic quantization scales activations per batch (measured 0.98-0.99).
INT8_MIN_COSINE = 0.97
FORMAT = 2  # of the cache folder; a change exports again


def available(runtime: str) -> Runtime:
    """The runtime to use for the one asked for: an ONNX runtime falls back to torch (with a warning)
    where onnxruntime or onnx is not installed."""
    runtime = Runtime(runtime)
    # found, not imported: onnx (the exporter's) is only needed when an export is missing
    if runtime.is_onnx and not all(importlib.util.find_spec(m) for m in ("onnxruntime", "onnx")):
        log.warning("onnxruntime or onnx is not installed: running %s models on torch instead", runtime.value)
        return Runtime.TORCH
    return runtime


def runtime_cache_dir() -> Path:
    """Where exports are cached: $NEWSDESK_RUNTIME_CACHE, else the user's cache folder (~/.cache/newsdesk/runtime),
    so that every working folder finds the same exports (`make install` prepares them)."""
    return Path(os.environ.get("NEWSDESK_RUNTIME_CACHE") or
                Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsdesk" / "runtime")


def intra_op_threads() -> int:
    """Threads one model call may use: $NEWSDESK_THREADS, else all cores. The server lowers it so that
    concurrent answers share the cores instead of each spinning on all of them."""
    value = os.environ.get("NEWSDESK_THREADS")
    return max(1, int(value)) if value else max(1, os.cpu_count() or 1)


def torch_threads() -> None:
    """Give torch the same thread count as ONNX Runtime when $NEWSDESK_THREADS sets it."""
    if os.environ.get("NEWSDESK_THREADS"):
        import torch

        torch.set_num_threads(intra_op_threads())


def weights_sha256(folder: Path) -> str:
    """sha256 over the weight files of a model folder (safetensors, else bin), in name order."""
    files = sorted(Path(folder).glob("*.safetensors")) or sorted(Path(folder).glob("*.bin"))
    if not files:
        raise FileNotFoundError(f"no weights in {folder}")
    h = hashlib.sha256()
    for f in files:
        with open(f, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Export:
    """An exported model on disk: the .onnx file and its manifest (what it was made from, and how)."""

    path: Path
    manifest: dict


def _export_torch(folder: Path, kind: str, out: Path) -> None:
    """fp32 ONNX of a model folder: kind "encoder" (last hidden state) or "qa" (start/end logits)."""
    import torch
    from transformers import AutoModel, AutoModelForQuestionAnswering

    cls = AutoModelForQuestionAnswering if kind == "qa" else AutoModel
    model = cls.from_pretrained(str(folder), dtype=torch.float32).eval()

    class Wrapped(torch.nn.Module):
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, input_ids, attention_mask, token_type_ids):
            o = self.m(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return (o.start_logits, o.end_logits) if kind == "qa" else o.last_hidden_state

    names = ["start_logits", "end_logits"] if kind == "qa" else ["last_hidden_state"]
    dummy = torch.ones(2, 16, dtype=torch.int64)
    axes = {n: {0: "batch", 1: "seq"} for n in ["input_ids", "attention_mask", "token_type_ids", *names]}
    with torch.inference_mode():
        torch.onnx.export(Wrapped(model), (dummy, dummy, torch.zeros_like(dummy)), str(out),
                          input_names=["input_ids", "attention_mask", "token_type_ids"], output_names=names,
                          dynamic_axes=axes, opset_version=OPSET, do_constant_folding=True, dynamo=False)


def ensure_export(folder: Path, kind: str, runtime: Runtime, cache: Path | None = None) -> Export:
    """The cached ONNX export of folder for this runtime, exported (and quantized) first if missing or stale."""
    try:
        import onnxruntime
    except ImportError:
        raise RuntimeError(f"--runtime {Runtime(runtime).value} needs onnxruntime and onnx (pip install onnxruntime onnx); "
                           "or use --runtime torch") from None

    runtime = Runtime(runtime)
    if not runtime.is_onnx:
        raise ValueError("the torch runtime has no export")
    folder = Path(folder)
    sha = weights_sha256(folder)
    target = (cache or runtime_cache_dir()) / f"{kind}-{sha[:16]}"
    target.mkdir(parents=True, exist_ok=True)
    name = "model-int8.onnx" if runtime is Runtime.ONNX_INT8 else "model.onnx"
    path, manifest_path = target / name, target / f"{name}.json"
    # the reader's weights in 7 bits (reduce_range): on AVX2 without VNNI, ONNX Runtime's uint8 x int8
    # product can saturate, which onnxruntime's documentation answers with reduce_range; measured on the
    # 810 Super Bowl questions (eval/experiments/quantize_reader.py) the reader's F1 went from -0.71 to
    # +0.17 of fp32's at the same speed. The embedder keeps 8 bits (cosine 0.992 to fp32 already).
    reduce_range = kind == "qa"
    want = {"format": FORMAT, "source": str(folder), "source_sha256": sha, "kind": kind, "runtime": runtime.value,
            "quantization": ("dynamic int8 (QInt8 per-channel weights" + (", reduce_range" if reduce_range else "")
                             + ", MatMul/Gemm)") if runtime is Runtime.ONNX_INT8 else "none",
            "opset": OPSET}
    with FileLock(str(target / ".lock"), timeout=600):
        if manifest_path.is_file() and path.is_file():
            have = json.loads(manifest_path.read_text())
            if all(have.get(k) == v for k, v in want.items() if k != "source"):
                return Export(path, have)
        fp32 = target / "model.onnx"
        if runtime is Runtime.ONNX or not fp32.is_file() or not (target / "model.onnx.json").is_file():
            _say_preparing(runtime, target.parent)
            tmp = target / "model.onnx.tmp"
            with warnings.catch_warnings():  # TracerWarnings and exporter notes about ops it handles
                warnings.simplefilter("ignore")
                _export_torch(folder, kind, tmp)
            os.replace(tmp, fp32)
            _write_json(target / "model.onnx.json", {**want, "runtime": Runtime.ONNX.value, "quantization": "none",
                                                     "onnxruntime": onnxruntime.__version__})
        if runtime is Runtime.ONNX_INT8:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            _say_preparing(runtime, target.parent)
            log.info("quantizing %s to int8", fp32)
            tmp = target / "model-int8.onnx.tmp"
            # per-channel: per-tensor int8 weights moved the embedder's vectors to cosine 0.955 mean / 0.911
            # min of fp32's on the seeds' sentences; per-channel keeps 0.992 / 0.986
            quantize_dynamic(str(fp32), str(tmp), weight_type=QuantType.QInt8, per_channel=True,
                             reduce_range=reduce_range, op_types_to_quantize=["MatMul", "Gemm"])
            os.replace(tmp, path)
            _write_json(manifest_path, {**want, "onnxruntime": onnxruntime.__version__})
        return Export(path, json.loads(manifest_path.read_text()))


_SAID: set[str] = set()


def _say_preparing(runtime: Runtime, cache: Path) -> None:
    """One line per process, however many models it exports: the person waits once, for one reason."""
    if runtime.value not in _SAID:
        _SAID.add(runtime.value)
        PROGRESS.info("preparing the %s runtime (once; cached in %s)", runtime.value, cache)


def _write_json(path: Path, data: dict) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    os.replace(tmp, path)


def session(path: Path, threads: int | None = None):
    """An ONNX Runtime CPU session; Run() is thread-safe, so one session serves concurrent questions."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads or intra_op_threads()
    opts.inter_op_num_threads = 1
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(str(path), opts, providers=["CPUExecutionProvider"])


def fast_tokenizer(folder: Path, max_length: int):
    """The model's fast tokenizer (tokenizers library: no transformers, no torch), truncating at max_length."""
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
    tok.enable_truncation(max_length)
    tok.no_padding()
    return tok


class PairEncoding(dict):
    """What the reader reads from a tokenizer call (numpy arrays, one row a window) and each window's
    sequence ids: the subset of transformers' BatchEncoding it uses, without importing torch."""

    def __init__(self, data: dict, sequence_ids: list[list[int | None]]):
        super().__init__(data)
        self._sequence_ids = sequence_ids

    def sequence_ids(self, window: int) -> list[int | None]:
        return self._sequence_ids[window]


class QaTokenizer:
    """(question, context) pairs to overflowing windows, as transformers' fast tokenizer does with
    truncation="only_second", stride, return_overflowing_tokens, return_offsets_mapping and padding
    (tested equal to it), from the model's tokenizer.json alone."""

    def __init__(self, folder: Path):
        from tokenizers import Tokenizer

        self.tokenizer = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
        self.tokenizer.no_padding()
        self._truncation: tuple[int, int] | None = None
        # a second copy that never truncates: a pair tokenizer's only_second truncation refuses a single
        # sequence ("Second sequence not provided"), and offsets() measures the whole question
        self._plain = Tokenizer.from_file(str(Path(folder) / "tokenizer.json"))
        self._plain.no_padding()
        self._plain.no_truncation()

    def num_special_tokens_to_add(self, pair: bool = True) -> int:
        return self.tokenizer.num_special_tokens_to_add(pair)

    def offsets(self, text: str) -> list[tuple[int, int]]:
        """Character offsets of the text's tokens, without special tokens."""
        return self._plain.encode(text, add_special_tokens=False).offsets

    def __call__(self, questions: list[str], contexts: list[str], max_length: int, stride: int, **_) -> PairEncoding:
        if self._truncation != (max_length, stride):  # set once: concurrent calls share the tokenizer
            self.tokenizer.enable_truncation(max_length, stride=stride, strategy="only_second")
            self._truncation = (max_length, stride)
        windows, owner = [], []
        for i, enc in enumerate(self.tokenizer.encode_batch(list(zip(questions, contexts)))):
            for w in [enc, *enc.overflowing]:
                windows.append(w)
                owner.append(i)
        n = max(len(w.ids) for w in windows)
        arrays = {k: np.zeros((len(windows), n), np.int64) for k in ("input_ids", "token_type_ids", "attention_mask")}
        offsets = np.zeros((len(windows), n, 2), np.int64)
        for r, w in enumerate(windows):
            m = len(w.ids)
            arrays["input_ids"][r, :m], arrays["token_type_ids"][r, :m] = w.ids, w.type_ids
            arrays["attention_mask"][r, :m] = w.attention_mask
            offsets[r, :m] = w.offsets
        seq = [list(w.sequence_ids) + [None] * (n - len(w.ids)) for w in windows]
        return PairEncoding({**arrays, "offset_mapping": offsets, "overflow_to_sample_mapping": np.array(owner)}, seq)


class OnnxEmbedder:
    """A sentence-transformers model (Transformer -> mean pooling -> normalize) run by ONNX Runtime.

    Its vectors match the PyTorch embedder's within the tolerance measured in README (speed section);
    name is the model's, so an index built by either runtime serves queries encoded by the other."""

    def __init__(self, name: str, folder: Path, runtime: Runtime, batch_size: int = 64, threads: int | None = None):
        self.name = name
        self.runtime = Runtime(runtime)
        self.batch_size = batch_size
        cfg = json.loads((Path(folder) / "sentence_bert_config.json").read_text()) \
            if (Path(folder) / "sentence_bert_config.json").is_file() else {}
        pooling = Path(folder) / "1_Pooling" / "config.json"
        if pooling.is_file() and not json.loads(pooling.read_text()).get("pooling_mode_mean_tokens", False):
            raise ValueError(f"{name}: only mean pooling is supported by the ONNX runtime; use --runtime torch")
        self.tokenizer = fast_tokenizer(folder, int(cfg.get("max_seq_length", 256)))
        self.export = ensure_export(folder, "encoder", self.runtime)
        self.session = session(self.export.path, threads)
        self.dim = int(json.loads((Path(folder) / "config.json").read_text())["hidden_size"])

    def _run(self, texts: list[str]) -> np.ndarray:
        encs = self.tokenizer.encode_batch(texts)
        n = max(len(e.ids) for e in encs)
        ids = np.zeros((len(encs), n), np.int64)
        mask = np.zeros((len(encs), n), np.int64)
        types = np.zeros((len(encs), n), np.int64)
        for i, e in enumerate(encs):
            ids[i, :len(e.ids)], mask[i, :len(e.ids)], types[i, :len(e.ids)] = e.ids, e.attention_mask, e.type_ids
        hidden = self.session.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})[0]
        m = mask[..., None].astype(np.float32)
        vec = (hidden * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        return vec / np.maximum(np.linalg.norm(vec, axis=1, keepdims=True), 1e-12)

    def encode(self, texts: list[str], progress: bool = False) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        # length-sorted batches: padding to a batch's longest text is what costs
        order = np.argsort([-len(t) for t in texts], kind="stable")
        out = np.zeros((len(texts), self.dim), np.float32)
        for i in range(0, len(texts), self.batch_size):
            rows = order[i:i + self.batch_size]
            out[rows] = self._run([texts[j] for j in rows])
        return out

    def encode_query(self, text: str) -> np.ndarray:
        return self._run([text])[0].astype(np.float32)


class QaModel:
    """start/end logits of a question-answering model, from PyTorch or ONNX Runtime (numpy in, numpy out).

    Both take the same tokenizer output (numpy arrays); the reader's scoring never sees which ran."""

    def __init__(self, folder: Path, runtime: Runtime = Runtime.TORCH, threads: int | None = None):
        self.runtime = Runtime(runtime)
        self._lock = threading.Lock()
        if self.runtime.is_onnx:
            self.export = ensure_export(folder, "qa", self.runtime)
            self.session = session(self.export.path, threads)
            self.model = None
        else:
            import torch
            from transformers import AutoModelForQuestionAnswering

            self.model = AutoModelForQuestionAnswering.from_pretrained(str(folder), dtype=torch.float32).eval()
            torch_threads()

    def quantize_torch(self) -> None:
        """PyTorch's own dynamic int8 (the older `int8` reader setting)."""
        import torch

        self.model = torch.ao.quantization.quantize_dynamic(self.model, {torch.nn.Linear}, dtype=torch.qint8)

    def logits(self, input_ids: np.ndarray, attention_mask: np.ndarray, token_type_ids: np.ndarray
               ) -> tuple[np.ndarray, np.ndarray]:
        feeds = {"input_ids": input_ids.astype(np.int64), "attention_mask": attention_mask.astype(np.int64),
                 "token_type_ids": token_type_ids.astype(np.int64)}
        if self.model is None:
            start, end = self.session.run(None, feeds)
            return start.astype(np.float32), end.astype(np.float32)
        import torch

        with torch.inference_mode():
            out = self.model(**{k: torch.from_numpy(v) for k, v in feeds.items()})
        return out.start_logits.float().numpy(), out.end_logits.float().numpy()


def log_softmax(x: np.ndarray) -> np.ndarray:
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))
