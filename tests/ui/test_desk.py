"""The UI's service layer: uploads are typed, size-limited, stay in the collection, and fail cleanly."""
import pytest

from assistant.settings import ReaderKind, ReaderSettings
from index.build import build_index
from index.place import collection_dir
from index.embedding import FakeEmbedder
from index.store import read_snapshot
from assistant.collection import Config
from assistant.collection import MAX_UPLOAD_BYTES, Collection, UploadError, safe_name
from index.place import Place


@pytest.fixture
def desk(tmp_path, seeds_copy, fake_settings):
    root = tmp_path / "idx"
    build_index([seeds_copy], root, fake_settings, FakeEmbedder())
    return Collection(Place(root), Config(build=fake_settings, reader=ReaderSettings(kind=ReaderKind.RULES)))


def test_safe_names_never_leave_the_folder():
    assert safe_name("../../etc/passwd.txt") == "passwd.txt"
    assert safe_name("/abs/path/x y$.md") == "x_y_.md"
    assert safe_name("..") == "article" and not safe_name(".hidden.txt").startswith(".")


def test_upload_then_ask_then_remove(desk, tmp_path):
    up = tmp_path / "upload"
    up.mkdir()
    f = up / "..%2F..%2Fevil name.txt"
    f.write_text("Arctic talks\n\nOSLO, February 3. /TASS/. Norway and Russia opened talks in Tromso on Wednesday.\n")
    msg = desk.add_files([f])
    assert "added" in msg
    stored = list(collection_dir(desk.place.root).iterdir())
    assert len(stored) == 1 and stored[0].parent == collection_dir(desk.place.root)
    ans = desk.ask("Where did Norway and Russia open talks?", None)
    assert any("Tromso" in c.text for c in ans.citations)
    # a rebuild from the source folder alone keeps the uploaded article
    manifest_sources = read_snapshot(desk.place.root).manifest["sources"]
    build_index([__import__("pathlib").Path(p) for p in manifest_sources], desk.place.root, desk.config.build, FakeEmbedder())
    assert stored[0].stem in {a.id for a in read_snapshot(desk.place.root).articles}
    assert "removed" in desk.remove(stored[0].name)
    assert stored[0].stem not in desk.assistant.index.articles
    with pytest.raises(UploadError):
        desk.remove("000_26fa5ce3f242af54.txt")  # a source-folder article is not removable from the UI


@pytest.mark.parametrize("name, data, phrase", [
    ("notes.pdf", b"%PDF-1.4", "only .txt"),
    ("big.txt", b"a" * (MAX_UPLOAD_BYTES + 1), "larger than"),
    ("bin.txt", b"\x00\x01\x02", "cannot be read"),
    ("000_26fa5ce3f242af54.txt", b"Same id as a seed article.", "already indexed"),
])
def test_bad_uploads_change_nothing(desk, tmp_path, name, data, phrase):
    before = read_snapshot(desk.place.root).manifest["files"]
    f = tmp_path / name
    f.write_bytes(data)
    with pytest.raises(UploadError, match=phrase):
        desk.add_files([f])
    assert read_snapshot(desk.place.root).manifest["files"] == before
    assert not collection_dir(desk.place.root).exists() or not any(collection_dir(desk.place.root).iterdir())
