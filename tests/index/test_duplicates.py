import json
import shutil
from pathlib import Path

from index.build import build_index
from index.prepare import prepare
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


def test_growing_an_index_signs_only_its_new_articles_and_links_a_new_reprint(tmp_path, fake_embedder, fake_settings,
                                                                             monkeypatch):
    import numpy as np

    from index import build
    from index.store import read_snapshot

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("s1_ferry_reuters.txt", "s2_ferry_ap.txt"):
        shutil.copy(DATA / name, corpus)
    root = tmp_path / "index"
    build_index([corpus], root, fake_settings, fake_embedder)
    before = read_snapshot(root)
    assert copies_of(before.manifest) == {} and before.article_signatures.shape == (2, 64)

    signed = []
    real = build.signatures
    monkeypatch.setattr(build, "signatures", lambda arts: signed.append([a.id for a in arts]) or real(arts))
    shutil.copy(DATA / "s3_ferry_reprints.jsonl", corpus)  # two reprints of s1 arrive
    build_index([corpus], root, fake_settings, fake_embedder)
    after = read_snapshot(root)
    assert signed == [["s3_ferry_jakarta_globe", "s4_ferry_straits_times"]]  # the kept two were read, not redone
    assert np.array_equal(after.article_signatures[:2], before.article_signatures)
    assert copies_of(after.manifest) == {"s3_ferry_jakarta_globe": "s1_ferry_reuters",
                                         "s4_ferry_straits_times": "s1_ferry_reuters"}


def test_banded_candidates_match_datasketch_lsh(seeds_dir):
    from datasketch import MinHash, MinHashLSH

    from index.duplicates import NUM_PERM, THRESHOLD, _candidates, signatures

    arts = _articles([seeds_dir, DATA])
    sigs = signatures(arts)
    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    expected = set()
    for i, row in enumerate(sigs):
        if (row == 0xFFFFFFFF).all():
            continue
        m = MinHash(num_perm=NUM_PERM, hashvalues=row, scheme="affine32")
        expected |= {(min(i, j), max(i, j)) for j in lsh.query(m)}
        lsh.insert(i, m)
    assert _candidates(sigs) == expected and expected  # the reprints at least
