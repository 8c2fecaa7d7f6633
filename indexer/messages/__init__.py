"""What readouts tells its user, in the user's language: Japanese when the locale is Japanese
(`LANG=ja_JP.UTF-8`; LANGUAGE, LC_ALL and LC_MESSAGES first, as gettext reads them), else
English. One catalogue (`catalogue.toml`) holds each message once, under a key, in both
languages; code asks for a message by its key and fills in its {fields}.

May touch: nothing but its catalogue and the environment it reads the locale from.
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path

LANGUAGES = ("en", "ja")
_LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    with (Path(__file__).with_name("catalogue.toml")).open("rb") as stream:
        return tomllib.load(stream)


def language() -> str:
    """ "ja" when the first locale variable set names Japanese, else "en"."""
    for name in _LOCALE_VARIABLES:
        value = os.environ.get(name, "")
        if value:
            return "ja" if value.split(":")[0].lower().startswith("ja") else "en"
    return "en"


def say(key: str, **fields: object) -> str:
    """The message `key` in the user's language, its {fields} filled in."""
    return catalogue()[key][language()].format(**fields)
