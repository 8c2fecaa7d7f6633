"""The Ministry's abbreviations, other names and variant spellings (`equivalents.toml`).

Two uses: a query word also searches its equivalents (安保理 → 国連安全保障理事会),
and a readout's title names its counterparts by the names the filters show
(日豪外相会談 → 豪州).

May touch: its own equivalents.toml and analysis/normalize.
"""

from __future__ import annotations

import functools
import tomllib
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from readouts.indexer.analysis.normalize import fold

DATA = Path(__file__).with_name("equivalents.toml")
# More than this many other forms per query word are not searched.
MAX_EQUIVALENTS = 8


def _key(text: str) -> str:
    return "".join(fold(text).split())


@dataclass(frozen=True, slots=True)
class Equivalents:
    version: int
    sources: tuple[str, ...]
    groups: dict[str, tuple[str, ...]]  # folded form → every form of its group, as written
    variants: tuple[tuple[str, str], ...]  # (old or rare spelling, the usual one)
    counterparts: dict[str, str]  # folded form or one-character abbreviation → name
    abbreviations: dict[str, str]  # one character (豪) → name (豪州)

    def of(self, word: str) -> tuple[str, ...]:
        """The other forms a query word also searches, in the file's order.

        Never a single character, nor a form that holds the word or that it holds.
        """
        key = _key(word)
        found: list[str] = []
        seen = {key}
        for form in (*self.groups.get(key, ()), *self._respelled(word)):
            form_key = _key(form)
            # A form holding the word typed (普天間飛行場 for 普天間) finds nothing more;
            # one inside it (地位協定 for 日米地位協定) finds more than was meant.
            if form_key in seen or len(form_key) < 2 or key in form_key or form_key in key:
                continue
            seen.add(form_key)
            found.append(form)
        return tuple(found[:MAX_EQUIVALENTS])

    def _respelled(self, word: str) -> list[str]:
        forms = []
        applied: list[str] = []
        # Longest first: ヴェトナム is respelled by ヴェ → ベ, not also by ヴ → ブ.
        for old, usual in sorted(self.variants, key=lambda pair: -len(pair[0])):
            if old in word and not any(old in longer for longer in applied):
                forms.append(word.replace(old, usual))
                applied.append(old)
        return forms

    @property
    def count(self) -> int:
        """Equivalences in the file: groups of names and variant pairs."""
        return len({id(group) for group in self.groups.values()}) + len(self.variants)


@functools.cache
def load(path: Path = DATA) -> Equivalents:
    with path.open("rb") as file:
        data = tomllib.load(file)
    groups: dict[str, tuple[str, ...]] = {}
    counterparts: dict[str, str] = {}
    abbreviations: dict[str, str] = {}
    for entry in data.get("counterpart", ()):
        name = entry["name"]
        forms = (name, *entry.get("forms", ()))
        for form in forms:
            counterparts[_key(form)] = name
        for form in entry.get("english", ()):  # matched in titles word by word, spaces kept
            counterparts[unicodedata.normalize("NFKC", form).lower()] = name
        if abbreviation := entry.get("abbreviation"):
            abbreviations[abbreviation] = name
            forms = (*forms, abbreviation)
        _add_group(groups, forms)
    for entry in data.get("term", ()):
        _add_group(groups, tuple(entry["forms"]))
    variants = tuple((entry["pair"][0], entry["pair"][1]) for entry in data.get("variant", ()))
    return Equivalents(
        version=data["version"],
        sources=tuple(data["sources"]),
        groups=groups,
        variants=variants,
        counterparts=counterparts,
        abbreviations=abbreviations,
    )


def _add_group(groups: dict[str, tuple[str, ...]], forms: tuple[str, ...]) -> None:
    for form in forms:
        key = _key(form)
        if key in groups:
            raise ValueError(f"{DATA.name}: {form!r} is in two groups; merge them")
        groups[key] = forms
