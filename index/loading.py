"""Load a folder of articles (.txt, .md, .html/.htm, .jsonl) into raw documents.

A file that is empty, binary, undecodable or unreadable is skipped with a warning naming it;
the rest of the folder is still loaded. HTML pages go through index.web (trafilatura): the text
is the page's main text, and a page without one is skipped.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import web
from .errors import MissingPath

log = logging.getLogger(__name__)

TEXT_SUFFIXES = {".txt", ".md"}
HTML_SUFFIXES = {".html", ".htm"}
JSONL_SUFFIXES = {".jsonl"}
SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
MAX_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class RawDocument:
    """A document as read, before cleaning: its text and any metadata the file itself gave."""

    id: str
    text: str
    source: str
    title: str | None = None
    date: str | None = None
    outlet: str | None = None
    url: str | None = None
    page: web.Page | None = None  # an HTML page: its metadata, with where each value came from

    def to_json(self) -> dict:
        """Plain JSON values (a build engine sends documents between processes this way)."""
        return asdict(self)

    @staticmethod
    def from_json(d: dict) -> "RawDocument":
        """The exact inverse of to_json: a page comes back as a Page with its FetchRecord."""
        page = d.get("page")
        if isinstance(page, dict):
            fetch = page.get("fetch")
            page = web.Page(**(page | {"fetch": web.FetchRecord(**fetch) if isinstance(fetch, dict) else None}))
        return RawDocument(**(d | {"page": page}))


@dataclass
class LoadResult:
    documents: list[RawDocument] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)

    def skip(self, path: str, reason: str) -> None:
        log.warning("skipped %s: %s", path, reason)
        self.skipped.append((path, reason))


def decode(data: bytes) -> str:
    """Decode article bytes as UTF-8 (BOM allowed); raise ValueError for binary or other encodings."""
    if b"\x00" in data:
        raise ValueError("binary content (NUL bytes)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ValueError(f"not UTF-8 text (byte {e.start})") from None
    controls = sum(1 for ch in text[:10000] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > 0.01 * min(len(text), 10000):
        raise ValueError("binary content (control characters)")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _iter_files(root: Path, result: LoadResult) -> list[Path]:
    if root.is_file():
        return [root]
    files: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True, onerror=lambda e: result.skip(str(e.filename), str(e.strerror))):
        st = os.stat(dirpath)
        if (st.st_dev, st.st_ino) in seen:  # a symlink loop
            result.skip(dirpath, "directory already visited (symlink loop)")
            dirnames[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = Path(dirpath) / name
            if path.suffix.lower() in SUFFIXES:
                files.append(path)
    return files


def _read_file(path: Path, result: LoadResult) -> None:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            result.skip(str(path), f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
            return
        data = path.read_bytes()
    except OSError as e:
        result.skip(str(path), f"cannot be read ({e.strerror or e})")
        return
    try:
        text = decode(data)
    except ValueError as e:
        result.skip(str(path), str(e))
        return
    suffix = path.suffix.lower()
    if suffix in JSONL_SUFFIXES:
        _read_jsonl(path, text, result)
        return
    if not text.strip():
        result.skip(str(path), "empty")
        return
    if suffix in HTML_SUFFIXES:
        _read_page(path, text, result)
        return
    result.documents.append(RawDocument(id=path.stem, text=text, source=str(path)))


def _read_page(path: Path, html: str, result: LoadResult) -> None:
    """A saved or fetched web page; its id comes from its URL when it states one, so the same page
    saved twice is one article."""
    try:
        page = web.extract_page(html)
    except (RecursionError, ValueError, AssertionError, TypeError) as e:  # pathological markup
        result.skip(str(path), f"HTML cannot be parsed ({type(e).__name__})")
        return
    if page is None:
        result.skip(str(path), "no extractable main text in the page")
        return
    doc_id = web.page_id(page.url) if page.url else path.stem
    result.documents.append(RawDocument(id=doc_id, text=page.text, source=str(path), title=page.title,
                                        date=page.date, outlet=page.sitename, url=page.url, page=page))


def _read_jsonl(path: Path, text: str, result: LoadResult) -> None:
    for lineno, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{path}:{lineno}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            result.skip(where, f"not JSON ({e.msg})")
            continue
        if not isinstance(obj, dict) or not isinstance(obj.get("text"), str) or not obj["text"].strip():
            result.skip(where, "no 'text' field")
            continue
        meta = {k: (str(obj[k]) if obj.get(k) is not None else None) for k in ("title", "date", "outlet", "url")}
        doc_id = str(obj.get("id") or f"{path.stem}-{lineno}")
        body = obj["text"].replace("\r\n", "\n").replace("\r", "\n")
        result.documents.append(RawDocument(id=doc_id, text=body, source=where, **meta))


def load_folder(paths: list[Path]) -> LoadResult:
    """Load every supported file under the given folders (recursively) or files.

    Duplicate ids keep the first document and skip the others with a warning.
    """
    result = LoadResult()
    for root in paths:
        if not root.exists():
            raise MissingPath(f"no such file or folder: {root}")
        for path in _iter_files(root, result):
            _read_file(path, result)
    result.documents = first_of_each_id(result.documents, result)
    return result


def first_of_each_id(docs: list[RawDocument], result: LoadResult) -> list[RawDocument]:
    """The documents in order, each id once: a later document with an id already seen is skipped (and said)."""
    unique: dict[str, RawDocument] = {}
    for doc in docs:
        if doc.id in unique:
            result.skip(doc.source, f"duplicate article id {doc.id!r} (first: {unique[doc.id].source})")
            continue
        unique[doc.id] = doc
    return list(unique.values())
