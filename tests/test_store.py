"""The store of index generations, by layer: publish, trust, the writer lock, damage."""

from __future__ import annotations

import json
import threading
import time

import pytest

from readouts.indexer.index.store import (
    META_FILE,
    IndexDamaged,
    IndexIncompatible,
    IndexUntrusted,
    create_generation,
    current_dir,
    open_reader,
    publish,
    writer_lock,
)


@pytest.fixture(params=["whoosh", "tantivy"])
def engine(request):
    return request.param


def test_publishing_makes_a_generation_current_and_keeps_the_one_before(tmp_path, engine):
    first = create_generation(tmp_path, engine)
    publish(tmp_path, first)
    second = create_generation(tmp_path, engine)
    publish(tmp_path, second)
    assert current_dir(tmp_path) == second
    assert (tmp_path / "previous").resolve() == first


def test_publishing_removes_generations_neither_current_nor_previous(tmp_path, engine):
    generations = []
    for _ in range(3):
        generations.append(create_generation(tmp_path, engine))
        publish(tmp_path, generations[-1])
    assert not generations[0].exists()
    assert generations[1].exists() and generations[2].exists()


def test_a_new_generation_records_its_engine_and_format(tmp_path, engine):
    meta = json.loads((create_generation(tmp_path, engine) / META_FILE).read_text("utf-8"))
    assert meta["engine"] == engine and isinstance(meta["format"], int)


def test_an_index_other_users_can_write_is_refused(tmp_path, engine):
    generation = create_generation(tmp_path, engine)
    publish(tmp_path, generation)
    generation.chmod(0o777)
    with pytest.raises(IndexUntrusted, match="chmod -R go-w"):
        open_reader(generation, tmp_path)


def test_an_index_of_another_format_is_refused_with_the_rebuild_command(tmp_path, engine):
    generation = create_generation(tmp_path, engine)
    meta = json.loads((generation / META_FILE).read_text("utf-8"))
    (generation / META_FILE).write_text(json.dumps({**meta, "format": -1}), "utf-8")
    with pytest.raises(IndexIncompatible, match="readouts index --rebuild"):
        open_reader(generation, tmp_path)


def test_a_whoosh_generation_with_a_damaged_table_of_contents_is_reported_damaged(tmp_path):
    generation = create_generation(tmp_path, "whoosh")
    for toc in generation.glob("*.toc"):
        toc.write_bytes(b"\x80garbage")
    with pytest.raises(IndexDamaged, match="--rebuild"):
        open_reader(generation, tmp_path)


def test_a_second_writer_waits_for_the_first_and_is_told_why(tmp_path):
    told, order = [], []
    held = threading.Event()

    def second() -> None:
        held.wait()
        with writer_lock(tmp_path, told.append):
            order.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    with writer_lock(tmp_path):
        held.set()
        time.sleep(0.3)
        order.append("first")
    thread.join(5)
    assert order == ["first", "second"]
    assert "waiting for it to finish" in told[0]
