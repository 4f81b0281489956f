"""The one place that opens a collection: every front end (CLI, chat, eval, experiments) goes through here.

    collection = Collection(Place(root), Config())      # cheap: nothing loaded yet
    collection.warm_up()                                 # loads the store, the embedder and the reader
    collection.ask("Who is Ryabkov?"); collection.search("Geneva"); collection.quotes("What did Ryabkov say?")

A Collection is a place (an index folder, or a Milvus index: index/place.py) opened with the run's
settings by concern (Config). It hands out the assistant, search, quotes, timeline and the articles, and
changes the collection's own articles (uploads, pages, feeds), rebuilding through the one build
(index/build.py) and swapping the live assistant when the rebuild is done. No store is built or opened
anywhere else.
"""
from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from index.build import BuildReport, build_index, is_current
from index.collect import collect_all, write_and_rebuild
from index.embedding import Embedder, load_embedder
from index.errors import UsageError
from index.fetch import FetchPolicy
from index.loading import SUFFIXES, load_folder
from index.model import Article
from index.place import Place
from index.settings import BuildSettings
from index.store_api import Filters, Store

from .answer import Answer
from .conversation import Conversation
from .guard import ask_guarded
from .pipeline import Assistant
from .quotes import QuoteHit, parse_question, search_quotes
from .readers import Reader
from .search import SearchHit, search
from .settings import AskSettings, ReaderSettings
from .timeline import Timeline, build_timeline

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class Config:
    """The settings of one run of the program, by concern; each part is passed only where it is read."""

    build: BuildSettings = field(default_factory=BuildSettings)
    ask: AskSettings = field(default_factory=AskSettings)
    reader: ReaderSettings = field(default_factory=ReaderSettings)

    def with_ask(self, ask: AskSettings) -> "Config":
        return replace(self, ask=ask)


class UploadError(UsageError):
    """An upload that cannot be added; the message says why, and nothing was changed."""


def safe_name(name: str) -> str:
    """A plain file name for an upload: no folders, no odd characters, never hidden."""
    base = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).strip("._") or "article"
    return base[:120]


def open_store(place: Place, build: BuildSettings, embedder: Embedder | None = None) -> Store:
    """The loaded index at place: the FAISS + BM25 folder or Milvus (its model is the one it was built with)."""
    if place.milvus:
        from index.milvus_store import MilvusStore

        return MilvusStore(place.milvus, embedder=embedder, embed_batch=build.embed_batch)
    from index.newsindex import NewsIndex

    return NewsIndex(place.root, embedder, build.embed_batch, build.runtime)


class Collection:
    """One collection, opened by its place and settings; holds the live Assistant and swaps it after a rebuild."""

    def __init__(self, place: Place, config: Config = Config(), embedder: Embedder | None = None,
                 reader: Reader | None = None, fetch_policy: FetchPolicy = FetchPolicy(allow_private=False),
                 assistant: Assistant | None = None):
        """assistant: one already open over this place (a test or a benchmark sharing a loaded index)."""
        self.place = place
        self.config = config
        self.fetch_policy = fetch_policy  # the chat fetches for whoever uses the page: public addresses only
        self._embedder = embedder
        self._reader = reader or (assistant.reader if assistant else None)
        self._assistant: Assistant | None = assistant
        self._lock = threading.Lock()

    # --- opening --------------------------------------------------------------------------------
    def warm_up(self) -> "Collection":
        """Load the store, the embedder, the reader and the parser now (a front end does this before
        serving, so that the first question waits for none of them)."""
        from index.parsing import ParserModelError, pipeline

        _ = self.assistant
        try:
            pipeline()  # questions are parsed for follow-ups and shapes: 0.6 s the first time
        except ParserModelError as e:
            log.warning("%s", e)
        return self

    @property
    def assistant(self) -> Assistant:
        if self._assistant is None:
            store = open_store(self.place, self.config.build, self._embedder)
            self._assistant = Assistant(store, self.config.ask, reader=self._reader,
                                        reader_settings=self.config.reader)
        return self._assistant

    @property
    def store(self) -> Store:
        return self.assistant.store

    @property
    def articles(self) -> Mapping[str, Article]:
        return self.store.articles

    def article_rows(self) -> list[list]:
        """[id, title, outlet, ISO date, dateline, chunks, origin] per article; origin says where it came
        from: a source folder, or the collection's own articles (fetched or uploaded)."""
        store = self.store
        per: dict[str, int] = {}
        for c in store.chunks:
            per[c.article_id] = per.get(c.article_id, 0) + 1
        own = self.articles_dir.resolve()

        def origin(a: Article) -> str:  # by the file it was read from: a page's id comes from its URL
            path = a.source.rsplit(":", 1)[0] if ".jsonl:" in a.source else a.source  # "file.jsonl:LINE"
            if Path(path).resolve().parent != own:
                return "source folder"
            return "fetched" if a.fetched_at else "uploaded"

        return [[a.id, a.title.value if a.title else "", a.outlet.value if a.outlet else "",
                 a.date.iso if a.date else "", a.dateline.value if a.dateline else "", per.get(a.id, 0), origin(a)]
                for a in store.articles.values()]

    def outlets(self) -> list[str]:
        return sorted({a.outlet.value for a in self.articles.values() if a.outlet})

    @property
    def articles_dir(self) -> Path:
        return self.place.articles_dir

    # --- asking -----------------------------------------------------------------------------------
    def ask(self, question: str, conversation: Conversation | None = None, filters: Filters = Filters(),
            settings: AskSettings | None = None) -> Answer:
        """The Answer; a bad filter raises a UsageError, any other failure an AnsweringError (one line)."""
        return ask_guarded(self.assistant, question, conversation, filters, settings)

    def search(self, query: str, filters: Filters = Filters(), sort: str = "relevance", limit: int = 10) -> list[SearchHit]:
        assistant = self.assistant
        return search(assistant.store, assistant.retriever, query, filters, sort=sort, limit=limit)

    def quotes(self, query: str, speaker: str | None = None, filters: Filters = Filters(),
               limit: int = 10) -> tuple[str | None, str, list[QuoteHit]]:
        """(speaker, topic, hits): a "What did X say about Y?" question names its own speaker."""
        who, what = parse_question(query) if query.strip() else (None, "")
        speaker = speaker or who
        if not speaker and not what:
            raise UsageError("give words to search the quotations for, or a speaker")
        return speaker, what, search_quotes(self.store, what, speaker=speaker, filters=filters, limit=limit)

    def timeline(self, query: str, filters: Filters = Filters(), k: int = 12) -> Timeline:
        return build_timeline(self.assistant, query, filters, k=k)

    # --- building -----------------------------------------------------------------------------------
    def embedder(self) -> Embedder:
        if self._embedder is None:
            if self._assistant is not None:
                self._embedder = self._assistant.store.embedder
            else:
                b = self.config.build
                self._embedder = load_embedder(b.model, b.embed_batch, b.runtime)
        return self._embedder

    def is_current(self, paths: list[Path]) -> bool:
        return is_current(paths, self.place, self.config.build)

    def build(self, paths: list[Path], progress: bool = False, engine=None, lock_timeout: float = 0.0) -> BuildReport:
        """Build or update the index from paths (and the collection's own articles); the live assistant,
        if any, is swapped for one over the new index."""
        report = build_index(paths, self.place, self.config.build, self.embedder(), progress=progress,
                             lock_timeout=lock_timeout, engine=engine)
        if self._assistant is not None:
            reader = self._assistant.reader
            self._assistant = Assistant(open_store(self.place, self.config.build, self._embedder), self.config.ask,
                                        reader=reader)
        return report

    def _live_manifest(self) -> dict:
        from index.build import writer_for

        return writer_for(self.place).live_manifest() or {}

    def _sources(self) -> list[Path]:
        """The source folders the live index was built from (still present), so a rebuild keeps them."""
        return [Path(p) for p in self._live_manifest().get("sources", []) if Path(p).exists()]

    def _rebuild(self) -> str:
        report = self.build(self._sources(), lock_timeout=60)
        return (f"{report.articles} articles, {report.chunks} chunks ({report.embedded} texts embedded) "
                f"in {report.seconds:.1f} s")

    # --- the collection's own articles --------------------------------------------------------------
    def removable(self) -> list[str]:
        d = self.articles_dir
        return sorted(p.name for p in d.iterdir() if p.is_file()) if d.is_dir() else []

    def add_files(self, paths: list[Path]) -> str:
        """Validate uploads in a scratch folder, then copy them into the collection and rebuild."""
        if not paths:
            raise UploadError("choose one or more .txt, .md, .html or .jsonl files first")
        with self._lock, tempfile.TemporaryDirectory() as scratch:
            staged = []
            for p in map(Path, paths):
                if p.suffix.lower() not in SUFFIXES:
                    raise UploadError(f"{p.name}: only .txt, .md, .html, .htm and .jsonl files are accepted")
                if p.stat().st_size > MAX_UPLOAD_BYTES:
                    raise UploadError(f"{p.name}: larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB")
                dst = Path(scratch) / safe_name(p.name)
                shutil.copyfile(p, dst)
                staged.append(dst)
            loaded = load_folder([Path(scratch)])
            if loaded.skipped:
                path, why = loaded.skipped[0]
                raise UploadError(f"{Path(path.split(':')[0]).name} cannot be read ({why}); nothing was added")
            clash = [d.id for d in loaded.documents if d.id in self.articles]
            if clash:
                raise UploadError(f"an article with id {clash[0]!r} is already indexed; rename the file")
            self.articles_dir.mkdir(parents=True, exist_ok=True)
            for f in staged:
                shutil.copyfile(f, self.articles_dir / f.name)
            try:
                summary = self._rebuild()
            except BaseException:
                for f in staged:  # leave the collection as it was
                    (self.articles_dir / f.name).unlink(missing_ok=True)
                raise
        return f"added {', '.join(d.id for d in loaded.documents)}; index now holds {summary}"

    def add_web(self, urls: list[str], feeds: list[str] = (), progress=None) -> tuple[object, str | None]:
        """Fetch pages and the new items of feeds into the collection and rebuild: (the collect report,
        the rebuild's summary or None). A failed fetch changes nothing; a failed rebuild puts the
        collection back as it was."""
        urls, feeds = [u.strip() for u in urls if u.strip()], [f.strip() for f in feeds if f.strip()]
        if not urls and not feeds:
            raise UploadError("type a page URL or a feed URL first")
        with self._lock:
            known = self._indexed_ids()
            stored = {p.stem for p in self.articles_dir.glob("*.html")} if self.articles_dir.is_dir() else set()
            report = collect_all(urls, feeds, self.articles_dir, self.fetch_policy, taken=known - stored,
                                 progress=progress)
            summary = None
            if report.staged:
                summary = write_and_rebuild(report.staged, self.articles_dir, self._rebuild)
            elif report.unchanged and not self.is_current(self._sources()):
                summary = self._rebuild()  # the pages are here but this index does not hold them yet
        return report, summary

    def _indexed_ids(self) -> set[str]:
        return set(self.articles) if self._assistant is not None else set(self._live_manifest().get("articles", {}))

    def remove(self, filename: str) -> str:
        with self._lock:
            target = self.articles_dir / safe_name(filename)
            if filename not in self.removable() or not target.is_file():
                raise UploadError(f"{filename!r} is not an uploaded article")
            backup = target.read_bytes()
            target.unlink()
            try:
                summary = self._rebuild()
            except BaseException:
                target.write_bytes(backup)
                raise
        return f"removed {filename}; index now holds {summary}"
