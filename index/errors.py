"""The one error base of newsdesk.

Every error a user can cause (a bad path, a missing or damaged index, a filter that cannot be read, a
page that cannot be fetched) is a NewsdeskError whose message is one sentence that says what to do. The
CLI prints it as one line and exits 2; the chat shows it in place of an answer. Anything else reaching a
front end is a bug and is reported as such.
"""
from __future__ import annotations


class NewsdeskError(Exception):
    """An error the user can act on; str(e) is one line."""

    def __str__(self) -> str:
        text = super().__str__()
        return text.splitlines()[0] if text else type(self).__name__


class UsageError(NewsdeskError, ValueError):
    """A command, option or value that cannot be used as given."""


class MissingPath(NewsdeskError, FileNotFoundError):
    """A file or folder the user named is not there."""


class BuildError(NewsdeskError):
    """The build cannot go ahead (nothing to index, another build running)."""
