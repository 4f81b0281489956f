"""Sentence segmentation that survives news text, and a chunker that packs whole sentences.

pysbd (rule-based, the "Golden Rules" of sentence boundaries) handles "U.S.", "Dec. 23, 2021",
initials and quotes that end in `."`; we map its segments back to offsets in the original text.
"""
from __future__ import annotations

import re

import pysbd

from .model import Chunk, Sentence, Span

_segmenter = pysbd.Segmenter(language="en", clean=False)
_MAX_SEGMENT_INPUT = 10_000  # pysbd is regex-heavy: feed it bounded pieces
_HAS_WORD = re.compile(r"\w")


def _pieces(text: str, start: int, end: int, limit: int) -> list[Span]:
    """Cut [start, end) at whitespace into pieces of at most about `limit` characters."""
    out = []
    while end - start > limit:
        cut = text.rfind(" ", start + limit // 2, start + limit)
        cut = cut if cut > start else start + limit
        out.append(Span(start, cut))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        out.append(Span(start, end))
    return out


def split_sentences(text: str, lines: list[Span], max_chars: int = 1200) -> list[Span]:
    """Sentence spans within the given content lines, each stripped and at most max_chars long."""
    spans: list[Span] = []
    for line in lines:
        for piece in _pieces(text, line.start, line.end, _MAX_SEGMENT_INPUT):
            cursor = piece.start
            for seg in _segmenter.segment(text[piece.start:piece.end]):
                body = seg.strip()
                if not body:
                    continue
                at = text.find(body, cursor, piece.end)
                if at < 0:  # pysbd altered the text; fall back to the rest of the piece
                    at, body = cursor, text[cursor:piece.end].strip()
                cursor = at + len(body)
                if _HAS_WORD.search(body):
                    spans.extend(_pieces(text, at, at + len(body), max_chars))
    return spans


def make_sentences(article_id: str, text: str, lines: list[Span], max_chars: int = 1200) -> list[Sentence]:
    return [Sentence(article_id, s.start, s.end, text[s.start:s.end]) for s in split_sentences(text, lines, max_chars)]


def make_chunks(article_id: str, text: str, sentences: list[Sentence], first_id: int,
                excluded: tuple[Span, ...], chunk_chars: int, overlap: int) -> list[Chunk]:
    """Pack consecutive sentences into chunks of about chunk_chars, sharing `overlap` sentences.

    A chunk never spans excluded text: sentences on either side of a boilerplate span go to
    different chunks. first_id is the global index of sentences[0].
    """
    groups: list[list[int]] = [[]]
    for i, s in enumerate(sentences):
        if groups[-1]:
            prev_end = sentences[groups[-1][-1]].end
            if any(prev_end <= e.start and e.end <= s.start for e in excluded):
                groups.append([])
        groups[-1].append(i)
    chunks: list[Chunk] = []
    for group in groups:
        i = 0
        while i < len(group):
            j = i + 1
            while j < len(group) and sentences[group[j]].end - sentences[group[i]].start <= chunk_chars:
                j += 1
            members = group[i:j]
            start, end = sentences[members[0]].start, sentences[members[-1]].end
            chunks.append(Chunk(article_id, start, end, text[start:end], tuple(first_id + m for m in members)))
            if j >= len(group):
                break
            i = max(i + 1, j - overlap)
    return chunks
