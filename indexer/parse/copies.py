"""Whether two readouts are copies of one page, and which copy is the better one to keep.

Two sources are one readout when they name the same web address (a page saved twice, a
`.txt` with its `.url` sidecar and the saved HTML) or hold the same text once widths,
case and white space are set aside, whatever their file names. A short text (a sentence
or two, which two different readouts could share) is the same only with the same title
and date too. Of the copies, the one kept has a title, then a date, then is not cut off,
then is the longer; equal ones are decided by where they came from (path order).

May touch: nothing; pure functions of a parsed readout.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from urllib.parse import urlsplit, urlunsplit

from readouts.indexer.parse.readout import Readout

# Below this many characters of body text, the title and date take part in a copy's text key.
SHORT_TEXT = 200

_SPACE = re.compile(r"\s+")


def page_address(url: str) -> str:
    """A web address as compared for copies: http and https, the host's case, a default port
    and the fragment make no difference."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.port not in (None, 80, 443):
        host = f"{host}:{parts.port}"
    return urlunsplit(("https", host, parts.path or "/", parts.query, ""))


def _plain(text: str) -> str:
    return _SPACE.sub("", unicodedata.normalize("NFKC", text)).lower()


def copy_of(readout: Readout) -> tuple[tuple[str, ...], tuple[int, int, int, int]]:
    """What a copy of the same readout shares with it (`url:` its address, `text:` its text),
    and how good a copy it is: higher is titled, dated, whole (not cut off), longer (in
    characters other than white space)."""
    body = "".join(_plain(paragraph.text) for paragraph in readout.paragraphs)
    rank = (int(bool(readout.title)), int(readout.date is not None), int(not readout.excerpt), len(body))
    if len(body) < SHORT_TEXT:
        date = readout.date.isoformat() if readout.date else ""
        body = f"{_plain(readout.title)}\x00{date}\x00{body}"
    keys = [f"text:{hashlib.sha256(body.encode('utf-8')).hexdigest()[:32]}"]
    if readout.source_url:
        keys.insert(0, f"url:{page_address(readout.source_url)}")
    return tuple(keys), rank
