"""The date gold set: at least 40 expressions, a third from our own articles, >= 95% right, 0 invented years."""
from eval.dates import measure, table


def test_date_resolution_accuracy():
    r = measure()
    assert r["all"]["expressions"] >= 40 and r["own"]["expressions"] * 3 >= r["all"]["expressions"]
    assert r["all"]["accuracy"] >= 0.95, table(r)
    assert r["own"]["accuracy"] >= 0.95, table(r)
    assert r["invented_years"] == 0, table(r)
    assert "| all | " in table(r)


def test_measure_counts_a_wrong_resolution(tmp_path):
    gold = tmp_path / "g.jsonl"
    gold.write_text('{"article": "seeds/000_26fa5ce3f242af54.txt", "text": "on Monday", "date_start": "2022-01-03", '
                    '"date_end": "2022-01-03", "precision": "day", "source": "own"}\n'
                    '{"article": "seeds/001_596bc3409c48ad04.txt", "text": "January 15", "date_start": null, '
                    '"date_end": null, "precision": "day", "month": 1, "day": 15, "source": "seeds"}\n')
    r = measure(gold)
    assert (r["own"]["correct"], r["seeds"]["correct"]) == (0, 1) and "wrong:" in table(r)
