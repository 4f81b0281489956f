"""A tiny smoke run of reader training: windows, labels, checkpoint, resume and export (never a real run)."""
import json
import random

from assistant.training import TrainConfig, Window, encode, make_windows, train


def _squad(path):
    paras = [{"context": f"Paragraph {i}: the envoy met officials in Geneva on January {i + 1}, 2022, and talks went on.",
              "qas": [{"id": f"q{i}", "question": f"When did the envoy meet officials in paragraph {i}?",
                       "answers": [{"text": f"January {i + 1}, 2022", "answer_start": 0}]}]} for i in range(6)]
    for p in paras:
        p["qas"][0]["answers"][0]["answer_start"] = p["context"].index(p["qas"][0]["answers"][0]["text"])
    data = {"version": "1.1", "data": [{"title": "A", "paragraphs": paras[:3]}, {"title": "B", "paragraphs": paras[3:]}]}
    path.write_text(json.dumps(data))
    return data


def test_windows_keep_the_answer_at_random_places(tmp_path):
    data = _squad(tmp_path / "d.json")
    cfg = TrainConfig(data=str(tmp_path / "d.json"), out=str(tmp_path / "o"), window_chars=40, neg_ratio=1.0)
    ws = make_windows(data["data"], cfg, random.Random(0))
    pos = [w for w in ws if w.answer_start is not None]
    neg = [w for w in ws if w.answer_start is None]
    assert len(pos) == 6 and neg
    for w in pos:
        assert w.context[w.answer_start:w.answer_end].startswith("January")
    assert len({w.answer_start for w in pos}) > 1  # not always at the same place


def test_labels_point_at_the_answer_tokens():
    from transformers import AutoTokenizer

    from index.embedding import resolve_model

    tok = AutoTokenizer.from_pretrained(resolve_model("default"))
    w = Window("When?", "They met on January 3, 2022 in Geneva.", 12, 27)
    enc = encode(tok, [w, Window("When?", "Nothing here.", None, None)], 64)
    assert tok.decode(enc["input_ids"][0][enc["start"][0]:enc["end"][0] + 1]) == "january 3, 2022"
    assert enc["start"][1] == enc["end"][1] == 0


def test_tiny_training_run_checkpoints_resumes_and_exports(tmp_path):
    _squad(tmp_path / "d.json")
    cfg = TrainConfig(data=str(tmp_path / "d.json"), out=str(tmp_path / "run"), batch=2, val_articles=1,
                      checkpoint_every=1, max_len=48, window_chars=80)
    folder = train(cfg)
    state = json.loads((tmp_path / "run" / "checkpoint" / "state.json").read_text())
    assert state["step"] == state["meta"]["total_steps"] > 0
    assert (folder / "model.safetensors").is_file() and (folder / "README.md").is_file()
    info = json.loads((folder / "training.json").read_text())
    assert info["complete"] and info["config"]["seed"] == 13
    again = train(cfg)  # resumes at the end: nothing more to do, same weights
    assert (again / "model.safetensors").read_bytes() == (folder / "model.safetensors").read_bytes()
