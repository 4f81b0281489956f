"""The SQuAD train split is written once and its parts never overlap."""
import pytest

from training.splits import (
    HELD_OUT,
    SQUAD_TRAIN,
    SQUAD_TRAIN_SHA256,
    TEST_TITLES,
    VALIDATION_TITLES,
    load_articles,
    sha256,
    split,
)

ROOT_DATA = __import__("pathlib").Path(__file__).resolve().parents[2] / SQUAD_TRAIN


def test_titles_are_disjoint_and_count_the_held_out_articles():
    assert not set(VALIDATION_TITLES) & set(TEST_TITLES)
    assert len(VALIDATION_TITLES) + len(TEST_TITLES) == HELD_OUT


@pytest.mark.skipif(not ROOT_DATA.is_file(), reason="SQuAD train is in ../shared only where the project is checked out beside it")
def test_the_real_file_splits_as_written():
    assert sha256(ROOT_DATA) == SQUAD_TRAIN_SHA256
    arts = load_articles(ROOT_DATA)
    train, val, test = (split(arts, n) for n in ("train", "validation", "test"))
    assert [a["title"] for a in val] == list(VALIDATION_TITLES) and [a["title"] for a in test] == list(TEST_TITLES)
    assert len(train) + len(val) + len(test) == len(arts) == 442
    assert train == arts[:-HELD_OUT]  # the articles every shipped stage trained on
    with pytest.raises(ValueError):
        split(arts, "dev")
