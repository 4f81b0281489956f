"""A news site on 127.0.0.1 for the fetch tests: pages, a feed with a broken item, and misbehaving URLs."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

PAGES = Path(__file__).resolve().parent / "data" / "pages"


class Site:
    """Routes are path -> (status, content type, body bytes, extra headers); change them while it runs."""

    def __init__(self):
        self.routes: dict[str, tuple[int, str, bytes, dict]] = {}
        self.hits: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_GET(self):
                site.hits.append(self.path)
                path = self.path.split("?")[0]
                if path == "/slow":
                    time.sleep(3)
                if path == "/huge":  # no Content-Length: the cap must hold while streaming
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.end_headers()
                    try:
                        for _ in range(400):
                            self.wfile.write(b"<p>" + b"x" * 16380 + b"</p>")
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                status, ctype, body, headers = site.routes.get(path, (404, "text/plain", b"not found", {}))
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in headers.items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, path: str, html: str | bytes, ctype: str = "text/html; charset=utf-8") -> str:
        self.routes[path] = (200, ctype, html.encode() if isinstance(html, str) else html, {})
        return self.url + path

    def redirect(self, path: str, to: str) -> str:
        self.routes[path] = (302, "text/html", b"", {"Location": to})
        return self.url + path

    def __enter__(self) -> "Site":
        self.thread.start()
        self.routes["/slow"] = (200, "text/html", b"<p>late</p>", {})
        self.page("/data.json", b'{"not": "a page"}', "application/json")
        self.redirect("/loop-a", "/loop-b")
        self.redirect("/loop-b", "/loop-a")
        for p in sorted(PAGES.glob("*.html")):
            self.page(f"/news/{p.name}", p.read_bytes())
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def rss(site: Site, items: list[tuple[str | None, str]]) -> str:
    """An RSS 2.0 document; an item whose link is None has no <link> (a broken item)."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>', '<rss version="2.0"><channel><title>Local desk</title>',
           f"<link>{site.url}/</link><description>test feed</description>"]
    for link, title in items:
        out.append(f"<item><title>{title}</title>" + (f"<link>{link}</link>" if link is not None else "")
                   + "<pubDate>Mon, 10 Jan 2022 19:42:00 GMT</pubDate></item>")
    out.append("</channel></rss>")
    return "\n".join(out)
