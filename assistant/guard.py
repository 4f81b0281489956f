"""What answering tells the user about its own limits: a question cut to what the reader can take, a
question in a language the collection is not searched in, and a failure turned into one clear line."""
from __future__ import annotations

import dataclasses
import logging
import unicodedata

from index.errors import NewsdeskError

from .answer import Answer

log = logging.getLogger(__name__)
ENGLISH_ONLY = ("The collection is searched in English, and this question is not in English: "
                "please ask it in English, spelling names as the articles do, e.g. Ryabkov or Geneva.")
# These end the process on purpose; everything else raised inside answering is a failure to report.
_LEAVE = (KeyboardInterrupt, SystemExit, GeneratorExit)


class AnsweringError(NewsdeskError, ValueError):
    """Answering failed; the message is the one line a user sees."""


def reader_note(reader: object, text: str) -> str | None:
    """A note when the reader cannot take the whole question (it reads only its first part)."""
    fit = getattr(reader, "fit_question", None)
    if fit is None:
        return None
    kept = len(fit(text))
    if kept >= len(text):
        return None
    return f"the reader took only the first {kept:,} characters of the question"


def latin_share(text: str) -> float:
    """The share of the text's letters that are Latin script (1.0 for a text without letters)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    latin = sum(1 for c in letters if "LATIN" in unicodedata.name(c, ""))
    return latin / len(letters)


def is_foreign_script(text: str) -> bool:
    """Mostly letters of another script (Cyrillic, Greek, Arabic, CJK, ...): not an English question."""
    return latin_share(text) < 0.5


def with_language_note(answer: Answer) -> Answer:
    """An abstention on a question in another script says that the collection is searched in English;
    an answer found anyway is left as it is."""
    if not answer.abstained or not is_foreign_script(answer.question):
        return answer
    note = ENGLISH_ONLY if not answer.note or not answer.query else f"{ENGLISH_ONLY} ({answer.note})"
    return dataclasses.replace(answer, note=note)


def failure_message(error: BaseException) -> str:
    """The one line a user sees when answering failed; the details go to the log."""
    return ("Something went wrong while answering this question, so it has no answer "
            f"(internal error: {type(error).__name__}); you can ask another question.")


def clean_text(text: str) -> str:
    """The text with lone surrogates (undecodable bytes from a command line) replaced by "?": tokenizers
    refuse them."""
    return text.encode("utf-8", "replace").decode("utf-8") if text and any("\ud800" <= c <= "\udfff" for c in text) else text


def is_failure(error: BaseException) -> bool:
    """A failure to report (anything but an intended exit), including the tokenizer's Rust panics,
    which derive from BaseException."""
    return not isinstance(error, _LEAVE)


def ask_guarded(assistant, question: str, conversation=None, filters=None, settings=None) -> Answer:
    """assistant.ask; a bad filter keeps its ValueError, any other failure inside answering becomes a
    one-line AnsweringError (the details go to the log)."""
    from index.store_api import Filters

    try:
        return assistant.ask(question, conversation, filters or Filters(), settings)
    except ValueError:
        raise
    except BaseException as e:  # the tokenizer's Rust panics are BaseExceptions
        if not is_failure(e):
            raise
        log.debug("answering failed", exc_info=True)
        raise AnsweringError(failure_message(e)) from None
