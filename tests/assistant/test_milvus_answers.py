"""The assistant over the Milvus store (Milvus Lite) answers the seed questions as it does over the
folder: the same answers, confidences and citations, every citation char-exact, filters honoured.
Fusion, reading and calibration are the same code; only the store differs."""
import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from assistant.conversation import Conversation  # noqa: E402
from index.store_api import Filters  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def milvus_assistant(tmp_path_factory, seeds_dir, real_embedder, seed_assistant):
    from assistant.pipeline import Assistant
    from pathlib import Path

    from index.build import build_index
    from index.milvus_store import MilvusConfig, MilvusStore
    from index.place import Place
    from index.settings import BuildSettings

    config = MilvusConfig(str(tmp_path_factory.mktemp("milvus-answers") / "m.db"))
    build_index([seeds_dir], Place(Path(config.uri).parent, config), BuildSettings(), real_embedder)
    store = MilvusStore(config, real_embedder)
    yield Assistant(store, seed_assistant.settings, reader=seed_assistant.reader)
    store.close()


def _ask_all(assistant, questions, filters=Filters()):
    out = []
    for q in questions:
        conv = Conversation() if q.history else None
        for h in q.history:
            assistant.ask(h, conv, filters)
        out.append(assistant.ask(q.question, conv, filters))
    return out


def _key(ans):
    return (ans.query, ans.answer, ans.quote, ans.abstained, round(ans.confidence, 4),
            [(c.number, c.article_id, c.start, c.end, c.text, c.speaker) for c in ans.citations])


def test_seed_questions_get_the_same_answers_and_citations(milvus_assistant, seed_assistant, seeds_qa):
    assert milvus_assistant.store.kind == "milvus" and seed_assistant.store.kind == "folder"
    folder = _ask_all(seed_assistant, seeds_qa.questions)
    milvus = _ask_all(milvus_assistant, seeds_qa.questions)
    answered = 0
    for q, a, b in zip(seeds_qa.questions, folder, milvus):
        assert _key(b) == _key(a), q.question
        for c in b.citations:  # char-exact against the article as the engine returns it
            assert milvus_assistant.store.articles[c.article_id].text[c.start:c.end] == c.text
        answered += not b.abstained
    assert answered > len(seeds_qa.questions) // 3  # about half the seed questions are unanswerable


@pytest.mark.parametrize("filters", [Filters(outlets=("EIRNS",)), Filters(since="2022-01-07"),
                                     Filters(article_ids=("001_596bc3409c48ad04",))], ids=str)
def test_filters_give_the_same_answers_within_the_filter(milvus_assistant, seed_assistant, seeds_qa, filters):
    questions = [q for q in seeds_qa.questions if not q.history][:8]
    folder = _ask_all(seed_assistant, questions, filters)
    milvus = _ask_all(milvus_assistant, questions, filters)
    store = milvus_assistant.store
    for a, b in zip(folder, milvus):
        assert _key(b) == _key(a)
        assert all(filters.allows(store.articles[c.article_id]) for c in b.citations)
