"""Who may change the collection from the chat page.

Readers ask and read; editors may also add (files, URLs, feeds) and remove articles.
- `--auth alice:secret:editor --auth bob:pw` gives each user a password and a role (reader when none
  is named; the role is the part after the last colon when it is "reader" or "editor").
- Without --auth, the single local user of a chat on a loopback address is an editor; on any other
  address, where anyone on the network could reach the page, nobody may change the collection.
- `--read-only` serves a collection nobody can change from the page, whatever the roles.
The page hides what a user may not do, and every change is checked again on the server.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass, field

READER, EDITOR = "reader", "editor"
ROLES = (READER, EDITOR)
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class User:
    name: str
    password: str
    role: str = READER


def parse_user(spec: str) -> User:
    """'name:password[:role]' as a User; ValueError with one line when it is not that."""
    name, sep, rest = spec.partition(":")
    if not sep or not name or not rest:
        raise ValueError("--auth takes user:password or user:password:role (role reader or editor)")
    password, role = rest, READER
    head, sep, tail = rest.rpartition(":")
    if sep and tail in ROLES and head:
        password, role = head, tail
    return User(name, password, role)


@dataclass(frozen=True)
class Access:
    """The roles of one chat server."""

    users: tuple[User, ...] = ()
    read_only: bool = False
    local: bool = True  # served on a loopback address only
    _by_name: dict = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        names = [u.name for u in self.users]
        if len(set(names)) != len(names):
            raise ValueError("--auth names a user twice")
        self._by_name.update({u.name: u for u in self.users})

    def role(self, username: str | None) -> str:
        """The role of a signed-in user (or of the local user when there is no --auth)."""
        if self.read_only:
            return READER
        if not self.users:
            return EDITOR if self.local else READER
        user = self._by_name.get(username or "")
        return user.role if user else READER

    def can_edit(self, username: str | None) -> bool:
        return self.role(username) == EDITOR

    def check_password(self, username: str, password: str) -> bool:
        """Gradio's auth callback: compares in constant time."""
        user = self._by_name.get(username)
        return user is not None and hmac.compare_digest(user.password.encode(), password.encode())

    def describe(self) -> str:
        if self.read_only:
            return "This chat is read-only: nobody can change the collection from the page"
        if self.users:
            return "; ".join(f"{u.name} ({u.role})" for u in self.users)
        return "the local user is an editor" if self.local else \
            "Served on a network address without --auth, so nobody can change the collection from the page"


def access_from(auth: list[str] | None, env: str | None = None, read_only: bool = False,
                host: str = "127.0.0.1") -> Access:
    """Access from the command line's --auth values, else $NEWSDESK_AUTH (users separated by commas)."""
    specs = list(auth or []) or [s.strip() for s in (env or "").split(",") if s.strip()]
    return Access(tuple(parse_user(s) for s in specs), read_only, host in LOOPBACK_HOSTS)
