"""One copy of each readout: copies of one page (same web address, or same text) are indexed
once, the better copy kept; different readouts of one day stay apart."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from conftest import ROOT, SEED, SEED_ID, info_counts, run, search_json

pytestmark = pytest.mark.usefixtures("engine")

MOFA_WEB = ROOT.parent / "shared" / "samples" / "mofa-web"
ALT_PAIRS = {
    "mofa-page1_000601": "mofa-page1_000601-alt",
    "mofa-g8_04-ju_kaidan_g": "mofa-g8_04-ju_kaidan_g-alt",
}


def _readout(title: str, date: str, body: str) -> str:
    return f"{title}\n\n{date}\n\n1．概要\n{body}\n"


def _doc_ids(index_dir) -> set[str]:
    data = search_json(index_dir, "会談", extra=("--limit", "100"))
    return {hit["doc_id"] for hit in data["hits"]}


@pytest.fixture
def dev_set_with_addresses(tmp_path):
    """The real pages, each with the address the README's table gives it in a .url sidecar,
    as a user who saved them from the Ministry's site would keep it."""
    if not MOFA_WEB.is_dir():
        pytest.skip(f"the real pages are read from {MOFA_WEB}, which this clone does not have")
    folder = tmp_path / "pages"
    folder.mkdir()
    table = (MOFA_WEB / "README.md").read_text("utf-8")
    for name, url in re.findall(r"^\| (mofa-[^ ]+)\.txt \| (https?://\S+) \|", table, re.M):
        shutil.copy(MOFA_WEB / f"{name}.txt", folder)
        (folder / f"{name}.url").write_text(url + "\n", "utf-8")
    return folder


def test_each_alt_pair_of_the_dev_set_is_indexed_once_keeping_the_copy_with_title_and_date(
    dev_set_with_addresses, tmp_path
):
    result = run("index", dev_set_with_addresses, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0, result.output
    for kept, alt in ALT_PAIRS.items():
        assert (
            f"note: left out {dev_set_with_addresses / alt}.txt: a copy (the same web address) of "
            f"{dev_set_with_addresses / kept}.txt, which is indexed" in result.output
        )
        data = search_json(tmp_path / "ix", "--doc", kept, "日本")
        assert data["total"] > 0
        assert search_json(tmp_path / "ix", "--doc", alt, "日本")["total"] == 0
    assert "copies 2 " in result.output


def test_the_same_text_under_two_names_is_indexed_once(folder, tmp_path):
    text = SEED.read_text("utf-8")
    # Saved again: other file name, full-width digits and spaces, Windows line ends.
    (folder / "saved-again.txt").write_text(
        text.replace("1", "１").replace("\n", "\r\n").replace("。", "。 "), "utf-8"
    )
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0, result.output
    assert f"note: left out {folder / 'saved-again.txt'}: a copy (the same text) of {folder / SEED.name}" in (
        result.output
    )
    assert info_counts(tmp_path / "ix") == (1, 27)


def test_two_readouts_with_the_same_title_and_date_but_different_text_both_stay(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "call.txt").write_text(
        _readout("日米首脳会談", "令和5年1月13日", "岸田総理はバイデン大統領と電話で会談した。" * 3), "utf-8"
    )
    (folder / "meeting.txt").write_text(
        _readout(
            "日米首脳会談", "令和5年1月13日", "岸田総理はバイデン大統領とホワイトハウスで会談した。" * 3
        ),
        "utf-8",
    )
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert "copies 0 " in result.output
    assert _doc_ids(tmp_path / "ix") == {"call", "meeting"}


def test_short_readouts_with_the_same_text_but_other_titles_both_stay(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    body = "両首脳は会談を行った。"
    (folder / "a.txt").write_text(_readout("日米首脳会談", "令和5年1月13日", body), "utf-8")
    (folder / "b.txt").write_text(_readout("日英首脳会談", "令和5年1月13日", body), "utf-8")
    run("index", folder, "--index-dir", tmp_path / "ix")
    assert _doc_ids(tmp_path / "ix") == {"a", "b"}


def test_a_better_copy_arriving_later_takes_the_place_of_the_indexed_one(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    url = "https://www.mofa.go.jp/mofaj/na/na1/us/page4_000001.html"
    (folder / "z-undated.txt").write_text(
        f"{url}\n日米首脳会談\n\n1．概要\n両首脳は会談を行った。\n", "utf-8"
    )
    run("index", folder, "--index-dir", tmp_path / "ix")
    assert _doc_ids(tmp_path / "ix") == {"z-undated"}
    (folder / "a-dated.txt").write_text(
        f"{url.replace('https', 'http')}\n日米首脳会談\n\n令和5年1月13日\n\n1．概要\n両首脳は会談を行った。\n",
        "utf-8",
    )
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert "added 1, updated 0, removed 1," in result.output
    assert f"note: left out {folder / 'z-undated.txt'}: a copy (the same web address) of" in result.output
    assert _doc_ids(tmp_path / "ix") == {"a-dated"}
    # The kept copy gone, the other one is indexed again.
    (folder / "a-dated.txt").unlink()
    run("index", folder, "--index-dir", tmp_path / "ix")
    assert _doc_ids(tmp_path / "ix") == {"z-undated"}


def test_a_bulk_record_with_the_address_of_an_indexed_page_is_a_copy(folder, tmp_path):
    url = "https://www.mofa.go.jp/mofaj/na/na1/us/page4_000002.html"
    (folder / SEED.with_suffix(".url").name).write_text(url, "utf-8")
    record = {"id": "bulk-1", "title": "日米首脳会談", "date": "2001-01-01", "text": "短い写し。", "url": url}
    (folder / "more.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert f"note: left out {folder / 'more.jsonl'}:1: a copy (the same web address) of" in result.output
    assert info_counts(tmp_path / "ix")[0] == 1
    assert search_json(tmp_path / "ix", "普天間")["hits"][0]["doc_id"] == SEED_ID
