"""Shared fixtures: the bundled seed, the sample readouts, and indexes built from them."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from readouts.indexer.engines import ENGINE_VAR, ENGINES
from readouts.webapp.cli import main

# The tests read the English messages; tests/test_messages.py asks for Japanese itself.
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_17ebd0fd11b21086.txt"
SEED_ID = "000_17ebd0fd11b21086"
SAMPLES = Path(__file__).resolve().parent / "fixtures" / "samples"
# The installed console script, for tests that need a real process.
READOUTS = str(Path(sys.executable).with_name("readouts"))


def run(*args: str, env: dict[str, str] | None = None):
    """Run the `readouts` command in-process, as a user would type it."""
    return CliRunner().invoke(main, [str(arg) for arg in args], env=env, catch_exceptions=False)


def search_json(index_dir: Path, *query: str, extra: tuple[str, ...] = ()) -> dict:
    result = run("search", *query, "--json", "--index-dir", index_dir, *extra)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


# The documented shape of /api/search and `readouts search --json`, in order.
API_KEYS = ["query", "total", "page", "per_page", "also_searched", "suggestions", "hits", "facets", "group"]
HIT_KEYS = [
    "doc_id",
    "title",
    "category",
    "date",
    "lang",
    "section",
    "anchor",
    "speaker",
    "headings",
    "url",
    "snippet",
    "score",
]


def hit_keys(data: dict) -> list[tuple[str, str]]:
    return [(hit["doc_id"], hit["section"]) for hit in data["hits"]]


def info_counts(index_dir: Path) -> tuple[int, int]:
    """(readouts, paragraphs) as `readouts info` reports them."""
    output = run("info", "--index-dir", index_dir).output
    return int(output.split("readouts:")[1].split()[0]), int(output.split("paragraphs:")[1].split()[0])


def bulk_jsonl(path: Path, records: int, paragraphs: int = 4) -> Path:
    """A bulk file of `records` readouts with `paragraphs` findable paragraphs each."""
    lines = []
    for n in range(records):
        text = "\n".join(f"記録{n}の第{p}段落。日米同盟と普天間について協議した。" for p in range(paragraphs))
        lines.append(json.dumps({"id": f"r{n}", "title": f"会談{n}", "date": "2020-01-01", "text": text}))
    path.write_text("\n".join(lines), "utf-8")
    return path


@contextlib.contextmanager
def site_client(index_dir: Path, **config):
    """The site on an index, for requests as a browser makes them (Flask's test client)."""
    from readouts.webapp import create_app
    from readouts.webapp.library import close_library

    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True, **config})
    try:
        yield app.test_client()
    finally:
        close_library(app)


def site_page(index_dir: Path, path: str) -> str:
    """A page of the site on an index, as a browser gets it."""
    with site_client(index_dir) as client:
        return client.get(path).get_data(as_text=True)


def check_header(readout, title, date, furniture: tuple[str, ...]) -> None:
    """A real page's title and date as its dev set's README table gives them. `title`: the title,
    or ("lost", X) for one taken from a caption, or None for a lost one (then only never
    furniture or the category line)."""
    assert readout.date == date
    assert ("no date found" in readout.warnings) == (date is None)
    if title is not None:
        assert readout.title == (title if isinstance(title, str) else title[1])
    assert readout.title != readout.category or not readout.title
    assert not any(word in readout.title for word in furniture)


# What a browser's copy may do to a page's text: the parser must read the page the same way.
SPACINGS = {
    "no blank lines": lambda text: "\n".join(line for line in text.split("\n") if line.strip()),
    "blank lines doubled": lambda text: "\n\n".join(text.split("\n")),
    "no indentation": lambda text: "\n".join(line.strip() for line in text.split("\n")),
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def folder(tmp_path) -> Path:
    """A user's readout folder holding the seed."""
    folder = tmp_path / "readouts"
    folder.mkdir()
    shutil.copy(SEED, folder)
    return folder


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory) -> Path:
    """The seed and the samples side by side, as a user's readout folder."""
    folder = tmp_path_factory.mktemp("readouts")
    shutil.copy(SEED, folder)
    for sample in SAMPLES.glob("*.txt"):
        shutil.copy(sample, folder)
    return folder


@pytest.fixture(params=ENGINES)
def engine(request, monkeypatch) -> str:
    """Each engine in turn, as the engine of every index the test creates."""
    monkeypatch.setenv(ENGINE_VAR, request.param)
    return request.param


@pytest.fixture(scope="session", params=ENGINES)
def index_dir(tmp_path_factory, corpus_dir, request) -> Path:
    """An index of the seed and the samples, built once per engine by `readouts index`."""
    directory = tmp_path_factory.mktemp(f"index-{request.param}")
    result = run("index", corpus_dir, "--index-dir", directory, "--engine", request.param)
    assert result.exit_code == 0, result.output
    return directory


@pytest.fixture(scope="session")
def app(index_dir):
    from readouts.webapp import create_app
    from readouts.webapp.library import close_library

    app = create_app({"INDEX_DIR": str(index_dir), "TESTING": True, "PUBLIC_URL": "http://localhost"})
    yield app
    close_library(app)


@pytest.fixture
def client(app):
    return app.test_client()


def pytest_terminal_summary(terminalreporter):
    """Print the search-quality figures when the quality tests ran."""
    from test_search_quality import SCORES

    for engine, scores in SCORES.items():
        _quality_report(terminalreporter, engine, scores)


def _quality_report(terminalreporter, engine: str, SCORES: dict) -> None:
    if not SCORES:
        return
    write = terminalreporter.write_line
    terminalreporter.section(f"search quality (seed and samples), {engine}")
    for query, (ndcg, recall) in SCORES.items():
        write(f"{query:<16} nDCG@10 {ndcg:.3f}  recall {recall:.2f}")
    mean_ndcg = sum(n for n, _ in SCORES.values()) / len(SCORES)
    mean_recall = sum(r for _, r in SCORES.values()) / len(SCORES)
    write(f"{len(SCORES)} queries: mean nDCG@10 {mean_ndcg:.4f}, mean recall {mean_recall:.4f}")


@pytest.fixture(scope="session", params=ENGINES)
def mofa_dev_index(tmp_path_factory, request) -> Path:
    """The real pages of ../shared/samples/mofa-web and the seed, indexed once per engine."""
    folder = tmp_path_factory.mktemp("mofa-dev")
    for page in (ROOT.parent / "shared" / "samples" / "mofa-web").glob("*.txt"):
        shutil.copy(page, folder)
    shutil.copy(SEED, folder)
    directory = tmp_path_factory.mktemp(f"mofa-dev-index-{request.param}")
    result = run("index", folder, "--index-dir", directory, "--engine", request.param)
    assert "added" in result.output, result.output
    return directory


@pytest.fixture(scope="session")
def mofa_dev_client(mofa_dev_index):
    from readouts.webapp import create_app
    from readouts.webapp.library import close_library

    app = create_app({"INDEX_DIR": str(mofa_dev_index), "TESTING": True, "PUBLIC_URL": "http://localhost"})
    yield app.test_client()
    close_library(app)
