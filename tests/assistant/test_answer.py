"""The Answer's JSON: Answer.from_json is the exact inverse of to_json, through a JSON string, with its
citations, resolved dates and the groups of what each source says (the chat stores answers this way)."""
import json

import pytest

from assistant.answer import Answer, Tier


@pytest.mark.parametrize("question", ["When was the INF Treaty signed?", "Who is Russia's Deputy Foreign Minister?",
                                      "What is the capital of Peru?"])
def test_from_json_is_the_inverse_of_to_json(seed_assistant, question):
    ans = seed_assistant.ask(question)
    back = Answer.from_json(json.loads(json.dumps(ans.to_json())))
    assert back == ans and isinstance(back.tier, Tier)
    assert all(type(g) is type(h) for g, h in zip(back.groups, ans.groups))
    assert all(type(r) is type(s) for r, s in zip(back.resolved_dates, ans.resolved_dates))


def test_the_round_trip_covers_dates_and_groups(seed_assistant):
    answers = [seed_assistant.ask(q) for q in ("When was the INF Treaty signed?", "Who is Russia's Deputy Foreign Minister?",
                                               "Where did the US and Russian delegations meet?")]
    assert any(a.resolved_dates for a in answers) and any(a.groups for a in answers)
    for a in answers:
        assert Answer.from_json(json.loads(json.dumps(a.to_json()))) == a


def test_fields_another_version_wrote_are_dropped():
    d = Answer("q", "q", None, None, 0.1, True, tier=Tier.ABSTAINED).to_json() | {"from_the_future": 1}
    assert Answer.from_json(d).tier is Tier.ABSTAINED
