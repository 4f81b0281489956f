"""Hostile and broken files: each is skipped or read with a warning naming it; the build finishes."""
from __future__ import annotations

import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.build import build_index
from index.prepare import prepare
from index.embedding import FakeEmbedder
from index.loading import load_folder
from index.settings import BuildSettings
from index.store import read_snapshot

SUFFIXES = [".txt", ".md", ".html", ".htm", ".jsonl"]
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_-. ", min_size=1, max_size=20).filter(
    lambda n: n.strip(" .") and not n.startswith("."))
contents = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=3000).map(lambda t: t.encode("utf-8", "surrogatepass")),  # lone surrogates: invalid UTF-8
    st.lists(st.sampled_from(["Back to top", "GENEVA, January 10. /TASS/.", "He said “no.”", "<p>", "</div>",
                              "{\"text\": 1}", "U.S.", "\x00", "\n", "Dec. 23, 2021 (EIRNS)—", "é", "Ryabkov"]),
             max_size=60).map(lambda xs: " ".join(xs).encode()),
)


def _check(folder: Path) -> None:
    result = load_folder([folder])
    for path, why in result.skipped:
        assert path and why
    for doc in result.documents:
        article, sentences = prepare(doc, BuildSettings())
        for s in sentences:
            assert article.text[s.start:s.end] == s.text
            assert not any(s.start < e.end and e.start < s.end for e in article.excluded)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.tuples(names, st.sampled_from(SUFFIXES), contents), min_size=1, max_size=6))
def test_fuzzed_folders_never_raise(tmp_path_factory, files):
    folder = tmp_path_factory.mktemp("fuzz")
    for name, suffix, data in files:
        (folder / f"{name}{suffix}").write_bytes(data)
    _check(folder)


def test_named_hostile_files(tmp_path, fake_settings):
    f = tmp_path / "docs"
    (f / "nested").mkdir(parents=True)
    (f / "good.txt").write_text("Talks\n\nGENEVA, January 10. /TASS/. Ryabkov said the talks were useful.\n")
    (f / "huge.txt").write_bytes(b"a" * (50 * 1024 * 1024))
    (f / "long-line.txt").write_text(("The envoy said talks went on. " * 170_000)[:5_000_000])
    (f / "zero.txt").write_bytes(b"")
    (f / "nul.txt").write_bytes(b"text\x00with nul")
    (f / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (f / "latin1.md").write_bytes("Caf\xe9 cr\xe8me".encode("latin-1"))
    (f / "deep.html").write_text("<div>" * 3000 + "Deep text here." + "</div>" * 3000)
    (f / "broken.html").write_text("<p>unclosed <b>bold <i>italic <p>Next paragraph.</div></span><script>x")
    (f / "lines.jsonl").write_text("not json\n" + json.dumps({"title": "no text"}) + "\n"
                                   + json.dumps({"id": "ok-line", "text": "A fine line of text."}) + "\n[1, 2]\n")
    os.symlink(f, f / "nested" / "loop")  # a symlink loop
    os.symlink(tmp_path / "does-not-exist.txt", f / "dangling.txt")  # a file that cannot be read
    report = build_index([f], tmp_path / "idx", fake_settings, FakeEmbedder())
    skipped = {Path(p.split(":")[0]).name + (":" + p.split(":")[1] if ":" in p else ""): why for p, why in report.skipped}
    assert "larger than" in skipped["huge.txt"]
    assert "empty" in skipped["zero.txt"] and "binary" in skipped["nul.txt"] and "binary" in skipped["binary.txt"]
    assert "UTF-8" in skipped["latin1.md"]
    assert "cannot be read" in skipped["dangling.txt"]
    assert any("symlink loop" in why for why in skipped.values())
    assert {"lines.jsonl:1", "lines.jsonl:2", "lines.jsonl:4"} <= set(skipped)
    assert "no extractable main text" in skipped["deep.html"]
    ids = {a.id for a in read_snapshot(tmp_path / "idx").articles}
    assert {"good", "long-line", "ok-line", "broken"} <= ids
    assert "huge" not in ids
