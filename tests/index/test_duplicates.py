import json
import shutil
from pathlib import Path

from index.build import build_index, prepare
from index.duplicates import copies_of, near_duplicates, source_of
from index.loading import load_folder
from index.newsindex import NewsIndex
from index.settings import BuildSettings
from index.store import current_version

DATA = Path(__file__).resolve().parents[1] / "data" / "sources_articles"


def _articles(folders):
    return [prepare(d, BuildSettings())[0] for d in load_folder(folders).documents]


def test_reprints_are_linked_to_the_earliest_original_and_different_stories_are_not(seeds_dir):
    nd = near_duplicates(_articles([seeds_dir, DATA]))
    assert nd["copies"] == {"s3_ferry_jakarta_globe": "s1_ferry_reuters", "s4_ferry_straits_times": "s1_ferry_reuters"}
    assert all(0.7 <= v <= 1 for v in nd["similarity"].values())
    # the AP report of the same event is written independently: its own source
    assert source_of("s2_ferry_ap", nd["copies"]) == "s2_ferry_ap"


def test_the_links_live_in_the_manifest_and_an_index_without_them_still_loads(tmp_path, fake_embedder, fake_settings):
    corpus = tmp_path / "corpus"
    shutil.copytree(DATA, corpus)
    root = tmp_path / "index"
    build_index([corpus], root, fake_settings, fake_embedder)
    idx = NewsIndex(root, fake_embedder)
    assert copies_of(idx.manifest)["s4_ferry_straits_times"] == "s1_ferry_reuters"
    # an index written before the links existed: drop the key (and re-sign nothing: the manifest is not hashed)
    path = current_version(root) / "manifest.json"
    m = json.loads(path.read_text())
    del m["near_duplicates"]
    path.write_text(json.dumps(m))
    old = NewsIndex(root, fake_embedder)
    assert copies_of(old.manifest) == {} and len(old.articles) == 4
