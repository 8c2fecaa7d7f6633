"""`readouts index` and `readouts info`: keeping the index current, safely."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest
from conftest import READOUTS, SAMPLES, SEED, SEED_ID, bulk_jsonl, hit_keys, info_counts, run, search_json

# Every behaviour here holds on both engines.
pytestmark = pytest.mark.usefixtures("engine")


def test_first_run_adds_and_second_run_skips(folder, tmp_path):
    first = run("index", folder, "--index-dir", tmp_path / "ix")
    assert first.exit_code == 0
    assert "added 1, updated 0, removed 0, unchanged 0, failed 0" in first.output
    second = run("index", folder, "--index-dir", tmp_path / "ix")
    assert "added 0, updated 0, removed 0, unchanged 1, failed 0" in second.output
    assert info_counts(tmp_path / "ix") == (1, 27)


def test_changed_readout_is_reindexed(folder, tmp_path):
    run("index", folder, "--index-dir", tmp_path / "ix")
    path = folder / SEED.name
    path.write_text(path.read_text("utf-8").replace("嘉手納以南", "辺野古以南"), "utf-8")
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert "added 0, updated 1, removed 0" in result.output
    assert search_json(tmp_path / "ix", "嘉手納")["total"] == 0
    assert hit_keys(search_json(tmp_path / "ix", "辺野古")) == [(SEED_ID, "1.(2)(イ)")]
    assert info_counts(tmp_path / "ix") == (1, 27)


def test_vanished_readout_is_removed(folder, tmp_path):
    shutil.copy(SAMPLES / "japan-uk-summit-2019.txt", folder)
    run("index", folder, "--index-dir", tmp_path / "ix")
    (folder / "japan-uk-summit-2019.txt").unlink()
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert "removed 1" in result.output
    assert search_json(tmp_path / "ix", "ＥＰＡ")["total"] == 0
    assert info_counts(tmp_path / "ix") == (1, 27)


def test_no_path_indexes_the_bundled_seeds(tmp_path):
    result = run("index", "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0
    assert info_counts(tmp_path / "ix") == (1, 27)


def test_index_dir_comes_from_the_environment(tmp_path):
    result = run("index", env={"READOUTS_INDEX_DIR": str(tmp_path / "env-ix")})
    assert result.exit_code == 0
    assert str(tmp_path / "env-ix") in result.output


def test_single_files_and_shift_jis_are_indexed(tmp_path):
    result = run("index", SAMPLES / "japan-uk-summit-2019.txt", "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0
    assert hit_keys(search_json(tmp_path / "ix", "日ＥＵ経済連携協定")) == [
        ("japan-uk-summit-2019", "1.(2)(イ)")
    ]


def test_jsonl_bulk_import(tmp_path):
    records = [
        {
            "id": "rec:1",
            "title": "外務委員会",
            "date": "2001-02-03",
            "text": "普天間の移設について。\n次の段落です。",
        },
        {"id": "rec:2", "title": "外務委員会", "date": None, "text": "拉致問題について。"},
    ]
    path = tmp_path / "bulk.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    assert run("index", path, "--index-dir", tmp_path / "ix").exit_code == 0
    hit = search_json(tmp_path / "ix", "普天間")["hits"][0]
    assert (hit["date"], hit["title"]) == ("2001-02-03", "外務委員会")
    assert hit["doc_id"].startswith("rec-1-")
    assert info_counts(tmp_path / "ix") == (2, 3)


BAD_FILES = {
    "empty.txt": (b"", "empty"),
    "binary.txt": (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
    "garbled.txt": (b"\xff\xfe\xfd\xfc" * 20, "neither UTF-8 nor Shift_JIS"),
    "title-only.txt": ("題名だけ\n".encode(), "no paragraphs"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_bad_file_is_named_and_skipped_while_the_rest_is_indexed(folder, tmp_path, name):
    data, reason = BAD_FILES[name]
    (folder / name).write_bytes(data)
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 1
    assert f"skipped {folder / name}:" in result.output
    assert reason in result.output
    assert "added 1," in result.output and "failed 1" in result.output
    assert "Traceback" not in result.output
    assert info_counts(tmp_path / "ix") == (1, 27)


def test_bad_jsonl_lines_are_named_with_their_line_numbers(tmp_path):
    path = tmp_path / "bulk.jsonl"
    path.write_text('{"id": "a", "text": "良い行。"}\nnot json\n{"id": "b"}\n', "utf-8")
    result = run("index", path, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 1
    assert f"skipped {path}:2: not a JSON object" in result.output
    assert f'skipped {path}:3: the record has no "text"' in result.output
    assert info_counts(tmp_path / "ix") == (1, 1)


def test_missing_path_is_reported(tmp_path):
    result = run("index", tmp_path / "nowhere", "--index-dir", tmp_path / "ix")
    assert result.exit_code == 1
    assert f"{tmp_path / 'nowhere'} does not exist: nothing was changed" in result.output


@pytest.mark.parametrize("make", ["missing", "unreadable"])
def test_missing_or_unreadable_folder_removes_nothing(folder, tmp_path, make):
    run("index", folder, "--index-dir", tmp_path / "ix")
    if make == "missing":
        folder = tmp_path / "not-mounted"
    else:
        folder.chmod(0)
        if os.access(folder, os.R_OK):
            folder.chmod(0o755)
            pytest.skip("running as a user who can read any folder")
    try:
        result = run("index", folder, "--index-dir", tmp_path / "ix")
    finally:
        if folder.exists():
            folder.chmod(0o755)
    assert result.exit_code == 1
    assert "nothing was changed" in result.output
    assert info_counts(tmp_path / "ix") == (1, 27)


def test_a_readout_that_turns_bad_keeps_its_previous_version(folder, tmp_path):
    run("index", folder, "--index-dir", tmp_path / "ix")
    (folder / SEED.name).write_bytes(b"")
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 1
    assert search_json(tmp_path / "ix", "普天間")["total"] == 1


def test_duplicate_document_ids_are_reported(folder, tmp_path):
    (folder / "sub").mkdir()
    shutil.copy(SEED, folder / "sub")
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 1
    assert "has the same document id" in result.output
    assert info_counts(tmp_path / "ix") == (1, 27)


@pytest.mark.parametrize(
    "change",
    [{"format": 0}, {"analyzer": {"fugashi": "1.5.2", "unidic-lite": "0.0.1"}}],
    ids=["older index format", "another dictionary"],
)
def test_incompatible_index_says_to_rebuild(folder, tmp_path, change):
    run("index", folder, "--index-dir", tmp_path / "ix")
    meta = next((tmp_path / "ix").glob("index-*/readouts-index.json"))
    meta.write_text(json.dumps({**json.loads(meta.read_text("utf-8")), **change}), "utf-8")
    for args in (("search", "日米"), ("index", folder)):
        result = run(*args, "--index-dir", tmp_path / "ix")
        assert result.exit_code == 1
        assert "run `readouts index --rebuild" in result.output
    rebuilt = run("index", folder, "--rebuild", "--index-dir", tmp_path / "ix")
    assert rebuilt.exit_code == 0
    assert search_json(tmp_path / "ix", "普天間")["total"] == 1


def test_rebuild_replaces_the_index_and_cleans_up(folder, tmp_path):
    run("index", folder, "--index-dir", tmp_path / "ix")
    for _ in range(3):
        assert run("index", folder, "--rebuild", "--index-dir", tmp_path / "ix").exit_code == 0
    assert len(list((tmp_path / "ix").glob("index-*"))) == 2  # current and previous
    assert info_counts(tmp_path / "ix") == (1, 27)


def test_info_prints_versions_and_counts(index_dir):
    output = run("info", "--index-dir", index_dir).output
    for expected in (
        "readouts:   4",
        "paragraphs: 46",
        "Whoosh-Reloaded 2.7.5",
        "fugashi:      1.5.2",
        "unidic-lite 1.0.8",
    ):
        assert expected in output


def test_only_one_whoosh_distribution_is_installed(tmp_path):
    output = run("info", "--index-dir", tmp_path / "none").output
    assert "\nwhoosh:       Whoosh-Reloaded 2.7.5\n" in output


# --- concurrency and crashes: real processes -----------------------------------


def test_second_indexer_waits_for_the_first(folder, tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from readouts.indexer.index.store import writer_lock\n"
            "with writer_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(3)",
            str(tmp_path / "ix"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout.readline().strip() == "held"
    started = time.monotonic()
    waiting = subprocess.run(
        [READOUTS, "index", str(folder), "--index-dir", str(tmp_path / "ix")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    holder.wait(timeout=10)
    holder.stdout.close()
    assert "is writing to" in waiting.stderr and "waiting for it to finish" in waiting.stderr
    assert waiting.returncode == 0
    assert time.monotonic() - started > 1
    assert info_counts(tmp_path / "ix") == (1, 27)


@pytest.mark.parametrize(
    ("delay", "workers"), [(0.2, 1), (0.7, 1), (1.2, 1), (1.8, 1), (2.6, 1), (0.7, 2), (1.5, 2), (2.4, 2)]
)
def test_kill_9_while_indexing_leaves_a_consistent_index(folder, tmp_path, delay, workers):
    index = tmp_path / "ix"
    run("index", folder, "--index-dir", index)
    bulk = bulk_jsonl(tmp_path / "bulk.jsonl", records=600, paragraphs=4)
    env = {**os.environ, "READOUTS_COMMIT_EVERY": "75"}
    args = [READOUTS, "index", str(folder), str(bulk), "--index-dir", str(index), "--workers", str(workers)]
    process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    process.send_signal(signal.SIGKILL)
    process.wait()
    readouts, paragraphs = info_counts(index)
    # Every readout is whole: the seed's 27 paragraphs plus 4 per bulk record.
    assert paragraphs == 27 + 4 * (readouts - 1)
    assert search_json(index, "普天間飛行場")["total"] == 1
    finished = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert info_counts(index) == (601, 27 + 2400)
    assert search_json(index, "記録599の第3段落")["total"] == 1


def test_progress_bar_on_a_terminal_only(tmp_path):
    bulk = bulk_jsonl(tmp_path / "bulk.jsonl", records=250, paragraphs=1)
    command = f"{READOUTS} index {bulk} --index-dir {tmp_path / 'ix'} --workers 1"
    # `script` runs the command on a pseudo-terminal, as a user's shell would.
    on_terminal = subprocess.run(
        ["script", "-q", "-e", "-c", command, str(tmp_path / "typescript")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert on_terminal.returncode == 0
    assert "indexing" in on_terminal.stdout and "100%" in on_terminal.stdout
    piped = subprocess.run([*command.split(), "--rebuild"], capture_output=True, text=True, timeout=120)
    assert "indexing" not in piped.stderr + piped.stdout
    assert "added 250" in piped.stdout


def test_index_whose_first_run_found_nothing_accepts_readouts_later(folder, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert run("index", empty, "--index-dir", tmp_path / "ix").exit_code == 0
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0, result.output
    assert "added 1" in result.output
    assert info_counts(tmp_path / "ix") == (1, 27)


@pytest.mark.parametrize("damage", ["truncated", "malformed line"])
def test_damaged_bulk_file_keeps_every_readout_indexed_from_it(tmp_path, damage):
    import lzma

    bulk = bulk_jsonl(tmp_path / "bulk.jsonl", 200)
    packed = tmp_path / "bulk.jsonl.xz"
    packed.write_bytes(lzma.compress(bulk.read_bytes()))
    bulk.unlink()
    run("index", packed, "--index-dir", tmp_path / "ix")
    assert info_counts(tmp_path / "ix") == (200, 800)
    if damage == "truncated":
        packed.write_bytes(packed.read_bytes()[: packed.stat().st_size // 2])
    else:
        lines = lzma.decompress(packed.read_bytes()).split(b"\n")
        lines[150] = b'{"id": "r150", "text": '  # cut off in the middle of the record
        packed.write_bytes(lzma.compress(b"\n".join(lines)))
    result = run("index", packed, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 1
    assert "removed 0" in result.output
    assert info_counts(tmp_path / "ix") == (200, 800)


def test_bulk_line_longer_than_the_limit_is_refused_without_reading_it_whole(tmp_path, monkeypatch):
    from readouts.indexer.parse import sources

    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1000)
    bulk = tmp_path / "bulk.jsonl"
    bulk.write_text(
        json.dumps({"id": "long", "text": "長" * 5000})
        + "\n"
        + json.dumps({"id": "short", "text": "普天間。"})
        + "\n",
        "utf-8",
    )
    read_sizes = []
    original = sources._lines_bounded

    def spy(stream):
        for line in original(stream):
            read_sizes.append(0 if line is None else len(line))
            yield line

    monkeypatch.setattr(sources, "_lines_bounded", spy)
    found = list(sources.find_sources([bulk]))
    assert [type(item).__name__ for item in found] == ["SourceError", "Source"]
    assert "longer than" in found[0].reason and found[1].doc_id == "short"
    assert max(read_sizes) <= 1001


@pytest.mark.parametrize("order", ["a first", "b first"])
def test_duplicate_ids_keep_the_file_first_in_path_order_whatever_the_argument_order(tmp_path, order):
    for name, word in [("a", "普天間"), ("b", "嘉手納")]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "same.txt").write_text(
            f"日米首脳会談\n平成25年2月22日\n両首脳は{word}について協議した。\n", "utf-8"
        )
    folders = [tmp_path / "a", tmp_path / "b"]
    if order == "b first":
        folders.reverse()
    result = run("index", *folders, "--index-dir", tmp_path / "ix")
    assert (
        f"skipped {tmp_path / 'b' / 'same.txt'}: has the same document id 'same' as {tmp_path / 'a' / 'same.txt'}"
        in result.output
    )
    assert hit_keys(search_json(tmp_path / "ix", "普天間")) == [("same", "前文")]
    assert search_json(tmp_path / "ix", "嘉手納")["total"] == 0


def test_info_names_the_engine_of_the_index(folder, tmp_path, engine):
    run("index", folder, "--index-dir", tmp_path / "ix")
    version = __import__("importlib.metadata").metadata.version
    expected = {
        "whoosh": f"Whoosh-Reloaded {version('whoosh-reloaded')}",
        "tantivy": f"tantivy {version('tantivy')}",
    }
    assert f"engine:     {expected[engine]}" in run("info", "--index-dir", tmp_path / "ix").output


def test_tantivy_stores_records_in_small_blocks(folder, tmp_path):
    """A page of results reads one compressed block per result: a small one."""
    run("index", folder, "--index-dir", tmp_path / "ix", "--engine", "tantivy")
    meta = json.loads((tmp_path / "ix" / "current" / "meta.json").read_text("utf-8"))
    assert meta["index_settings"]["docstore_blocksize"] == 2048
    assert meta["segments"], "records were written"


def test_tantivy_writes_an_import_as_one_segment(folder, tmp_path):
    """Every segment costs each search a look-up per term: one writer thread, one segment a round."""
    run("index", folder, "--index-dir", tmp_path / "ix", "--engine", "tantivy")
    meta = json.loads((tmp_path / "ix" / "current" / "meta.json").read_text("utf-8"))
    assert len(meta["segments"]) == 1


def test_another_engine_on_an_existing_index_asks_for_a_rebuild(folder, tmp_path, engine):
    run("index", folder, "--index-dir", tmp_path / "ix")
    other = "tantivy" if engine == "whoosh" else "whoosh"
    result = run("index", folder, "--index-dir", tmp_path / "ix", "--engine", other)
    assert result.exit_code == 1
    assert f"was built with {engine}, not {other}" in result.output
    assert f"--rebuild --engine {other}" in result.output
    rebuilt = run("index", folder, "--index-dir", tmp_path / "ix", "--engine", other, "--rebuild")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert hit_keys(search_json(tmp_path / "ix", "普天間")) == [(SEED_ID, "1.(2)(イ)")]
    assert other in run("info", "--index-dir", tmp_path / "ix").output.lower()


def _age(path, seconds: int = 3600) -> None:
    """Date a file back, as a file that has not been touched for a while."""
    then = time.time_ns() - seconds * 1_000_000_000
    os.utime(path, ns=(then, then))


def test_a_new_readout_beside_an_unchanged_bulk_file_is_added(tmp_path, engine):
    bulk = bulk_jsonl(tmp_path / "bulk.jsonl", 20)
    _age(bulk)
    folder = tmp_path / "new"
    folder.mkdir()
    run("index", bulk, folder, "--index-dir", tmp_path / "ix")
    shutil.copy(SEED, folder)
    result = run("index", bulk, folder, "--index-dir", tmp_path / "ix")
    assert "added 1, updated 0, removed 0, unchanged 20" in result.output
    assert search_json(tmp_path / "ix", "記録7の第2段落")["total"] == 1
    assert search_json(tmp_path / "ix", "普天間")["total"] == 20 * 4 + 1


def test_a_bulk_file_edited_without_a_new_size_or_time_is_read_again(tmp_path, engine):
    bulk = bulk_jsonl(tmp_path / "bulk.jsonl", 20)
    _age(bulk)
    run("index", bulk, "--index-dir", tmp_path / "ix")
    before = bulk.stat()
    # Same length in characters and bytes, and the old modification time put back
    # (as `cp -p` or rsync would): only the change time tells.
    old, new = (json.dumps(f"記録7の第2段落。{words}")[1:-1] for words in ("日米同盟", "辺野古沖"))
    text = bulk.read_text("utf-8")
    assert text.count(old) == 1
    bulk.write_text(text.replace(old, new), "utf-8")
    os.utime(bulk, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert bulk.stat().st_size == before.st_size
    result = run("index", bulk, "--index-dir", tmp_path / "ix")
    assert "updated 1" in result.output
    assert search_json(tmp_path / "ix", "辺野古")["total"] == 1


# --- a quiet, controllable indexer --------------------------------------------------

PRESS_CONFERENCE = "外務大臣会見記録\n令和5年1月10日\n(問)日米関係について伺います。\n(答)重要です。\n(問)もう一点。\n(答)以上です。\n"


def test_a_folder_with_a_page_that_is_not_a_readout_exits_0_every_time(folder, tmp_path):
    (folder / "kaiken.txt").write_text(PRESS_CONFERENCE, "utf-8")
    for _ in range(2):  # as a cron job runs it, minute after minute
        result = run("index", folder, "--index-dir", tmp_path / "ix")
        assert result.exit_code == 0, result.output
        assert (
            f"note: left out {folder / 'kaiken.txt'}: this is a press-conference transcript" in result.output
        )
        assert "failed 0, not readouts 1" in result.output


def test_a_file_that_cannot_be_read_exits_1(folder, tmp_path):
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02 binary")
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 1
    assert f"skipped {folder / 'broken.txt'}: this is a binary file" in result.output


def test_a_mistake_on_the_command_line_exits_2(folder, tmp_path):
    assert run("index", folder, "--index-dir", tmp_path / "ix", "--workers", "0").exit_code == 2


@pytest.mark.parametrize("pattern", ["drafts/", "*.draft.txt", "/drafts/*.txt"])
def test_a_readoutsignore_file_leaves_files_out(folder, tmp_path, pattern):
    drafts = folder / "drafts"
    drafts.mkdir()
    shutil.copy(SAMPLES / "japan-uk-summit-2019.txt", drafts / "copy.draft.txt")
    (folder / ".readoutsignore").write_text(f"# not for the index\n{pattern}\n", "utf-8")
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0
    assert "added 1," in result.output


def test_a_readoutsignore_pattern_added_later_removes_what_it_matches(folder, tmp_path):
    shutil.copy(SAMPLES / "japan-uk-summit-2019.txt", folder / "second.txt")
    assert "added 2," in run("index", folder, "--index-dir", tmp_path / "ix").output
    (folder / ".readoutsignore").write_text("second.txt\n", "utf-8")
    assert "removed 1," in run("index", folder, "--index-dir", tmp_path / "ix").output


def test_exclude_leaves_files_out(folder, tmp_path):
    shutil.copy(SAMPLES / "japan-uk-summit-2019.txt", folder / "second.txt")
    result = run(
        "index", folder, "--index-dir", tmp_path / "ix", "--exclude", "second.*", "--exclude", "*.pdf"
    )
    assert result.exit_code == 0
    assert "added 1," in result.output


PRESS_CONFERENCE = (
    "外務大臣会見記録\n令和7年1月10日\n"
    "(問)日米首脳会談の成果についてお聞きしたい。\n"
    "(大臣)同盟の抑止力を一層強化することで一致した。\n"
    "(問)関税措置についてはどうか。\n"
    "(大臣)引き続き協議していく。\n"
)


@pytest.fixture
def with_press_conference(folder):
    (folder / "kaiken.txt").write_text(PRESS_CONFERENCE, "utf-8")
    return folder


def test_a_press_conference_is_left_out_with_a_note(with_press_conference, tmp_path):
    result = run("index", with_press_conference, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0
    assert (
        f"note: left out {with_press_conference / 'kaiken.txt'}: this is a press-conference" in result.output
    )
    assert search_json(tmp_path / "ix", "関税措置")["total"] == 0


def test_force_indexes_a_press_conference_as_plain_paragraphs(with_press_conference, tmp_path):
    page = with_press_conference / "kaiken.txt"
    result = run("index", with_press_conference, "--index-dir", tmp_path / "ix", "--force", page)
    assert result.exit_code == 0, result.output
    assert f"warning {page}: indexed as plain paragraphs (--force), although this is a press-conference" in (
        result.output
    )
    hits = search_json(tmp_path / "ix", "関税措置")["hits"]
    assert [(hit["doc_id"], hit["category"], hit["date"]) for hit in hits] == [
        ("kaiken", "外務大臣会見記録", "2025-01-10")
    ]


def test_a_forced_page_stays_indexed_by_later_runs_without_force(with_press_conference, tmp_path):
    page = with_press_conference / "kaiken.txt"
    run("index", with_press_conference, "--index-dir", tmp_path / "ix", "--force", page)
    result = run("index", with_press_conference, "--index-dir", tmp_path / "ix")
    assert "unchanged 2," in result.output
    assert search_json(tmp_path / "ix", "関税措置")["total"] == 1


def test_force_on_a_file_outside_the_paths_indexed_is_a_usage_error(with_press_conference, tmp_path):
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text(PRESS_CONFERENCE, "utf-8")
    result = run("index", with_press_conference, "--index-dir", tmp_path / "ix", "--force", elsewhere)
    assert result.exit_code == 2
    assert f"{elsewhere} is not under the paths indexed" in result.output
    assert not (tmp_path / "ix").exists()
