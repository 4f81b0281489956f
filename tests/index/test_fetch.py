"""Fetching from a news site on 127.0.0.1: success, 404, timeout, a huge page, a non-HTML response, a
redirect loop, a feed with a broken item, and the chat's refusal of non-public addresses."""
from __future__ import annotations

import pytest

from index import fetch as fetch_mod
from index.fetch import BlockedAddress, FetchError, FetchPolicy, fetch, is_public, read_feed
from localweb import Site, rss

FAST = FetchPolicy(timeout_s=1.0, total_s=5.0, max_bytes=512 * 1024)


@pytest.fixture(scope="module")
def site():
    with Site() as s:
        yield s


def test_success_gives_the_page_and_where_it_came_from(site):
    got = fetch(site.url + "/news/globalwire-geneva-talks.html", FAST)
    assert got.content_type == "text/html" and "Ryabkov" in got.text()
    moved = site.redirect("/moved", "/news/globalwire-geneva-talks.html")
    got = fetch(moved, FAST)
    assert got.url == moved and got.final_url.endswith("/news/globalwire-geneva-talks.html")


@pytest.mark.parametrize("path, why", [
    ("/missing", "HTTP 404"),
    ("/slow", "timed out"),
    ("/huge", "larger than the 512 KiB limit"),
    ("/data.json", "not a web page (content type application/json)"),
    ("/loop-a", "redirect loop"),
])
def test_failures_are_one_line_naming_the_url(site, path, why):
    with pytest.raises(FetchError) as e:
        fetch(site.url + path, FAST)
    msg = str(e.value)
    assert why in msg and msg.startswith(site.url + path) and "\n" not in msg


def test_text_in_the_declared_charset_or_the_pages_own(site):
    page = "<html><head><meta charset='iso-8859-1'><title>Caf\xe9</title></head><body><p>Z\xfcrich caf\xe9</p></body></html>"
    got = fetch(site.page("/latin", page.encode("latin-1"), "text/html; charset=iso-8859-1"), FAST)
    assert got.charset == "iso-8859-1" and "Zürich café" in got.text()
    got = fetch(site.page("/latin-meta", page.encode("latin-1"), "text/html"), FAST)
    assert got.charset is None and "Zürich café" in got.text()


def test_too_many_redirects(site):
    for i in range(7):
        site.redirect(f"/hop{i}", f"/hop{i + 1}")
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(site.url + "/hop0", FAST)


def test_only_http_and_https(site):
    for url in ("file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)", "", "http://"):
        with pytest.raises(FetchError):
            fetch(url, FAST)
    site.redirect("/to-file", "file:///etc/passwd")
    with pytest.raises(FetchError, match="non-http"):
        fetch(site.url + "/to-file", FAST)


def test_feed_items_and_a_broken_item(site):
    site.page("/feed.xml", rss(site, [(site.url + "/news/globalwire-geneva-talks.html", "Geneva talks"),
                                      (None, "An item without a link"),
                                      ("ftp://files.example/x", "A non-web link")]), "application/rss+xml")
    items, broken = read_feed(site.url + "/feed.xml", FAST)
    assert [i.title for i in items] == ["Geneva talks"]
    assert len(broken) == 2 and "item 2 (An item without a link): no link" in broken[0]
    with pytest.raises(FetchError, match="not an RSS or Atom feed"):
        read_feed(site.url + "/news/globalwire-geneva-talks.html", FAST)


def test_private_addresses_refused_when_not_allowed(site):
    guarded = FetchPolicy(timeout_s=1.0, allow_private=False)
    for url in (site.url + "/news/globalwire-geneva-talks.html",
                site.url.replace("127.0.0.1", "localhost") + "/news/globalwire-geneva-talks.html"):  # after DNS
        with pytest.raises(BlockedAddress, match="--allow-private-urls"):
            before = len(site.hits)
            fetch(url, guarded)
        assert len(site.hits) == before  # refused before any request was sent


def test_redirect_hops_are_checked_too(site, monkeypatch):
    # 127.0.0.1 plays a public site; its redirect to ::1 (loopback) must be refused at the hop.
    monkeypatch.setattr(fetch_mod, "is_public", lambda ip: ip == "127.0.0.1")
    site.redirect("/to-loopback", "http://[::1]:9/secret")
    with pytest.raises(BlockedAddress, match=r"/to-loopback: redirected to http://\[::1\]:9/secret: ::1 resolves"):
        fetch(site.url + "/to-loopback", FetchPolicy(timeout_s=1.0, allow_private=False))
    assert fetch(site.url + "/news/globalwire-geneva-talks.html", FetchPolicy(timeout_s=1.0, allow_private=False))


@pytest.mark.parametrize("ip, public", [
    ("127.0.0.1", False), ("10.1.2.3", False), ("172.16.0.1", False), ("192.168.1.1", False),
    ("169.254.169.254", False), ("100.64.0.1", False), ("0.0.0.0", False), ("::1", False), ("fe80::1", False),
    ("fc00::1", False), ("::ffff:127.0.0.1", False), ("224.0.0.1", False), ("93.184.216.34", True),
    ("2606:4700::1111", True),
])
def test_is_public(ip, public):
    assert is_public(ip) is public
