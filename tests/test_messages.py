"""Messages in the user's language: one catalogue, English or Japanese by the locale."""

from __future__ import annotations

import re
import shutil
import string
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, run

from readouts.indexer.messages import LANGUAGES, catalogue

CATALOGUE = catalogue()
CODE = [*sorted((ROOT / "indexer").rglob("*.py")), *sorted((ROOT / "webapp").glob("*.py"))]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _keys_used() -> tuple[set[str], set[str]]:
    """Keys asked for by name, and prefixes of keys asked for by a formatted name."""
    named, prefixes = set(), set()
    for path in CODE:
        text = path.read_text("utf-8")
        named |= set(re.findall(r'\bsay\(\s*"([a-z_]+)"', text))
        prefixes |= set(re.findall(r'\bsay\(\s*f"([a-z_]+)\{', text))
    return named, prefixes


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_every_message_says_the_same_things_in_both_languages(key):
    entry = CATALOGUE[key]
    assert sorted(entry) == sorted(LANGUAGES)
    assert _fields(entry["en"]) == _fields(entry["ja"])


def test_every_message_asked_for_is_in_the_catalogue():
    named, _ = _keys_used()
    assert named - set(CATALOGUE) == set()


def test_every_message_in_the_catalogue_is_asked_for():
    named, prefixes = _keys_used()
    unused = {key for key in CATALOGUE if key not in named and not key.startswith(tuple(prefixes))}
    assert unused == set()


@pytest.fixture
def folder_with_faults(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / "japan-uk-summit-2019.txt", folder / "uk.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "kaiken.txt").write_text(
        "会見記録\n(問)一つ目の質問。\n(大臣)答え。\n(問)二つ目の質問。\n", "utf-8"
    )
    return folder


LOCALES = [
    ({"LANG": "ja_JP.UTF-8"}, ["追加 1、", "スキップ ", "ファイルが空です", "記者会見の記録"]),
    ({"LANG": "C.UTF-8", "LC_ALL": "ja_JP.UTF-8"}, ["追加 1、", "ファイルが空です"]),
    ({"LANG": "ja_JP.UTF-8", "LANGUAGE": "en_US"}, ["added 1,", "the file is empty"]),
    ({"LANG": "en_US.UTF-8"}, ["added 1,", "skipped ", "the file is empty", "press-conference transcript"]),
    ({"LANG": "C.UTF-8"}, ["added 1,", "the file is empty"]),
]


@pytest.mark.parametrize(("env", "expected"), LOCALES, ids=lambda value: str(value))
def test_the_indexer_speaks_the_language_of_the_locale(folder_with_faults, tmp_path, env, expected):
    result = run("index", folder_with_faults, "--index-dir", tmp_path / "ix", env=env)
    assert result.exit_code == 1
    for phrase in expected:
        assert phrase in result.output


def test_an_index_problem_is_told_in_japanese_under_a_japanese_locale(tmp_path):
    result = run("search", "日米", "--index-dir", tmp_path / "none", env={"LANG": "ja_JP.UTF-8"})
    assert f"{tmp_path / 'none'} に索引がありません" in result.output
