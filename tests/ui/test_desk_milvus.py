"""The chat's service layer over the Milvus store: questions, the Sources list and outlets come from
the engine; uploads, which rebuild the folder, are refused with a one-line reason."""
import pytest

pytest.importorskip("pymilvus")
pytest.importorskip("milvus_lite")

from assistant.pipeline import Assistant  # noqa: E402
from assistant.readers import RuleReader  # noqa: E402
from assistant.settings import AskSettings  # noqa: E402
from index.embedding import FakeEmbedder  # noqa: E402
from index.milvus_store import MilvusConfig, MilvusStore, build_milvus  # noqa: E402
from ui.commands import Config  # noqa: E402
from ui.desk import Desk, UploadError  # noqa: E402


def test_desk_over_milvus(tmp_path, seeds_copy, fake_settings):
    config = MilvusConfig(str(tmp_path / "m.db"))
    build_milvus([seeds_copy], config, fake_settings, FakeEmbedder())
    store = MilvusStore(config, FakeEmbedder())
    desk = Desk(tmp_path / "idx", Config(build=fake_settings), Assistant(store, AskSettings(), reader=RuleReader()))
    rows = desk.articles()
    assert sorted(r[0] for r in rows) == sorted(p.stem for p in seeds_copy.iterdir())
    assert sum(r[5] for r in rows) == len(store.chunks)
    assert desk.outlets() == ["EIRNS", "RT", "TASS"]
    ans = desk.ask("When was the INF Treaty signed?", None)
    assert ans.citations and all(store.articles[c.article_id].text[c.start:c.end] == c.text for c in ans.citations)
    up = tmp_path / "up"
    up.mkdir()
    (up / "new.txt").write_text("Arctic talks\n\nOSLO, February 3. /TASS/. Norway and Russia opened talks.\n")
    with pytest.raises(UploadError, match="--store milvus"):
        desk.add_files([up / "new.txt"])
    assert not (tmp_path / "articles" / "new.txt").exists()  # the collection is left as it was
    assert desk.assistant.store is store
    store.close()
