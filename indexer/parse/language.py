"""Which language a readout is written in: Japanese (ja) or English (en). A saved page's
`<html lang>` says it where it is set; else its letters do, a text being Japanese when at
least a tenth of them are kana or kanji (an English readout quotes few Japanese names, a
Japanese one many Latin ones: "President of the United States").

May touch: nothing; pure functions of text.
"""

from __future__ import annotations

import re

LANGUAGES = ("ja", "en")
LANGUAGE_NAMES = {"ja": "日本語", "en": "英語"}  # as the pages name them
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")
_LATIN = re.compile(r"[A-Za-z]")


def declared_language(value: str) -> str:
    """The language a `lang` attribute names ("en-US" → "en"), if one of ours, else ""."""
    code = value.strip().lower()[:2]
    return code if code in LANGUAGES else ""


def language_of(text: str, declared: str = "") -> str:
    if declared_language(declared):
        return declared_language(declared)
    japanese = len(_JAPANESE.findall(text))
    latin = len(_LATIN.findall(text))
    return "ja" if japanese * 10 >= japanese + latin or latin == 0 else "en"
