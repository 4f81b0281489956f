"""Roles, read-only and web sources in a real browser: Debian's chromium against real chat servers."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from index.build import build_index
from index.settings import BuildSettings
from localweb import Site, rss

pytestmark = [pytest.mark.browser, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(base: Path, name: str, *extra: str):
    index = base / name / "index"
    shutil.copytree(base / "index", index)
    port = _free_port()
    log = open(base / f"{name}.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "ui.cli", "chat", "--index", str(index), "--port", str(port), *extra],
                            cwd=ROOT, env={**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"},
                            stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return proc, url
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError((base / f"{name}.log").read_text()) from None
            time.sleep(1)
    proc.kill()
    raise RuntimeError(f"the {name} chat server did not start")


@pytest.fixture(scope="module")
def servers(tmp_path_factory, real_embedder, seeds_dir):
    base = tmp_path_factory.mktemp("roles")
    build_index([seeds_dir], base / "index", BuildSettings(), real_embedder)
    procs = {}
    try:
        procs["auth"] = _serve(base, "auth", "--auth", "alice:wonder:editor", "--auth", "bob:builder",
                               "--allow-private-urls")
        procs["ro"] = _serve(base, "ro", "--read-only")
        yield {k: url for k, (_, url) in procs.items()}
    finally:
        for proc, _ in procs.values():
            proc.terminate()
            proc.wait(20)


@pytest.fixture(scope="module")
def site():
    with Site() as s:
        s.page("/feed.xml", rss(s, [(s.url + "/news/gulf-tribune-desalination.html", "Oman"),
                                    (s.url + "/news/northern-broadcasting-flood.html", "Perth"),
                                    (None, "A broken item")]), "application/rss+xml")
        yield s


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make test`, which installs it")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def _open(browser, url: str, user: str | None = None, password: str | None = None):
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    if user:
        r = ctx.request.post(url + "login", form={"username": user, "password": password})
        assert r.ok, r.status
    pg.goto(url)
    pg.wait_for_selector("#nd-question textarea", timeout=60_000)
    pg.get_by_role("tab", name="Sources").click()
    pg.wait_for_function("() => /Signed in as|You are|read-only|nobody/.test((document.querySelector('#nd-role') || {}).innerText || '')",
                         timeout=30_000)
    return ctx, pg


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def test_reader_sees_no_add_or_remove(browser, servers):
    ctx, pg = _open(browser, servers["auth"], "bob", "builder")
    try:
        assert "Signed in as bob (reader)" in pg.locator("#nd-role").inner_text()
        assert "Only editors" in pg.locator("#nd-role").inner_text()
        for sel in ("#nd-upload", "#nd-urls", "#nd-feed", "#nd-fetch", "#nd-add", "#nd-rm"):
            assert not pg.locator(sel).is_visible(), sel
        assert "GENEVA" in pg.locator("#nd-sources").inner_text()  # readers still read the collection
        shot(pg, "web-01-reader-sources")
    finally:
        ctx.close()


def test_reader_cannot_change_the_collection_through_the_api(servers):
    from gradio_client import Client

    bob = Client(servers["auth"], auth=("bob", "builder"), verbose=False)
    endpoints = bob.view_api(print_info=False, return_format="dict")["named_endpoints"]
    name = next(n for n in endpoints if "add_web" in n)
    out = bob.predict("http://127.0.0.1:9/x", "", api_name=name)
    assert "only editors" in out[0]


def test_editor_fetches_a_page_and_a_feed_then_asks(browser, servers, site):
    ctx, pg = _open(browser, servers["auth"], "alice", "wonder")
    try:
        assert "Signed in as alice (editor)" in pg.locator("#nd-role").inner_text()
        pg.fill("#nd-urls textarea", site.url + "/news/globalwire-geneva-talks.html\n" + site.url + "/missing")
        pg.fill("#nd-feed textarea", site.url + "/feed.xml")
        pg.click("#nd-fetch")
        pg.wait_for_function("() => document.querySelector('#nd-sources-msg').innerText.includes('added')",
                             timeout=180_000)
        msg = pg.locator("#nd-sources-msg").inner_text()
        assert "3 added" in msg and "HTTP 404" in msg and "A broken item" in msg
        table = pg.locator("#nd-sources").inner_text()
        assert "Gulf Tribune" in table and "Northern Broadcasting" in table and "fetched" in table
        shot(pg, "web-02-editor-fetched")
        pg.get_by_role("tab", name="Chat").click()
        pg.fill("#nd-question textarea", "How many people will the Sohar desalination plant supply?")
        pg.click("#nd-ask")
        pg.wait_for_function("() => document.querySelectorAll(\"#nd-chat [data-testid='bot']\").length >= 1",
                             timeout=90_000)
        assert "400,000" in pg.locator("#nd-chat [data-testid='bot']").first.inner_text()
        shot(pg, "web-03-answer-from-fetched-page")
    finally:
        ctx.close()


def test_read_only_hides_changes_for_everyone(browser, servers):
    ctx, pg = _open(browser, servers["ro"])
    try:
        assert "This chat is read-only" in pg.locator("#nd-role").inner_text()
        for sel in ("#nd-upload", "#nd-urls", "#nd-fetch", "#nd-rm"):
            assert not pg.locator(sel).is_visible(), sel
        shot(pg, "web-04-read-only")
    finally:
        ctx.close()


def test_local_editor_is_refused_local_addresses(page, site):
    """The default chat (no --auth, 127.0.0.1): its user edits, but the server will not fetch 127.0.0.1."""
    page.get_by_role("tab", name="Sources").click()
    page.fill("#nd-urls textarea", site.url + "/news/quarterly-review-glaciers.html")
    page.click("#nd-fetch")
    page.wait_for_function("() => document.querySelector('#nd-sources-msg').innerText.includes('not added')",
                           timeout=60_000)
    msg = page.locator("#nd-sources-msg").inner_text()
    assert "--allow-private-urls" in msg and site.url + "/news/quarterly-review-glaciers.html: 127.0.0.1" in msg
    assert "Quarterly Review" not in page.locator("#nd-sources").inner_text()
    shot(page, "web-05-private-address-refused")


@pytest.fixture
def page(browser, server):
    ctx, pg = _open(browser, server["url"])
    yield pg
    ctx.close()
