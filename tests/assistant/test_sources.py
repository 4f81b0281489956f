"""Sources side by side over the seeds plus our articles (two outlets that disagree, one wire story reprinted)."""
import json
import shutil
from pathlib import Path

import pytest

from assistant.answer import AnswerCandidate
from assistant.sources import disagreements, group_answers, same_name

pytestmark = pytest.mark.slow
DATA = Path(__file__).resolve().parents[1] / "data" / "sources_articles"


@pytest.fixture(scope="module")
def news_assistant(tmp_path_factory, real_embedder, seeds_dir):
    from assistant.pipeline import Assistant
    from assistant.settings import ReaderKind, ReaderSettings
    from index.build import build_index
    from index.newsindex import NewsIndex
    from index.settings import BuildSettings

    base = tmp_path_factory.mktemp("sources")
    shutil.copytree(seeds_dir, base / "corpus")
    for f in DATA.iterdir():
        shutil.copy(f, base / "corpus" / f.name)
    build_index([base / "corpus"], base / "index", BuildSettings(), real_embedder)
    return Assistant(NewsIndex(base / "index", real_embedder), reader_settings=ReaderSettings(kind=ReaderKind.TRAINED))


def _cand(index, article_id, needle, score, occurrence=0):
    text = index.articles[article_id].text
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(needle, start + 1)
    sid = next(i for i, s in enumerate(index.sentences) if s.article_id == article_id and s.start <= start < s.end)
    s = index.sentences[sid]
    return AnswerCandidate(article_id, start, start + len(needle), sid, s.start, s.end, score)


def test_two_outlets_that_disagree_are_shown_as_two_versions_and_reprints_count_once(news_assistant):
    ans = news_assistant.ask("How many people died when the ferry sank off Sulawesi?")
    groups = {g.key: g for g in ans.groups}
    assert set(groups) >= {"17", "12"}
    assert disagreements(ans.groups)
    twelve = groups["12"]
    # the Reuters story and the reprints among the passages read (three)
    assert {"Reuters", "Straits Times"} <= {s.outlet for s in twelve.supports} <= {"Reuters", "Straits Times",
                                                                                    "Jakarta Globe"}
    assert twelve.sources == 1  # the Reuters story and its two reprints are one source
    assert {s.copy_of for s in twelve.supports} == {None, "s1_ferry_reuters"}
    assert ans.groups.index(groups["12"]) in groups["17"].conflicts_with
    for g in ans.groups:  # every version carries its passage, verbatim
        for s in g.supports:
            text = news_assistant.index.articles[s.article_id].text
            assert text[s.start:s.end] == s.text and text[s.sentence_start:s.sentence_end] == s.sentence


def test_delivered_on_dec_15_and_published_on_dec_17_are_two_facts_not_a_disagreement(news_assistant):
    idx = news_assistant.index
    cands = [_cand(idx, "002_82730997460d64a4", "Dec. 15", 0.6), _cand(idx, "004_b2e3140862302f81", "Dec. 17", 0.5),
             _cand(idx, "002_82730997460d64a4", "Dec. 17", 0.4)]
    q = "When were Russia's draft treaties with the U.S. and NATO made public?"
    groups = group_answers(cands, idx, q)
    keys = [g.key for g in groups]
    assert keys == ["2021-12-15", "2021-12-17"]  # "Dec. 17" of Dec 23, 2021 and of Jan 6, 2022: the same day
    assert groups[1].sources == 2 and not disagreements(groups)
    ans = news_assistant.ask(q)
    assert not disagreements(ans.groups)


def test_a_value_from_another_source_that_disagrees_is_a_conflict(news_assistant):
    idx = news_assistant.index
    cands = [_cand(idx, "s2_ferry_ap", "17", 0.5), _cand(idx, "s1_ferry_reuters", "12", 0.4)]
    groups = group_answers(cands, idx, "How many people died when the ferry sank off Sulawesi?")
    assert disagreements(groups) == [(0, 1)]
    # the same two values from one source are two facts
    cands = [_cand(idx, "s1_ferry_reuters", "143", 0.5), _cand(idx, "s1_ferry_reuters", "119", 0.45),
             _cand(idx, "s2_ferry_ap", "150", 0.3)]
    groups = group_answers(cands, idx, "How many people were on the ferry?")
    assert (0, 1) not in disagreements(groups)


def test_names_group_across_transliterations(news_assistant):
    assert same_name("sergey ryabkov", "sergei ryabkov") and same_name("ryabkov", "sergei ryabkov")
    assert not same_name("sergey ryabkov", "sergey lavrov")
    idx = news_assistant.index
    cands = [_cand(idx, "001_596bc3409c48ad04", "Sergei Ryabkov", 0.9), _cand(idx, "000_26fa5ce3f242af54", "Sergey Ryabkov", 0.8)]
    groups = group_answers(cands, idx, "Who is the Russian Deputy Foreign Minister?")
    assert len(groups) == 1 and groups[0].sources == 2


def test_ask_json_carries_the_groups(news_assistant):
    ans = news_assistant.ask("How many people died when the ferry sank off Sulawesi?")
    data = json.loads(json.dumps(ans.to_json()))
    assert data["groups"] and {"value", "key", "reason", "sources", "supports", "conflicts_with"} <= set(data["groups"][0])
    assert isinstance(data["groups"], list)


def test_latest_questions_read_the_newest_relevant_article_and_say_its_date(news_assistant):
    from assistant.search import asks_for_latest, rerank_latest

    idx = news_assistant.index
    assert asks_for_latest("What is the latest on the ferry?") and not asks_for_latest("When did the ferry sink?")
    r = news_assistant.retriever.retrieve("ferry sank off Sulawesi dead")
    plain = rerank_latest("How many died when the ferry sank?", r.passages, idx)
    assert plain == r.passages
    latest = rerank_latest("What is the latest death toll of the ferry sinking?", r.passages, idx)
    assert latest[0].article_id == "s3_ferry_jakarta_globe"  # 7 May: the newest relevant report
    assert [p.rank for p in latest] == list(range(1, len(latest) + 1))
    ans = news_assistant.ask("What is the latest death toll of the ferry that sank off Sulawesi?")
    assert ans.note.startswith("Latest first: ") and "Jakarta Globe of 7 May 2025" in ans.note
    assert news_assistant.ask("How many people died in the ferry sinking off Sulawesi?").note is None
