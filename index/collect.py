"""Pages and feed items fetched into the collection folder (the articles folder beside the index).

Each fetched page is stored as `<article id>.html`: the page as served, with its fetch record in
front (index.web). Adding happens in two steps so that nothing is lost or half-added: every URL is
fetched and extracted first (a failure is reported and touches nothing), then the pages are written
(each file atomically) into a Changes that can roll them all back if the index rebuild that follows
fails. The same page (same article id, from its URL) is never added twice; a page fetched again with
changed text or metadata replaces the stored one, and its record says when it was updated.
"""
from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path

from . import web
from .fetch import FetchError, FetchPolicy, fetch, read_feed

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Staged:
    """A fetched page ready to be written: its id, stored text and what it does to the collection."""

    id: str
    url: str
    html: str  # with its fetch record
    status: str  # "added" or "updated"


@dataclass
class CollectReport:
    staged: list[Staged] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # ids fetched again with nothing changed
    known: list[str] = field(default_factory=list)  # feed items already in the collection (not fetched)
    failed: list[str] = field(default_factory=list)  # one line each

    def summary(self) -> str:
        parts = [f"{sum(s.status == 'added' for s in self.staged)} added",
                 f"{sum(s.status == 'updated' for s in self.staged)} updated"]
        if self.unchanged:
            parts.append(f"{len(self.unchanged)} unchanged")
        if self.known:
            parts.append(f"{len(self.known)} already in the collection")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        return ", ".join(parts)


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def stored_pages(collection: Path) -> dict[str, tuple[Path, web.FetchRecord]]:
    """id -> (file, fetch record) for the fetched pages in the collection folder."""
    out = {}
    if not collection.is_dir():
        return out
    for path in sorted(collection.glob("*.html")):
        try:
            with path.open(encoding="utf-8", errors="replace") as f:
                head = f.read(8192)
        except OSError:
            continue
        record, _ = web.read_fetch_record(head)
        if record is not None:
            out[path.stem] = (path, record)
    return out


def _fingerprint(page: web.Page) -> tuple:
    """What makes a new version: the text and the page's metadata, not when it was fetched."""
    return (page.text, page.title, page.author, page.sitename, page.date, page.url)


def stage(url: str, collection: Path, policy: FetchPolicy, feed: str | None = None,
          taken: Iterable[str] = ()) -> Staged | str:
    """Fetch and extract one URL; a Staged to write, or the id of an unchanged stored page.
    Raises FetchError (one line) when the page cannot be fetched or has no main text, or when its id
    belongs to an article that is not a fetched page (ids in taken)."""
    got = fetch(url, policy)
    html = got.text()
    record = web.FetchRecord(url=got.url, final_url=got.final_url, fetched_at=_now(), feed=feed)
    try:
        page = web.extract_page(html, url=got.final_url, fetch=record)
    except (RecursionError, ValueError, AssertionError, TypeError) as e:
        raise FetchError(f"{url}: the page cannot be parsed ({type(e).__name__})") from None
    if page is None:
        raise FetchError(f"{url}: no extractable main text in the page")
    doc_id = web.page_id(page.url or got.final_url)
    old = stored_pages(collection).get(doc_id)
    if old is None and doc_id in set(taken):
        raise FetchError(f"{url}: an article with id {doc_id!r} is already indexed from a source folder")
    status = "added"
    if old is not None:
        path, old_record = old
        before = web.extract_page(path.read_text(encoding="utf-8", errors="replace"))
        if before is not None and _fingerprint(before) == _fingerprint(page):
            return doc_id
        record = replace(record, fetched_at=old_record.fetched_at, updated_at=record.fetched_at,
                         feed=feed or old_record.feed)
        status = "updated"
    return Staged(doc_id, got.final_url, web.with_fetch_record(html, record), status)


def _known_urls(collection: Path) -> set[str]:
    urls = set()
    for _, rec in stored_pages(collection).values():
        urls |= {web.normalize_url(rec.url), web.normalize_url(rec.final_url)}
    return urls


def collect(urls: list[str], collection: Path, policy: FetchPolicy, feed: str | None = None,
            taken: Iterable[str] = (), skip_known: bool = False,
            progress: Callable[[int, int, str], None] | None = None) -> CollectReport:
    """Fetch and stage every URL (nothing is written). skip_known leaves out URLs already fetched
    into the collection (a feed adds its new items only); explicit URLs are fetched again, so a
    changed page replaces the stored one."""
    report = CollectReport()
    known = _known_urls(collection) if skip_known else set()
    seen: set[str] = set()
    taken = set(taken)
    for n, url in enumerate(urls, 1):
        if progress:
            progress(n, len(urls), url)
        if skip_known and web.normalize_url(url) in known:
            report.known.append(url)
            continue
        try:
            got = stage(url, collection, policy, feed, taken)
        except FetchError as e:
            log.warning("%s", e)
            report.failed.append(str(e))
            continue
        if isinstance(got, str):
            report.unchanged.append(got)
        elif got.id in seen:
            report.unchanged.append(got.id)
        else:
            seen.add(got.id)
            report.staged.append(got)
    return report


def collect_feed(feed_url: str, collection: Path, policy: FetchPolicy, taken: Iterable[str] = (),
                 progress: Callable[[int, int, str], None] | None = None) -> CollectReport:
    """The feed's new items, staged; each broken item is one line in failed. Raises FetchError when
    the feed itself cannot be read."""
    items, broken = read_feed(feed_url, policy)
    report = collect([i.link for i in items], collection, policy, feed=feed_url, taken=taken,
                     skip_known=True, progress=progress)
    report.failed = broken + report.failed
    return report


@dataclass
class Changes:
    """Files written into the collection, with what each replaced, so a failed rebuild can undo them all."""

    collection: Path
    written: list[tuple[Path, bytes | None]] = field(default_factory=list)

    def write(self, staged: list[Staged]) -> None:
        self.collection.mkdir(parents=True, exist_ok=True)
        try:
            for s in staged:
                target = self.collection / f"{s.id}.html"
                before = target.read_bytes() if target.exists() else None
                _atomic_write(target, s.html.encode("utf-8"))
                self.written.append((target, before))
        except BaseException:
            self.rollback()
            raise

    def rollback(self) -> None:
        for target, before in reversed(self.written):
            if before is None:
                target.unlink(missing_ok=True)
            else:
                _atomic_write(target, before)
        self.written.clear()


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_and_rebuild(staged: list[Staged], collection: Path, rebuild: Callable[[], object]):
    """Write the staged pages into the collection's own folder and run rebuild(); when the rebuild fails
    (or is interrupted) the collection is put back as it was and the error goes on."""
    changes = Changes(collection)
    changes.write(staged)
    try:
        return rebuild()
    except BaseException:
        changes.rollback()
        raise


def collect_all(urls: list[str], feeds: list[str], collection: Path, policy: FetchPolicy,
                taken: Iterable[str] = (), progress: Callable[[int, int, str], None] | None = None) -> CollectReport:
    """Pages (fetched again when known) and the new items of each feed, staged together; a feed that
    cannot be read is one line in failed."""
    report = collect(list(urls), collection, policy, taken=taken, progress=progress) if urls else CollectReport()
    for feed in feeds:
        try:
            part = collect_feed(feed, collection, policy, taken=taken, progress=progress)
        except FetchError as e:
            report.failed.append(str(e))
            continue
        ids = {s.id for s in report.staged}
        report.staged += [s for s in part.staged if s.id not in ids]
        report.unchanged += part.unchanged
        report.known += part.known
        report.failed += part.failed
    return report
