"""Readers: from the question and retrieved passages to scored answer spans.

A Reader returns AnswerCandidates, best first: a span of an article (or only its sentence), the
sentence that contains it, a score in [0, 1], and its belief that the passages do not answer.
`rules` is the model-free reader; `span` the trained span model shipped in models/reader.
Imports go one way: evidence <- rules, span <- this package's load_reader.
"""
from __future__ import annotations

import logging
from typing import Protocol

import numpy as np

from index.store_api import Store

from ..answer import AnswerCandidate, Passage
from ..settings import ReaderKind, ReaderSettings
from .rules import RuleReader

log = logging.getLogger(__name__)


class Reader(Protocol):
    name: str
    passages: int  # how many of the top passages it reads (chosen per reader by measurement)

    def read(self, question: str, query: str, passages: list[Passage], store: Store,
             qvec: np.ndarray) -> list[AnswerCandidate]:
        ...


def load_reader(settings: ReaderSettings = ReaderSettings()) -> Reader:
    """The reader the settings ask for: the trained span model (AUTO: when its weights exist), else rules."""
    kind = ReaderKind(settings.kind)
    if kind is ReaderKind.RULES:
        return RuleReader()
    from . import span  # torch and transformers load only when a trained reader is wanted

    folder = settings.folder()
    if span.available(folder):
        return span.SpanReader.load(folder, quantize=settings.int8)
    if kind is ReaderKind.TRAINED:
        raise FileNotFoundError(f"no trained reader weights at {folder}")
    log.warning("no trained reader at %s: answering with the rule reader", folder)
    return RuleReader()


__all__ = ["Reader", "RuleReader", "load_reader"]
