"""ONNX Runtime exports of the shipped models: cached with a manifest, close to the PyTorch vectors and logits."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.runtime import INT8_MIN_COSINE, Runtime, ensure_export, log_softmax

ROOT = Path(__file__).resolve().parents[2]


def test_log_softmax_matches_the_definition():
    x = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]], np.float32)
    got = log_softmax(x)
    assert np.allclose(np.exp(got).sum(-1), 1.0, atol=1e-5)
    assert np.allclose(got[0], x[0] - np.log(np.exp(x[0]).sum()), atol=1e-5)
    assert np.isfinite(got).all()  # no overflow on large logits


def test_torch_runtime_has_no_export(tmp_path):
    with pytest.raises(ValueError):
        ensure_export(tmp_path, "encoder", Runtime.TORCH, cache=tmp_path)


@pytest.mark.slow
def test_export_is_cached_with_a_manifest_and_redone_when_stale(tmp_path):
    from index.embedding import resolve_model

    folder = Path(resolve_model("default"))
    first = ensure_export(folder, "encoder", Runtime.ONNX_INT8, cache=tmp_path)
    m = first.manifest
    assert m["runtime"] == "onnx-int8" and m["opset"] >= 13 and "int8" in m["quantization"]
    assert len(m["source_sha256"]) == 64 and first.path.is_file()
    assert json.loads((first.path.parent / "model.onnx.json").read_text())["quantization"] == "none"
    stamp = first.path.stat().st_mtime_ns
    assert ensure_export(folder, "encoder", Runtime.ONNX_INT8, cache=tmp_path).path.stat().st_mtime_ns == stamp
    # a manifest that no longer matches the weights makes it export again
    manifest = first.path.parent / "model-int8.onnx.json"
    manifest.write_text(json.dumps({**m, "source_sha256": "0" * 64}))
    again = ensure_export(folder, "encoder", Runtime.ONNX_INT8, cache=tmp_path)
    assert again.manifest["source_sha256"] == m["source_sha256"]


@pytest.mark.slow
def test_onnx_vectors_match_torch_within_the_stated_tolerance(real_embedder, seed_prepared):
    from index.embedding import load_embedder

    sentences = [s.text for _, sents in seed_prepared.values() for s in sents]
    torch = load_embedder(real_embedder.name, runtime="torch")
    ref = torch.encode(sentences)
    fp32 = load_embedder(real_embedder.name, runtime="onnx").encode(sentences)
    int8 = load_embedder(real_embedder.name, runtime="onnx-int8")
    cos8 = (int8.encode(sentences) * ref).sum(1)
    assert ((fp32 * ref).sum(1) > 0.9999).all()
    assert cos8.min() >= INT8_MIN_COSINE and cos8.mean() >= 0.985
    q = sentences[3]
    assert float(int8.encode_query(q) @ torch.encode_query(q)) >= INT8_MIN_COSINE


@pytest.mark.slow
def test_reader_logits_agree_across_runtimes():
    from transformers import AutoTokenizer

    from assistant.settings import shipped_reader_dir
    from index.runtime import QaModel

    folder = shipped_reader_dir()
    if not (folder / "model.safetensors").is_file():
        pytest.fail("no shipped reader (models/reader)")
    tok = AutoTokenizer.from_pretrained(str(folder))
    enc = tok(["When was the INF Treaty signed?"], ["The treaty was signed on December 8, 1987 in Washington."],
              return_tensors="np")
    args = (enc["input_ids"], enc["attention_mask"], enc["token_type_ids"])
    s_t, e_t = QaModel(folder, Runtime.TORCH).logits(*args)
    s_o, e_o = QaModel(folder, Runtime.ONNX).logits(*args)
    s_q, e_q = QaModel(folder, Runtime.ONNX_INT8).logits(*args)
    assert np.allclose(s_t, s_o, atol=1e-3) and np.allclose(e_t, e_o, atol=1e-3)
    assert s_q.argmax() == s_t.argmax() and e_q.argmax() == e_t.argmax()  # int8 picks the same span


def test_qa_tokenizer_equals_transformers_windows():
    """The torch-free tokenizer of the ONNX reader gives exactly transformers' windows, offsets and owners."""
    from transformers import AutoTokenizer

    from assistant.settings import shipped_reader_dir
    from index.runtime import QaTokenizer

    folder = shipped_reader_dir()
    if not (folder / "tokenizer.json").is_file():
        pytest.fail("no shipped reader (models/reader)")
    text = (ROOT / "seeds").glob("*")
    contexts = [p.read_text()[:4000] for p in sorted(text) if p.is_file()][:4]
    questions = ["When was the INF Treaty signed?", "Who spoke?", "What did TASS report on Monday?", "Why?"][:len(contexts)]
    want = AutoTokenizer.from_pretrained(str(folder))(
        questions, contexts, truncation="only_second", max_length=256, stride=96, return_overflowing_tokens=True,
        return_offsets_mapping=True, padding=True, return_tensors="np")
    got = QaTokenizer(folder)(questions, contexts, truncation="only_second", max_length=256, stride=96)
    assert len(got["input_ids"]) > len(contexts)  # the long seeds overflow into several windows
    for key in ("input_ids", "token_type_ids", "attention_mask", "offset_mapping", "overflow_to_sample_mapping"):
        assert np.array_equal(want[key], got[key]), key
    assert all(want.sequence_ids(w) == got.sequence_ids(w) for w in range(len(want["input_ids"])))


def test_manifest_names_the_runtime_and_a_runtime_change_does_not_rebuild(seeds_copy, tmp_path, fake_embedder):
    from index.build import build_index, is_current
    from index.settings import BuildSettings
    from index.store import read_snapshot

    settings = BuildSettings(model="fake-hash-64")
    build_index([seeds_copy], tmp_path / "idx", settings, fake_embedder)
    model = read_snapshot(tmp_path / "idx").manifest["model"]
    assert model["runtime"] == "fake" and model["runtimes"] == ["fake"]
    # vectors of every runtime are within the stated tolerance: another runtime reuses the index
    assert is_current([seeds_copy], tmp_path / "idx", settings.with_(runtime="onnx-int8"))


def test_an_onnx_runtime_falls_back_to_torch_where_onnxruntime_is_missing(monkeypatch, caplog):
    import importlib.util

    from index.runtime import Runtime, available

    assert available("onnx-int8") is Runtime.ONNX_INT8 and available("torch") is Runtime.TORCH
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "onnxruntime" else real(name, *a))
    with caplog.at_level("WARNING"):
        assert available("onnx-int8") is Runtime.TORCH
    assert "not installed" in caplog.text


def test_the_default_runtime_is_onnx_int8_and_the_reader_export_uses_reduce_range():
    from assistant.settings import ReaderSettings, shipped_reader_dir
    from index.settings import DEFAULT_RUNTIME, BuildSettings

    assert BuildSettings().runtime == ReaderSettings().runtime == DEFAULT_RUNTIME == "onnx-int8"
    reader = ensure_export(shipped_reader_dir(), "qa", Runtime.ONNX_INT8).manifest  # the shared cache
    assert "reduce_range" in reader["quantization"]
