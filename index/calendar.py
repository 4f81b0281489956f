"""Calendar words and how a date is shown to a person, written once."""
from __future__ import annotations

import re

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_ISO = re.compile(r"(\d{4}|-)-(\d{2})-(\d{2})(?:T(\d{2}:\d{2}))?")


def display_date(iso: str | None, undated: str = "undated") -> str:
    """"2022-01-10T23:10" -> "10 January 2022, 23:10"; "--01-25" -> "25 January, year not stated"."""
    if not iso:
        return undated
    m = _ISO.fullmatch(iso)
    if not m:
        return iso
    year, month, day, time = m.groups()
    text = f"{int(day)} {MONTHS[int(month) - 1]}"
    text += ", year not stated" if year == "-" else f" {year}"
    return f"{text}, {time}" if time else text
