"""Fetching pages and feeds over HTTP(S) with httpx: bounded in time, size and redirects.

Every failure is a FetchError whose message is one line naming the URL and the reason. With
allow_private=False (the chat, where the server fetches for whoever uses the page) a connection
to a loopback, private, link-local or otherwise non-public address is refused: the check runs
where the socket is opened, on the addresses DNS returned, for the first request and for every
redirect hop, and the connection goes to the address that was checked (no second lookup that
DNS rebinding could answer differently).
"""
from __future__ import annotations

import ipaddress
import logging
import socket
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser
import httpcore
import httpx
from trafilatura.utils import decode_file

from .errors import NewsdeskError

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml",
              "text/xml", "application/x-rss+xml")
USER_AGENT = "newsdesk/0.1 (article collection; +https://example.invalid/newsdesk)"


class FetchError(NewsdeskError):
    """A URL that could not be fetched or read; the message is one line and names the URL."""


class BlockedAddress(FetchError):
    """The URL leads to an address the server may not fetch (loopback, private, link-local...)."""


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one fetch. allow_private=False refuses non-public addresses (the chat's default)."""

    timeout_s: float = 10.0  # connect, and between two reads
    total_s: float = 30.0  # the whole fetch, redirects included
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 5
    allow_private: bool = True


@dataclass(frozen=True)
class Fetched:
    """A successful fetch: the URL asked for, the URL that answered, its content type and body."""

    url: str
    final_url: str
    content_type: str
    body: bytes
    charset: str | None = None  # as the server declared it

    def text(self) -> str:
        """The body as text: in the charset the server declared, else the one the page states or looks like."""
        if self.charset:
            try:
                return self.body.decode(self.charset, errors="replace")
            except LookupError:
                pass
        return decode_file(self.body)


@dataclass(frozen=True)
class FeedItem:
    link: str
    title: str | None = None


def is_public(ip: str) -> bool:
    """True for a globally routable unicast address (an IPv4-mapped IPv6 address is judged as IPv4)."""
    addr = ipaddress.ip_address(ip.split("%")[0])
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped:
        addr = addr.ipv4_mapped
    return addr.is_global and not addr.is_multicast


class _GuardedBackend(httpcore.SyncBackend):
    """Opens sockets only to public addresses, connecting to the very address it checked."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as e:
            raise httpcore.ConnectError(f"cannot resolve {host} ({e.strerror})") from None
        addrs = list(dict.fromkeys(info[4][0] for info in infos))
        blocked = [a for a in addrs if not is_public(a)]
        if blocked or not addrs:
            raise BlockedAddress(f"{host} resolves to {blocked[0] if blocked else 'nothing'}, a loopback, private "
                                 "or link-local address the chat may not fetch (start it with --allow-private-urls "
                                 "to allow this)")
        return super().connect_tcp(addrs[0], port, timeout, local_address, socket_options)


def _client(policy: FetchPolicy) -> httpx.Client:
    transport = httpx.HTTPTransport(retries=0)
    if not policy.allow_private:
        transport._pool._network_backend = _GuardedBackend()  # httpx has no public hook for the backend
    return httpx.Client(transport=transport, timeout=httpx.Timeout(policy.timeout_s), follow_redirects=False,
                        trust_env=False, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,"
                                                  "application/rss+xml,application/atom+xml,application/xml;q=0.9,*/*;q=0.5"})


def check_url(url: str) -> str:
    """The URL stripped, or a FetchError when it is not an absolute http(s) URL."""
    url = (url or "").strip()
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FetchError(f"{url or '(empty)'}: only http:// and https:// URLs can be fetched")
    if not parts.hostname:
        raise FetchError(f"{url}: no host in the URL")
    return url


def fetch(url: str, policy: FetchPolicy = FetchPolicy(), accept: tuple[str, ...] = HTML_TYPES) -> Fetched:
    """GET url, following at most policy.max_redirects redirects (each checked), within the time and size
    limits; the response must be of one of the accepted content types."""
    original = url = check_url(url)
    deadline = time.monotonic() + policy.total_s
    seen = {url}
    try:
        with _client(policy) as client:
            for _ in range(policy.max_redirects + 1):
                with client.stream("GET", url) as r:
                    if r.is_redirect:
                        target = urljoin(url, r.headers.get("location", ""))
                        if urlsplit(target).scheme.lower() not in ("http", "https"):
                            raise FetchError(f"{original}: redirected to a non-http(s) URL {target}")
                        if target in seen:
                            raise FetchError(f"{original}: redirect loop at {target}")
                        seen.add(target)
                        url = target
                        continue
                    if r.status_code >= 400:
                        raise FetchError(f"{original}: HTTP {r.status_code} {r.reason_phrase}".rstrip())
                    ctype = r.headers.get("content-type", "").split(";")[0].strip().lower()
                    if ctype and ctype not in accept:
                        what = "a web page" if accept == HTML_TYPES else "a feed"
                        raise FetchError(f"{original}: not {what} (content type {ctype})")
                    declared = r.headers.get("content-length")
                    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
                        raise FetchError(f"{original}: larger than the {policy.max_bytes // 1024} KiB limit")
                    body = bytearray()
                    for piece in r.iter_bytes():
                        body += piece
                        if len(body) > policy.max_bytes:
                            raise FetchError(f"{original}: larger than the {policy.max_bytes // 1024} KiB limit")
                        if time.monotonic() > deadline:
                            raise FetchError(f"{original}: took longer than {policy.total_s:.0f} s")
                    return Fetched(original, url, ctype, bytes(body), r.charset_encoding)
            raise FetchError(f"{original}: more than {policy.max_redirects} redirects")
    except BlockedAddress as e:
        raise BlockedAddress(f"{original}: {e}" if url == original else f"{original}: redirected to {url}: {e}") from None
    except FetchError:
        raise
    except httpx.TimeoutException:
        raise FetchError(f"{original}: timed out (no answer within {policy.timeout_s:.0f} s)") from None
    except httpx.ConnectError as e:
        raise FetchError(f"{original}: cannot connect ({e or 'connection refused'})") from None
    except httpx.HTTPError as e:
        raise FetchError(f"{original}: {type(e).__name__} ({e})") from None


def read_feed(url: str, policy: FetchPolicy = FetchPolicy()) -> tuple[list[FeedItem], list[str]]:
    """The items of an RSS or Atom feed (their links) and one line for each item that cannot be used."""
    got = fetch(url, policy, accept=FEED_TYPES + HTML_TYPES + ("text/plain",))
    parsed = feedparser.parse(got.body, response_headers={"content-location": got.final_url})
    if not parsed.entries:
        why = f" ({parsed.bozo_exception})" if parsed.get("bozo") else ""
        raise FetchError(f"{url}: not an RSS or Atom feed, or a feed without items{why}".replace("\n", " "))
    items, broken = [], []
    for n, entry in enumerate(parsed.entries, 1):
        link = (entry.get("link") or "").strip()
        title = (entry.get("title") or "").strip() or None
        label = f"{url}: item {n}" + (f" ({title})" if title else "")
        if not link:
            broken.append(f"{label}: no link")
            continue
        link = urljoin(got.final_url, link)
        try:
            items.append(FeedItem(check_url(link), title))
        except FetchError as e:
            broken.append(f"{label}: {e}")
    return items, broken
