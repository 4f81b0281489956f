"""The UI's service layer (no gradio here): one collection's assistant, reloadable after uploads."""
from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
from pathlib import Path

from assistant.conversation import Conversation
from assistant.guard import ask_guarded
from assistant.pipeline import Assistant
from assistant.settings import AskSettings
from index.build import build_index, collection_dir
from index.collect import collect_all, write_and_rebuild
from index.fetch import FetchPolicy
from index.loading import SUFFIXES, load_folder
from index.newsindex import NewsIndex
from index.store import read_manifest
from index.store_api import Filters

from .commands import Config

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class UploadError(ValueError):
    """An upload that cannot be added; the message says why, and nothing was changed."""


def safe_name(name: str) -> str:
    """A plain file name for an upload: no folders, no odd characters, never hidden."""
    base = _SAFE_NAME.sub("_", Path(name).name).strip("._") or "article"
    return base[:120]


class Desk:
    """Holds the live Assistant for one index; uploads and removals rebuild incrementally and swap it."""

    def __init__(self, root: Path, config: Config = Config(), assistant: Assistant | None = None,
                 fetch_policy: FetchPolicy = FetchPolicy(allow_private=False)):
        self.root = Path(root)
        self.config = config
        self.fetch_policy = fetch_policy  # the server fetches for whoever uses the page: public addresses only
        self.assistant = assistant or Assistant(NewsIndex(self.root, embed_batch=config.build.embed_batch,
                                                          runtime=config.build.runtime), config.ask,
                                                reader_settings=config.reader)
        self._lock = threading.Lock()

    @property
    def collection(self) -> Path:
        return collection_dir(self.root)

    def ask(self, question: str, conversation: Conversation, filters: Filters = Filters(),
            settings: AskSettings | None = None):
        """The Answer; a bad filter raises its ValueError, any other failure an AnsweringError (one line)."""
        return ask_guarded(self.assistant, question, conversation, filters, settings)

    def articles(self) -> list[list]:
        idx = self.assistant.index
        per = {}
        for c in idx.chunks:
            per[c.article_id] = per.get(c.article_id, 0) + 1
        collection = self.collection.resolve()

        def origin(a) -> str:  # by the file it was read from: a page's id comes from its URL, not its file name
            path = a.source.rsplit(":", 1)[0] if ".jsonl:" in a.source else a.source  # "file.jsonl:LINE"
            if Path(path).resolve().parent != collection:
                return "source folder"
            return "fetched" if a.fetched_at else "uploaded"

        return [[a.id, a.title.value if a.title else "", a.outlet.value if a.outlet else "",
                 a.date.iso if a.date else "", a.dateline.value if a.dateline else "", per.get(a.id, 0), origin(a)]
                for a in idx.articles.values()]

    def outlets(self) -> list[str]:
        return sorted({a.outlet.value for a in self.assistant.index.articles.values() if a.outlet})

    def removable(self) -> list[str]:
        if not self.collection.is_dir():
            return []
        return sorted(p.name for p in self.collection.iterdir() if p.is_file())

    def _rebuild(self) -> str:
        if getattr(self.assistant.index, "kind", "folder") != "folder":
            raise UploadError(f"articles are added to the {self.assistant.index.kind} store by "
                              f"`newsdesk index build --store {self.assistant.index.kind}`, not here")
        manifest = read_manifest(self.root)
        sources = [Path(p) for p in manifest.get("sources", []) if Path(p).exists()]
        embedder = self.assistant.index.embedder
        report = build_index(sources, self.root, self.config.build, embedder, lock_timeout=60)
        new = Assistant(NewsIndex(self.root, embedder), self.config.ask, reader=self.assistant.reader)
        self.assistant = new
        return f"{report.articles} articles, {report.chunks} chunks ({report.embedded} texts embedded) in {report.seconds:.1f} s"

    def add_files(self, paths: list[Path]) -> str:
        """Validate uploads in a scratch folder, then copy them into the collection and rebuild."""
        if not paths:
            raise UploadError("choose one or more .txt, .md, .html or .jsonl files first")
        with self._lock, tempfile.TemporaryDirectory() as scratch:
            staged = []
            for p in paths:
                p = Path(p)
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
            known = set(self.assistant.index.articles)
            clash = [d.id for d in loaded.documents if d.id in known]
            if clash:
                raise UploadError(f"an article with id {clash[0]!r} is already indexed; rename the file")
            self.collection.mkdir(parents=True, exist_ok=True)
            for f in staged:
                shutil.copyfile(f, self.collection / f.name)
            try:
                summary = self._rebuild()
            except Exception:
                for f in staged:  # leave the collection as it was
                    (self.collection / f.name).unlink(missing_ok=True)
                raise
        return f"added {', '.join(d.id for d in loaded.documents)}; index now holds {summary}"

    def add_web(self, urls: list[str], feeds: list[str] = ()) -> str:
        """Fetch pages and the new items of feeds into the collection and rebuild; a failed fetch is
        reported and changes nothing, a failed rebuild puts the collection back as it was."""
        urls, feeds = [u.strip() for u in urls if u.strip()], [f.strip() for f in feeds if f.strip()]
        if not urls and not feeds:
            raise UploadError("type a page URL or a feed URL first")
        with self._lock:
            stored = {p.stem for p in self.collection.glob("*.html")} if self.collection.is_dir() else set()
            report = collect_all(urls, feeds, self.collection, self.fetch_policy,
                                 taken=set(self.assistant.index.articles) - stored)
            lines = [f"{s.status} {s.id}" for s in report.staged] + [f"not added: {f}" for f in report.failed]
            if report.staged:
                lines.append("index now holds " + write_and_rebuild(report.staged, self.root, lambda _: self._rebuild()))
        return f"{report.summary()}\n\n" + "\n".join(f"- {line}" for line in lines)

    def remove(self, filename: str) -> str:
        with self._lock:
            target = (self.collection / safe_name(filename))
            if filename not in self.removable() or not target.is_file():
                raise UploadError(f"{filename!r} is not an uploaded article")
            backup = target.read_bytes()
            target.unlink()
            try:
                summary = self._rebuild()
            except Exception:
                target.write_bytes(backup)
                raise
        return f"removed {filename}; index now holds {summary}"
