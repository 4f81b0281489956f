"""The UI's service layer (no gradio here): one collection's assistant, reloadable after uploads."""
from __future__ import annotations

import logging
import re
import shutil
import tempfile
import threading
from pathlib import Path

from assistant.conversation import Conversation
from assistant.pipeline import Assistant
from assistant.settings import AskSettings
from index.build import build_index, collection_dir
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

    def __init__(self, root: Path, config: Config = Config(), assistant: Assistant | None = None):
        self.root = Path(root)
        self.config = config
        self.assistant = assistant or Assistant(NewsIndex(self.root, embed_batch=config.build.embed_batch), config.ask,
                                                reader_settings=config.reader)
        self._lock = threading.Lock()

    @property
    def collection(self) -> Path:
        return collection_dir(self.root)

    def ask(self, question: str, conversation: Conversation, filters: Filters = Filters(),
            settings: AskSettings | None = None):
        return self.assistant.ask(question, conversation, filters, settings)

    def articles(self) -> list[list]:
        idx = self.assistant.index
        per = {}
        for c in idx.chunks:
            per[c.article_id] = per.get(c.article_id, 0) + 1
        uploaded = {p.stem for p in self.collection.glob("*")} if self.collection.is_dir() else set()
        return [[a.id, a.title.value if a.title else "", a.outlet.value if a.outlet else "",
                 a.date.iso if a.date else "", a.dateline.value if a.dateline else "", per.get(a.id, 0),
                 "uploaded" if a.id in uploaded else "source folder"] for a in idx.articles.values()]

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
