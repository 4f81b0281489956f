"""The chat's service layer fetching URLs and feeds, and the roles that decide who may."""
from __future__ import annotations

import pytest
from localweb import Site, rss

from assistant.settings import ReaderKind, ReaderSettings
from index.build import build_index
from index.place import collection_dir
from index.embedding import FakeEmbedder
from index.fetch import FetchPolicy
from assistant.collection import Config
from assistant.collection import Collection, UploadError
from ui.app import web_summary
from index.place import Place
from ui.roles import EDITOR, READER, Access, access_from, parse_user


@pytest.fixture
def site():
    with Site() as s:
        yield s


class _Desk(Collection):
    """The collection as the page uses it: add_web's report as the page words it."""

    def add_web(self, urls, feeds=()):
        return web_summary(*super().add_web(urls, feeds))


def _desk(tmp_path, seeds_copy, fake_settings, allow_private: bool) -> Collection:
    root = tmp_path / "idx"
    build_index([seeds_copy], root, fake_settings, FakeEmbedder())
    return _Desk(Place(root), Config(build=fake_settings, reader=ReaderSettings(kind=ReaderKind.RULES)),
                 fetch_policy=FetchPolicy(timeout_s=1.0, total_s=5.0, allow_private=allow_private))


def test_chat_refuses_local_addresses_by_default(tmp_path, seeds_copy, fake_settings, site):
    desk = _desk(tmp_path, seeds_copy, fake_settings, allow_private=False)
    msg = desk.add_web([site.url + "/news/globalwire-geneva-talks.html"], [site.url + "/feed.xml"])
    assert "0 added" in msg and msg.count("--allow-private-urls") == 2
    assert site.hits == [] and not any(collection_dir(desk.place.root).glob("*.html"))
    with pytest.raises(UploadError):
        desk.add_web(["  "], [""])


def test_pages_and_feed_items_are_added_and_answerable(tmp_path, seeds_copy, fake_settings, site):
    desk = _desk(tmp_path, seeds_copy, fake_settings, allow_private=True)
    site.page("/feed.xml", rss(site, [(site.url + "/news/gulf-tribune-desalination.html", "Oman"), (None, "Broken")]),
              "application/rss+xml")
    msg = desk.add_web([site.url + "/news/globalwire-geneva-talks.html", site.url + "/missing"], [site.url + "/feed.xml"])
    assert msg.startswith("2 added, 0 updated, 2 failed") and "HTTP 404" in msg and "no link" in msg
    rows = {r[0]: r for r in desk.article_rows()}
    fetched = [r for r in rows.values() if r[6] == "fetched"]
    assert sorted(r[2] for r in fetched) == ["Global Wire", "Gulf Tribune"]
    ans = desk.ask("How much water can the plant near Sohar produce?", None)
    assert any("250,000 cubic metres" in c.text for c in ans.citations)
    again = desk.add_web([], [site.url + "/feed.xml"])
    assert again.startswith("0 added, 0 updated, 1 already in the collection")
    name = next(n for n in desk.removable() if n.startswith("127-0-0-1-gulf"))
    assert "removed" in desk.remove(name) and len([r for r in desk.article_rows() if r[6] == "fetched"]) == 1


def test_roles():
    assert parse_user("alice:s3cret:editor") == parse_user("alice:s3cret:editor")
    assert (parse_user("alice:s3cret:editor").role, parse_user("bob:pw").role) == (EDITOR, READER)
    assert parse_user("carol:pa:ss").password == "pa:ss" and parse_user("carol:pa:ss").role == READER
    for bad in ("alice", "alice:", ":pw"):
        with pytest.raises(ValueError):
            parse_user(bad)
    a = access_from(["alice:pw:editor", "bob:pw"])
    assert a.can_edit("alice") and not a.can_edit("bob") and not a.can_edit(None) and not a.can_edit("mallory")
    assert a.check_password("alice", "pw") and not a.check_password("alice", "nope") and not a.check_password("x", "pw")
    assert access_from(None).can_edit(None)  # the single local user
    assert not access_from(None, host="0.0.0.0").can_edit(None)  # anyone on the network: nobody edits
    assert not access_from(["alice:pw:editor"], read_only=True).can_edit("alice")
    assert access_from(None, env="dan:pw:editor,erin:pw").can_edit("dan")
    assert access_from(["x:y"], env="dan:pw:editor").users[0].name == "x"  # the command line wins
    with pytest.raises(ValueError):
        Access((parse_user("a:b"), parse_user("a:c")))


def test_uploaded_saved_page_is_its_main_text_under_its_url_id(tmp_path, seeds_copy, fake_settings):
    from localweb import PAGES

    desk = _desk(tmp_path, seeds_copy, fake_settings, allow_private=False)
    desk.add_files([PAGES / "harbour-post-housing.html"])
    row = next(r for r in desk.article_rows() if r[2] == "The Harbour Post")
    assert row[0].startswith("harbourpost-example-council-approves-homes-former-dockyard-") and row[6] == "uploaded"
    article = desk.assistant.index.articles[row[0]]
    assert "Who actually believes the school" not in article.text and article.author.value == "Priya Natarajan"
