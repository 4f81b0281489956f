from index.cleaning import iter_lines
from index.model import Sentence, Span
from index.splitting import make_chunks, make_sentences


def _split(text):
    return [s.text for s in make_sentences("x", text, list(iter_lines(text)))]


def test_news_traps():
    assert _split("Dec. 23, 2021 (EIRNS)—Russian Foreign Minister Sergey Lavrov reported it. He specified:") == [
        "Dec. 23, 2021 (EIRNS)—Russian Foreign Minister Sergey Lavrov reported it.", "He specified:"]
    assert _split("Talks with the U.S. on Jan. 10 went badly. J. R. Smith agreed.") == [
        "Talks with the U.S. on Jan. 10 went badly.", "J. R. Smith agreed."]
    assert _split('He said "it is over." Then he left.') == ['He said "it is over."', "Then he left."]
    assert _split("“I hope this is just a negotiating tactic.” Ryabkov remarked he hopes.") == [
        "“I hope this is just a negotiating tactic.”", "Ryabkov remarked he hopes."]


def test_every_sentence_and_chunk_indexes_the_original(seed_prepared):
    for article, sentences in seed_prepared.values():
        assert sentences
        for s in sentences:
            assert article.text[s.start:s.end] == s.text and s.text == s.text.strip()
        chunks = make_chunks(article.id, article.text, sentences, 0, article.excluded, 600, 1)
        for c in chunks:
            assert article.text[c.start:c.end] == c.text
            assert not any(c.start < e.end and e.start < c.end for e in article.excluded)


def test_chunks_pack_whole_sentences_with_overlap():
    text = " ".join(f"Sentence number {i} is here." for i in range(20))
    sents = make_sentences("x", text, [Span(0, len(text))])
    chunks = make_chunks("x", text, sents, 100, (), 120, 1)
    assert all(c.text.startswith("Sentence") and c.text.endswith(".") for c in chunks)
    assert all(len(c.text) <= 120 for c in chunks)
    assert chunks[0].sentences[0] == 100 and chunks[-1].sentences[-1] == 119
    for a, b in zip(chunks, chunks[1:]):
        assert a.sentences[-1] == b.sentences[0]  # one shared sentence


def test_chunks_never_span_boilerplate():
    text = "First fact is here.\nBack to top\nSecond fact is here."
    sents = [Sentence("x", 0, 19, text[0:19]), Sentence("x", 32, 52, text[32:52])]
    chunks = make_chunks("x", text, sents, 0, (Span(20, 31),), 600, 1)
    assert [c.text for c in chunks] == ["First fact is here.", "Second fact is here."]


def test_huge_line_is_cut():
    text = "word " * 50000
    sents = make_sentences("x", text, [Span(0, len(text) - 1)], max_chars=1000)
    assert sents and all(len(s.text) <= 1000 for s in sents)
