"""From a raw document to an Article with its sentences and chunks: the one path every build engine takes.

Pure functions: the same document and settings give the same article, whichever process runs them.
"""
from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict

from . import cleaning, metadata, splitting, web
from .loading import RawDocument
from .model import Article, Chunk, Sentence
from .settings import BuildSettings

log = logging.getLogger(__name__)


def article_hash(doc: RawDocument) -> str:
    """What decides whether an indexed article is still current: its text and the metadata it was read with."""
    fields = [doc.title, doc.date, doc.outlet, doc.url]
    if doc.page is not None:  # a web page: its metadata and fetch record are part of the article
        fields.append(asdict(doc.page) | {"text": None})
    meta = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256((doc.text + "\x00" + meta).encode("utf-8")).hexdigest()


def prepare(doc: RawDocument, settings: BuildSettings) -> tuple[Article, list[Sentence]]:
    """Clean, read metadata and split one document. The text is kept exactly as read."""
    excluded = cleaning.find_boilerplate(doc.text)
    lines = cleaning.content_lines(doc.text, excluded)
    if doc.page is not None:
        meta = web.page_metadata(doc.text, lines, doc.page)
        fetch = doc.page.fetch
        meta.update(fetched_at=fetch.fetched_at if fetch else None, updated_at=fetch.updated_at if fetch else None)
    else:
        meta = metadata.extract(doc.text, lines, doc.title, doc.date, doc.outlet)
    article = Article(id=doc.id, text=doc.text, sha256=article_hash(doc), source=doc.source, url=doc.url,
                      excluded=excluded, **meta)
    sentences = splitting.make_sentences(doc.id, doc.text, lines, max_chars=2 * settings.chunk_chars)
    return article, sentences


_NO_PARSER: list[str] = []  # the reason, once: a build without spaCy stores no parses and says so once


def parse_json(article: Article, sentences: list[Sentence]) -> dict | None:
    """The dependency parse of an article as the index stores it (index/parsing.py): quotations with their
    speakers, verbs with tense, named entities. None where the parser is not installed (answering then
    parses on demand, or reads quotations without speakers)."""
    from .parsing import ParserModelError, parse_article

    if _NO_PARSER:
        return None
    try:
        return parse_article(article.text, sentences).to_json()
    except ParserModelError as e:
        _NO_PARSER.append(str(e))
        log.warning("no parses stored: %s", e)
        return None


def split_article(doc: RawDocument, settings: BuildSettings) -> tuple[Article, list[Sentence], list[Chunk]]:
    """One document's article, sentences and chunks, sentence ids counted from 0 in this article."""
    article, sents = prepare(doc, settings)
    chunks = splitting.make_chunks(article.id, article.text, sents, 0, article.excluded,
                                   settings.chunk_chars, settings.chunk_overlap)
    return article, sents, chunks
