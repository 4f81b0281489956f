import pytest

from index.cleaning import find_boilerplate, is_boilerplate


@pytest.mark.parametrize("line", [
    "Read more on the site →", "Back to top", "Go to home page", "Post a Comment",
    "Subscribe to Post Comments [Atom]", "<< Home", "clear", "All news",
    "Back to top\xa0\xa0\xa0\xa0Go to home page clear",
    # unseen variants of the same kind
    "Share this article", "Next story »", "Skip to content", "Subscribe to our newsletter", "Print", "|",
])
def test_navigation_lines_are_boilerplate(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize("line", [
    "Russian diplomat calls on NATO to pool efforts to keep INF Treaty in place",
    "Security talks with West 'not very inspiring', Russian diplomat tells RT",
    "Friday 21 January 2022", "Russia to share data on missile tests", "Top diplomats meet in Geneva",
    "Read the full statement here.", "He said the news was clear.",
])
def test_content_lines_are_not_boilerplate(line):
    assert not is_boilerplate(line)


def test_seed_boilerplate_spans_index_the_original(seed_docs, seed_prepared):
    found = {}
    for aid, (article, _) in seed_prepared.items():
        assert article.text == seed_docs[aid].text  # the stored text is the original
        found[aid] = [article.text[s.start:s.end] for s in article.excluded]
    assert found["000_26fa5ce3f242af54"] == ["Read more on the site →"]
    assert found["001_596bc3409c48ad04"] == ["All news"]
    assert found["003_70ff3accb9f1b79d"] == ["Post a Comment", "Subscribe to Post Comments [Atom]", "<< Home"]
    assert found["002_82730997460d64a4"][0] == "Go to home page" and found["002_82730997460d64a4"][-2:] == ["clear", "clear"]


def test_no_sentence_covers_boilerplate(seed_prepared):
    for article, sentences in seed_prepared.values():
        for s in sentences:
            assert not any(s.start < e.end and e.start < s.end for e in article.excluded), s.text


def test_find_boilerplate_on_text_without_any():
    assert find_boilerplate("Plain body.\n\nAnother paragraph.") == ()
