"""Adversarial input, faults and load: never a 500, never a traceback, never lost data."""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import threading
import time
import urllib.parse
import urllib.request

import pytest
from conftest import READOUTS, SEED, SEED_ID, bulk_jsonl, info_counts, run, search_json
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from readouts.indexer.parse.readout import ReadoutError, parse_readout
from readouts.indexer.parse.sources import SourceError, decode
from readouts.webapp.library import close_library

# Every behaviour here holds on both engines.
pytestmark = pytest.mark.usefixtures("engine")

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# --- queries ---------------------------------------------------------------------

OPERATORS = st.sampled_from(
    [
        '"',
        "「",
        "」",
        "“",
        "”",
        "OR",
        "NOT",
        "AND",
        "-",
        "－",
        "ＯＲ",
        "(",
        ")",
        "*",
        "?",
        "\\",
        "\u3000",
        " ",
    ]
)
WORDS = st.sampled_from(["日米", "同盟", "普天間", "TPP", "ＴＰＰ", "win-win", "の", "米", "述べた", "a"])
QUERY_TEXT = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(OPERATORS, WORDS), max_size=30).map("".join),
    st.lists(st.one_of(OPERATORS, WORDS), max_size=30).map(" ".join),
)


def _bounded(client, path: str):
    started = time.monotonic()
    response = client.get(path)
    elapsed = time.monotonic() - started
    assert response.status_code in (200, 400), (path, response.status_code)
    # A hang guard, not a speed claim: any query on this index returns in well under this.
    assert elapsed < 10, (path, elapsed)
    return response


@FUZZ
@given(text=QUERY_TEXT)
def test_fuzzed_queries_never_fail(client, text):
    encoded = urllib.parse.quote(text, safe="")
    for path in (f"/api/search?q={encoded}", f"/search?q={encoded}", f"/search.atom?q={encoded}"):
        _bounded(client, path)


@FUZZ
@given(raw=st.binary(max_size=60))
def test_raw_percent_encoded_bytes_never_fail(client, raw):
    # Lone surrogates (%ED%A0%80), overlong forms, invalid UTF-8, NULs, controls.
    encoded = "".join(f"%{byte:02X}" for byte in raw)
    for path in (
        f"/api/search?q={encoded}",
        f"/search?q={encoded}&page={encoded}",
        f"/docs/{encoded or 'x'}?q={encoded}",
    ):
        response = client.get(path)
        assert response.status_code in (200, 400, 404), (path, response.status_code)


@pytest.mark.parametrize(
    "path",
    ["/api/search?q=%ED%A0%80", "/search?q=%ED%A0%80%ED%B0%80", "/api/search?q=%C0%AF", "/api/search?q=%00"],
)
def test_known_bad_encodings(client, path):
    assert client.get(path).status_code in (200, 400)


@pytest.mark.parametrize("length", [500, 501, 5000, 100_000])
def test_very_long_queries_are_bounded(client, length):
    response = _bounded(client, "/api/search?q=" + urllib.parse.quote("日" * length))
    assert (response.status_code == 200) == (length <= 500)


def test_many_words_are_bounded(client):
    query = " ".join(["日米"] * 200 + ["OR"] * 100)
    _bounded(client, "/api/search?q=" + urllib.parse.quote(query[:500]))


# --- readouts ----------------------------------------------------------------------


def _parse_or_refuse(data: bytes) -> None:
    with contextlib.suppress(SourceError, ReadoutError):
        parse_readout(decode(data, "fuzz.txt"), "fuzz")


@FUZZ
@given(data=st.binary(max_size=2000))
def test_random_bytes_parse_or_are_refused(data):
    _parse_or_refuse(data)


SEED_BYTES = SEED.read_bytes()


@FUZZ
@given(
    cut=st.integers(0, len(SEED_BYTES)),
    encoding=st.sampled_from(["utf-8", "cp932"]),
    junk=st.binary(max_size=20),
)
def test_truncated_and_mixed_encoding_seed_parses_or_is_refused(cut, encoding, junk):
    text = SEED_BYTES.decode("utf-8")
    data = text.encode(encoding)[:cut] + junk + text[: cut // 3].encode("utf-8")
    _parse_or_refuse(data)


@FUZZ
@given(
    lines=st.lists(
        st.tuples(
            st.sampled_from(["１．", "（１）", "（ア）", "ａ　", "１　", "①", "", "（了）"]),
            st.text(max_size=30),
        ),
        max_size=60,
    )
)
def test_arbitrarily_numbered_lines_parse_or_are_refused(lines):
    text = "題名\n平成２５年２月２２日\n外務省\n" + "\n".join(marker + body for marker, body in lines)
    _parse_or_refuse(text.encode("utf-8"))


def test_deeply_numbered_huge_readout_is_indexed(tmp_path):
    lines = ["巨大会談（概要）", "令和２年１月１日", "外務省"]
    for a in range(1, 21):
        lines.append(f"{a}．項目{a}")
        for b in range(1, 21):
            lines.append(f"（{b}）小項目{b}")
            for c in "アイウエオカキクケコ":
                lines.append(f"（{c}）第{a}章{b}節{c}項について述べた。")
    (tmp_path / "huge.txt").write_text("\n".join(lines), "utf-8")
    result = run("index", tmp_path / "huge.txt", "--index-dir", tmp_path / "ix")
    assert result.exit_code == 0
    hits = search_json(tmp_path / "ix", "第20章20節コ項")["hits"]
    assert [h["section"] for h in hits] == ["20.(20)(コ)"]


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("random.txt", random.Random(1).randbytes(5000), "binary"),
        ("controls.txt", bytes(range(1, 32)) * 50, "binary"),
        ("truncated.txt", SEED_BYTES[:7], "no paragraphs"),
        (
            "mixed.txt",
            SEED_BYTES[:300] + SEED_BYTES.decode().encode("cp932")[300:600],
            "neither UTF-8 nor Shift_JIS",
        ),
    ],
)
def test_bad_readouts_are_named_and_the_rest_is_untouched(folder, tmp_path, name, content, reason):
    run("index", folder, "--index-dir", tmp_path / "ix")
    (folder / name).write_bytes(content)
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 1
    assert f"skipped {folder / name}: " in result.output and reason in result.output
    assert search_json(tmp_path / "ix", "普天間")["total"] == 1


def test_oversized_file_is_refused_without_being_read(tmp_path):
    folder = tmp_path / "readouts"
    folder.mkdir()
    with open(folder / "big.txt", "wb") as stream:
        stream.truncate(21_000_000)  # sparse: no disk, no memory
    result = run("index", folder, "--index-dir", tmp_path / "ix")
    assert result.exit_code == 1
    assert "too large for one readout" in result.output


def test_lone_surrogates_in_jsonl_are_indexed_safely(tmp_path):
    path = tmp_path / "bulk.jsonl"
    path.write_text('{"id": "s", "title": "x\\ud800", "text": "普天間\\udc00の件。"}\n', "utf-8")
    assert run("index", path, "--index-dir", tmp_path / "ix").exit_code == 0
    assert search_json(tmp_path / "ix", "普天間")["total"] == 1


# --- hostile content ---------------------------------------------------------------------

HOSTILE = (
    "悪意会談（概要）<script>alert(1)</script>\n令和２年１月１日\n外務省\n"
    '１．<img src=x onerror=alert(2)>について、"javascript:alert(3)" と <b>太字</b> を述べた。\n'
)


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    from readouts.webapp import create_app

    folder = tmp_path_factory.mktemp("hostile")
    (folder / "hostile.txt").write_text(HOSTILE, "utf-8")
    index_dir = tmp_path_factory.mktemp("hostile-ix")
    assert run("index", folder, "--index-dir", index_dir).exit_code == 0
    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True})
    yield app.test_client()
    close_library(app)


def test_api_gives_plain_text_fields_and_an_escaped_html_snippet(hostile_client):
    response = hostile_client.get("/api/search?q=述べた")
    assert response.mimetype == "application/json"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    hit = response.get_json()["hits"][0]
    assert hit["title"] == "悪意会談（概要）<script>alert(1)</script>"  # text, as written
    assert "<img" not in hit["snippet"] and "&lt;img src=x" in hit["snippet"]


@pytest.mark.parametrize(
    "path", ["/", "/search?q=述べた", "/search?q=script", "/docs/hostile?q=alert", "/search.atom?q=述べた"]
)
def test_markup_in_readouts_is_shown_as_text(hostile_client, path):
    body = hostile_client.get(path).get_data(as_text=True)
    assert "<script>" not in body and "<img" not in body and "<b>太字" not in body
    assert 'href="javascript:' not in body


def test_markup_in_readouts_survives_as_visible_text(hostile_client):
    body = hostile_client.get("/docs/hostile").get_data(as_text=True)
    assert "&lt;img src=x onerror=alert(2)&gt;" in body
    feed = hostile_client.get("/search.atom?q=述べた").get_data(as_text=True)
    assert "&amp;lt;img" in feed  # escaped HTML inside escaped XML


# --- crashes, full disks, concurrency ----------------------------------------------------


def test_random_kills_over_many_runs_never_leave_a_half_readout(folder, tmp_path):
    index_dir = tmp_path / "ix"
    run("index", folder, "--index-dir", index_dir)
    # Enough work that most kills land while the indexer runs, however fast the machine is.
    bulk = bulk_jsonl(tmp_path / "bulk.jsonl", 2000)
    rng = random.Random(20261126)
    env = {**os.environ, "READOUTS_COMMIT_EVERY": "40"}
    kills = 0
    for attempt in range(12):
        workers = str(rng.choice([1, 2]))
        args = [
            READOUTS,
            "index",
            str(folder),
            str(bulk),
            "--index-dir",
            str(index_dir),
            "--workers",
            workers,
        ]
        process = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.6))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            kills += 1
        process.wait()
        readouts, paragraphs = info_counts(index_dir)
        assert paragraphs == 27 + 4 * (readouts - 1), f"attempt {attempt}: a readout is half there"
        assert search_json(index_dir, "普天間飛行場")["total"] == 1
        if readouts > 1:
            last = readouts - 2
            assert search_json(index_dir, f"記録{last}の第3段落")["total"] <= 1  # never duplicated
    assert kills >= 6
    finished = subprocess.run(args, capture_output=True, text=True, timeout=300)
    assert finished.returncode == 0
    assert info_counts(index_dir) == (2001, 27 + 4 * 2000)


@pytest.fixture
def small_disk(tmp_path):
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mountpoint)], capture_output=True
    )
    if mounted.returncode != 0:
        if os.environ.get("CI"):
            raise RuntimeError(f"CI runs as root and must be able to mount a tmpfs: {mounted.stderr!r}")
        pytest.skip("mounting a small filesystem needs root")
    yield mountpoint
    subprocess.run(["umount", "-l", str(mountpoint)], check=False)


def test_full_disk_gives_a_clear_error_and_keeps_the_old_index(tmp_path, small_disk):
    index_dir = small_disk / "ix"
    assert run("index", SEED, "--index-dir", index_dir).exit_code == 0
    # More than the 3 MB disk holds in either engine's format, committed in rounds.
    bulk = bulk_jsonl(tmp_path / "bulk.jsonl", 12000, paragraphs=6)
    # A real process: Whoosh leaves files open when a write fails half-way,
    # which only matters to a process that goes on running.
    result = subprocess.run(
        [READOUTS, "index", str(SEED), str(bulk), "--index-dir", str(index_dir)],
        capture_output=True,
        text=True,
        env={**os.environ, "READOUTS_COMMIT_EVERY": "2000"},
    )
    assert result.returncode == 1
    assert "No space left on device" in result.stderr
    assert "stays searchable" in result.stderr
    assert "Traceback" not in result.stderr
    assert search_json(index_dir, "普天間飛行場")["hits"][0]["doc_id"] == SEED_ID


def test_searches_while_indexing_see_whole_readouts_only(folder, tmp_path):
    from readouts.webapp import create_app

    index_dir = tmp_path / "ix"
    run("index", folder, "--index-dir", index_dir)
    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True})
    bulk = bulk_jsonl(tmp_path / "bulk.jsonl", 300, paragraphs=5)
    env = {**os.environ, "READOUTS_COMMIT_EVERY": "30"}
    indexer = subprocess.Popen(
        [READOUTS, "index", str(folder), str(bulk), "--index-dir", str(index_dir)],
        env=env,
        stdout=subprocess.DEVNULL,
    )
    errors: list[str] = []
    partial: list[int] = []
    requests = 0

    def searcher() -> None:
        nonlocal requests
        client = app.test_client()
        rng = random.Random(threading.get_ident())
        while indexer.poll() is None:
            n = rng.randrange(300)
            response = client.get(
                "/api/search", query_string={"q": f"記録{n}の", "doc": f"r{n}", "per_page": 100}
            )
            requests += 1
            if response.status_code != 200:
                errors.append(f"{response.status_code}")
                continue
            total = response.get_json()["total"]
            if total not in (0, 5):
                partial.append(total)

    threads = [threading.Thread(target=searcher) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert indexer.wait() == 0
    close_library(app)
    assert requests > 20
    assert errors == []
    assert partial == []


def test_two_indexers_at_once_both_finish_and_agree(folder, tmp_path, engine):
    # Enough work that the first still holds the lock when the second starts.
    records = {"whoosh": 200, "tantivy": 3000}[engine]
    bulk = bulk_jsonl(tmp_path / "bulk.jsonl", records)
    args = [READOUTS, "index", str(folder), str(bulk), "--index-dir", str(tmp_path / "ix")]
    first = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outputs = [process.communicate(timeout=300) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0]
    assert any("waiting for it to finish" in err for _, err in outputs)
    assert info_counts(tmp_path / "ix") == (records + 1, 27 + 4 * records)
