"""The chat's collection over the Milvus store: questions, the Sources list and outlets come from the
engine, and an upload goes into the Milvus collection's own articles and through the one build."""
import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from assistant.collection import Collection, Config  # noqa: E402
from assistant.readers import RuleReader  # noqa: E402
from index.build import build_index  # noqa: E402
from index.embedding import FakeEmbedder  # noqa: E402
from index.milvus_store import MilvusConfig  # noqa: E402
from index.place import Place  # noqa: E402


def test_collection_over_milvus(tmp_path, seeds_copy, fake_settings):
    place = Place(tmp_path / "idx", MilvusConfig(str(tmp_path / "m.db")))
    build_index([seeds_copy], place, fake_settings, FakeEmbedder())
    desk = Collection(place, Config(build=fake_settings), embedder=FakeEmbedder(), reader=RuleReader())
    store = desk.store
    assert store.kind == "milvus"
    rows = desk.article_rows()
    assert sorted(r[0] for r in rows) == sorted(p.stem for p in seeds_copy.iterdir())
    assert sum(r[5] for r in rows) == len(store.chunks)
    assert desk.outlets() == ["EIRNS", "RT", "TASS"]
    ans = desk.ask("When was the INF Treaty signed?", None)
    assert ans.citations and all(store.articles[c.article_id].text[c.start:c.end] == c.text for c in ans.citations)
    up = tmp_path / "up"
    up.mkdir()
    (up / "new.txt").write_text("Arctic talks\n\nOSLO, February 3. /TASS/. Norway and Russia opened talks in Tromso.\n")
    assert "added new" in desk.add_files([up / "new.txt"])
    assert (place.articles_dir / "new.txt").is_file() and "new" in desk.store.articles
    assert any(r[0] == "new" and r[6] == "uploaded" for r in desk.article_rows())
    assert "removed" in desk.remove("new.txt") and "new" not in desk.store.articles
