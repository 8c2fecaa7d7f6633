"""Where a readout was published: a web address is kept only when it is one (http or https), so
that a link to it is safe to show; a `.txt` readout may carry it on a line of its own.

May touch: nothing; pure functions of text.
"""

from __future__ import annotations

import re

_WEB_URL = re.compile(r"https?://[^\s<>\"'\u3000]+")


def web_url(value: str) -> str:
    """The value if it is a whole http(s) address, else ""."""
    value = value.strip()
    return value if _WEB_URL.fullmatch(value) else ""


def url_line(text: str) -> tuple[str, str]:
    """A text without the first line that is only a web address (`URL: …` too), and that address."""
    lines = text.split("\n")
    for number, line in enumerate(lines):
        url = web_url(re.sub(r"^(?:URL|url|出典|掲載元)\s*[:：]\s*", "", line.strip()))
        if url:
            return "\n".join(lines[:number] + lines[number + 1 :]), url
    return text, ""
