import json

import pytest

from index.loading import load_folder


def test_seeds_load_with_stem_ids(seed_docs):
    assert sorted(seed_docs) == ["000_26fa5ce3f242af54", "001_596bc3409c48ad04", "002_82730997460d64a4",
                                 "003_70ff3accb9f1b79d", "004_b2e3140862302f81"]
    assert all(d.text.strip() for d in seed_docs.values())


def test_formats_recursive_and_bad_files_skipped_by_name(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "a.txt").write_text("GENEVA, January 10. /TASS/. Talks were held.\n")
    (tmp_path / "sub" / "b.md").write_text("# Title\n\nBody text here.\n")
    (tmp_path / "sub" / "deeper" / "c.html").write_text(
        "<html><head><title>Page title</title><script>alert(1)</script></head><body><nav>Home News Sport</nav>"
        "<article><h1>Head</h1>" + "".join(f"<p>Paragraph {i} of the article says something worth reading about the "
                                           f"council budget.</p>" for i in range(6)) + "</article></body></html>")
    (tmp_path / "d.jsonl").write_text(
        json.dumps({"id": "j1", "text": "Jsonl body.", "title": "T1", "outlet": "RT"}) + "\n"
        + "not json\n" + json.dumps({"id": "j2"}) + "\n")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "latin.txt").write_bytes("caf\xe9".encode("latin-1"))
    (tmp_path / "ignored.pdf").write_bytes(b"%PDF")
    result = load_folder([tmp_path])
    ids = sorted(d.id for d in result.documents)
    assert ids == ["a", "b", "c", "j1"]
    skipped = {p.split("/")[-1]: why for p, why in result.skipped}
    assert set(skipped) == {"d.jsonl:2", "d.jsonl:3", "empty.txt", "bin.txt", "latin.txt"}
    assert "binary" in skipped["bin.txt"] and "UTF-8" in skipped["latin.txt"]
    html = next(d for d in result.documents if d.id == "c")
    assert html.title == "Head" and "alert" not in html.text and "Paragraph 5 of the article" in html.text
    assert "Home News Sport" not in html.text and html.page is not None
    j1 = next(d for d in result.documents if d.id == "j1")
    assert (j1.title, j1.outlet) == ("T1", "RT")


def test_missing_folder_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_folder([tmp_path / "nope"])

