"""Boilerplate detection: site navigation and footer lines of scraped pages become excluded spans.

The article text itself is never changed. A line is boilerplate when it is short, does not end
like a sentence, contains at least one navigation word ("home", "subscribe", "comment", ...)
and consists only of navigation vocabulary and symbols ("Read more on the site →", "<< Home",
"Back to top    Go to home page clear"). Real headlines almost always carry a content word
outside that vocabulary, so they survive.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .model import Span

# Words that mark a line as navigation or page chrome.
_NAV_MARKERS = frozenset("""
read back top home homepage comment comments subscribe atom rss share print email e-mail login
logout sign newsletter follow related advertisement ad next previous older newer menu search skip
clear reply tweet news cookies privacy continue permalink
""".split())
# Words that may sit beside them in such lines.
_NAV_FILLER = frozenset("""
more to the on a an of our this here and or for us you your site website page post posts all go
click via link links main in up out story stories article articles view full text copy facebook content
twitter telegram vk whatsapp is newer policy terms use feed
""".split()) | _NAV_MARKERS
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
_SENTENCE_END = re.compile(r"[.!?\"'”’:;)]\s*$")
_MAX_NAV_WORDS = 12


def is_boilerplate(line: str) -> bool:
    """True when a whole line is site navigation or page chrome, not article content."""
    stripped = line.strip()
    if not stripped:
        return False
    words = [w.lower() for w in _WORD.findall(stripped)]
    if not words:  # symbols alone ("→", "|", "***")
        return len(stripped) <= 20
    if len(words) > _MAX_NAV_WORDS or _SENTENCE_END.search(stripped):
        return False
    return all(w in _NAV_FILLER for w in words) and any(w in _NAV_MARKERS for w in words)


def iter_lines(text: str) -> Iterator[Span]:
    """Spans of the non-blank lines of text, stripped of surrounding whitespace."""
    pos = 0
    for raw in text.split("\n"):
        lead = len(raw) - len(raw.lstrip())
        body = raw.strip()
        if body:
            yield Span(pos + lead, pos + lead + len(body))
        pos += len(raw) + 1


def find_boilerplate(text: str) -> tuple[Span, ...]:
    """The excluded spans of an article text: its boilerplate lines."""
    return tuple(s for s in iter_lines(text) if is_boilerplate(text[s.start:s.end]))


def content_lines(text: str, excluded: tuple[Span, ...]) -> list[Span]:
    """Line spans of text that are not excluded."""
    skip = {(s.start, s.end) for s in excluded}
    return [s for s in iter_lines(text) if (s.start, s.end) not in skip]
