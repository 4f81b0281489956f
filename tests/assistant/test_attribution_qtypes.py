import pytest

from assistant.attribution import speaker
from assistant.qtypes import expected_kind, question_type, typed_spans


@pytest.mark.parametrize("text, who", [
    ("“We need a quick response,” Gavrilov said. Konstantin Gavrilov is a diplomat.", "Konstantin Gavrilov"),
    ("The head of the delegation in Vienna told RT on Thursday that talks failed.", None),
    ("Sergey Ryabkov told Bloomberg News that results are needed.", "Sergey Ryabkov"),
    ("Russian Deputy Foreign Minister Sergey Ryabkov said on Monday that talks went badly.", "Sergey Ryabkov"),
])
def test_speaker(text, who):
    end = text.index(".") + 1 if who != "Konstantin Gavrilov" else text.index("said.") + 5
    assert speaker(text, 0, end) == who


def test_pronoun_resolves_to_the_last_speaker():
    text = "Ryabkov warned of trouble, Sergey Ryabkov said. “This is what made us act,” he explained."
    s = text.index("“")
    assert speaker(text, s, len(text)) == "Sergey Ryabkov"


@pytest.mark.parametrize("q, t, kind", [
    ("Who led the delegation?", "who", "name"), ("When was it signed?", "when", "date"),
    ("How many days?", "how many", "number"), ("Where were the talks?", "where", "place"),
    ("Which broadcaster did he talk to?", "which", "name"), ("What did he say?", "what", None),
    ("Is it a question of days?", "other", None), ("In what year did it end?", "when", "date"),
])
def test_question_types(q, t, kind):
    assert question_type(q) == t and expected_kind(q) == kind


def test_typed_spans():
    s = "The treaty was signed on December 8, 1987 and covered missiles from 500 to 1,000 kilometers."
    assert "December 8, 1987" in [s[a:b] for a, b in typed_spans("date", s)]
    assert "from 500 to 1,000 kilometers" in [s[a:b] for a, b in typed_spans("number", s)]
