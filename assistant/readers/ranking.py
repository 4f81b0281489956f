"""Cross-passage ranking of the trained reader's spans, and the logistic model confidence uses too.

The span model's probabilities come from a softmax over one window, so they do not compare across
passages: a weak span alone in the first passage can outscore a right answer in the third
(Clark & Gardner 2018). Instead of retraining with a shared softmax, a logistic model over evidence
that does compare (the span's log-probability in its window, its raw margin over the window's
no-answer score, the passage's retrieval score and rank, the question's terms in the span's
sentence, whether the span misses the type the question asks for, per kind: date, number, name) gives
P(this span is a right answer).
It is fitted on SQuAD train's validation articles by eval/experiments/calibrate.py and stored in
assistant/calibration.json beside the confidence model.
"""
from __future__ import annotations


RANK_FEATURES = ("span_logp", "null_gap", "retrieval", "inv_rank", "lex", "type_bad_date", "type_bad_number",
                 "type_bad_name", "dense")


