"""A tiny smoke run of reader training: windows, labels, checkpoint, resume and export (never a real run)."""
import json
import random

from training.config import TrainConfig
from training.reader import Window, encode, make_windows, train, trained_on


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


def test_excluded_questions_leave_the_other_windows_unchanged(tmp_path):
    data = _squad(tmp_path / "d.json")
    cfg = TrainConfig(data=str(tmp_path / "d.json"), out=str(tmp_path / "o"), window_chars=40, neg_ratio=1.0)
    every = make_windows(data["data"], cfg, random.Random(0))
    some = make_windows(data["data"], cfg, random.Random(0), frozenset({"0.1.0", "1.2.0"}))
    assert {w.key for w in some} == {w.key for w in every} - {"0.1.0", "1.2.0"}
    assert set(some) == {w for w in every if w.key not in {"0.1.0", "1.2.0"}}


def test_labels_point_at_the_answer_tokens():
    from transformers import AutoTokenizer

    from index.embedding import resolve_model

    tok = AutoTokenizer.from_pretrained(resolve_model("default"))
    w = Window("0.0.0", "When?", "They met on January 3, 2022 in Geneva.", 12, 27)
    enc = encode(tok, [w, Window("0.0.0", "When?", "Nothing here.", None, None)], 64)
    assert tok.decode(enc["input_ids"][0][enc["start"][0]:enc["end"][0] + 1]) == "january 3, 2022"
    assert enc["start"][1] == enc["end"][1] == 0


def test_tiny_training_run_checkpoints_resumes_and_exports(tmp_path):
    _squad(tmp_path / "d.json")
    cfg = TrainConfig(data=str(tmp_path / "d.json"), out=str(tmp_path / "run"), batch=2,
                      checkpoint_every=1, max_len=48, window_chars=80)
    folder = train(cfg)
    state = json.loads((tmp_path / "run" / "checkpoint" / "state.json").read_text())
    assert state["step"] == state["meta"]["total_steps"] > 0
    assert (folder / "model.safetensors").is_file() and (folder / "README.md").is_file()
    info = json.loads((folder / "training.json").read_text())
    assert info["complete"] and info["config"]["seed"] == 13
    again = train(cfg)  # resumes at the end: nothing more to do, same weights
    assert (again / "model.safetensors").read_bytes() == (folder / "model.safetensors").read_bytes()


def test_a_second_stage_starts_from_the_first_and_trains_only_on_unseen_questions(tmp_path):
    _squad(tmp_path / "d.json")
    common = dict(data=str(tmp_path / "d.json"), batch=2, max_len=48, window_chars=80, neg_ratio=0.0)
    first = train(TrainConfig(out=str(tmp_path / "one"), max_examples=2, **common))
    info1 = json.loads((first / "training.json").read_text())
    assert len(trained_on(info1)) == 2
    second = train(TrainConfig(out=str(tmp_path / "two"), init=str(first), **common))
    info2 = json.loads((second / "training.json").read_text())
    assert info2["windows"] == 4  # six training questions, two seen by the first stage
    assert info2["init"]["config"]["out"] == str(tmp_path / "one")
    assert len(trained_on(info2)) == 6
    card = (second / "README.md").read_text()
    assert "stage 2" in card and "--init .newsdesk/reader-stage1/model" in card


def test_validation_and_test_articles_are_never_trained_on(tmp_path):
    from training.splits import TEST_TITLES, VALIDATION_TITLES
    from training.reader import train_articles

    data = _squad(tmp_path / "d.json")
    data["data"][0]["title"], data["data"][1]["title"] = VALIDATION_TITLES[0], TEST_TITLES[-1]
    data["data"].append({"title": "Other", "paragraphs": data["data"][0]["paragraphs"]})
    (tmp_path / "d.json").write_text(json.dumps(data))
    assert [a["title"] for a in train_articles(tmp_path / "d.json")] == ["Other"]


def test_export_keeps_the_hand_written_parts_of_the_card():
    from training.reader import CARD_END, CARD_START, merge_card

    new = f"{CARD_START}\n# newsdesk span reader\nstage 3\n{CARD_END}\n"
    old_without_markers = "# newsdesk span reader\nstage 2\n\n## Evaluation\nEM 66.9 (hand-written)\n"
    merged = merge_card(old_without_markers, new)
    assert "stage 3" in merged and "stage 2" not in merged and "EM 66.9 (hand-written)" in merged
    again = merge_card(merged + "\n## Notes\nkept too\n", f"{CARD_START}\n# newsdesk span reader\nstage 4\n{CARD_END}\n")
    assert "stage 4" in again and "stage 3" not in again
    assert "EM 66.9 (hand-written)" in again and "kept too" in again
    assert merge_card(None, new) == new


def test_near_miss_ratio_is_recorded_in_the_run_and_its_model_card(tmp_path):
    """`newsdesk reader train --near-miss-ratio R` reaches the config; the run records it, the near misses
    by kind and the rejections; the card says how the unanswerable windows were made and how to rerun."""
    from ui.cli import build_parser

    from training.negatives import KINDS

    data = _squad(tmp_path / "d.json")
    for art in data["data"]:  # a second year in every paragraph, so a year swap has somewhere to come from
        for i, p in enumerate(art["paragraphs"]):
            p["context"] += f" A second round followed in {1990 + i + 3 * (art['title'] == 'B')}."
    (tmp_path / "d.json").write_text(json.dumps(data))
    args = build_parser().parse_args(["reader", "train", "--data", str(tmp_path / "d.json"), "--out",
                                      str(tmp_path / "run"), "--near-miss-ratio", "0.3", "--window-chars", "80"])
    from ui.commands import _TRAIN_FLAGS

    cfg = TrainConfig(**{k: getattr(args, k) for k in _TRAIN_FLAGS})
    assert cfg.near_miss_ratio == 0.3
    cfg = TrainConfig(**{**cfg.__dict__, "batch": 4, "max_len": 48})
    folder = train(cfg)
    info = json.loads((folder / "training.json").read_text())
    assert info["config"]["near_miss_ratio"] == 0.3 and info["near_misses"] > 0
    assert sum(info["near_miss_kinds"].values()) == info["near_misses"]
    assert set(info["near_miss_kinds"]) <= set(KINDS) and info["near_miss_typing"]
    assert info["windows"] == 6 + info["negatives"] + info["near_misses"]  # hard negatives counted apart
    card = (folder / "README.md").read_text()
    assert "--near-miss-ratio 0.3" in card and "Near misses (stage 1)" in card and "near misses" in card
    assert len(trained_on(info)) == 6  # the near misses' questions are the positives' own
    state_file = tmp_path / "run" / "checkpoint" / "state.json"
    state = json.loads(state_file.read_text())
    state["meta"]["near_miss_sha256"] = "0" * 64  # as if training/negatives.py had changed since the run began
    state_file.write_text(json.dumps(state))
    import pytest

    with pytest.raises(RuntimeError, match="near misses differ"):
        train(cfg)


def test_near_miss_ratio_must_be_a_fraction():
    import pytest

    with pytest.raises(ValueError):
        TrainConfig(near_miss_ratio=1.0)
    assert TrainConfig.from_json({k: v for k, v in TrainConfig().__dict__.items()
                                  if k != "near_miss_ratio"}).near_miss_ratio == 0.0
