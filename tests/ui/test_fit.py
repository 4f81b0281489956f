"""ui/fit.py: an answer whose type cannot fit its question is not shown as one."""
from types import SimpleNamespace

from assistant.answer import Answer, Citation, Tier
from ui.fit import withheld

GAVRILOV = "003_70ff3accb9f1b79d"  # "However, Moscow, nevertheless, hopes ..., Konstantin Gavrilov explained."


def _answer(article, question: str, span: str, after: str) -> Answer:
    start = article.text.index(span, article.text.index(after) - 20)
    s0 = article.text.rfind(".", 0, start) + 1
    s1 = article.text.index(".", start) + 1
    cite = Citation(number=1, article_id=article.id, start=s0, end=s1, text=article.text[s0:s1])
    return Answer(question=question, query=question, answer=span, quote=cite.text, confidence=0.4, abstained=False,
                  citations=(cite,), answer_citation=1, answer_start=start, answer_end=start + len(span),
                  tier=Tier.POSSIBLE, shape="who")


def test_a_place_or_the_asked_name_is_not_an_answer_to_who_is(seed_prepared):
    article = seed_prepared[GAVRILOV][0]
    store = SimpleNamespace(articles={article.id: article})
    place = _answer(article, "Who is Konstantin Gavrilov?", "Moscow", "nevertheless")
    assert withheld(store, place) == "“Moscow” is a place; it does not say who Konstantin Gavrilov is"
    own = _answer(article, "Who is Konstantin Gavrilov?", "Konstantin Gavrilov", "nevertheless")
    assert "only names Konstantin Gavrilov again" in withheld(store, own)
    other = _answer(article, "Where does Moscow hope for a diplomatic solution?", "Moscow", "nevertheless")
    assert withheld(store, other) is None  # a place answers a where question
