"""A Whoosh index generation on disk: made empty, opened with our schema, checked readable.

May touch: whoosh's index API, and the folder it is given.
"""

from __future__ import annotations

import gc
import warnings
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import Index

from readouts.indexer.engines.base import damaged
from readouts.indexer.engines.whoosh.schema import make_schema


def create_index(directory: Path) -> None:
    whoosh_index.create_in(str(directory), make_schema())


def open_index(directory: Path, root: Path) -> Index:
    """The index in `directory` (a generation of the index at `root`, named in errors)."""
    # Passing our schema means the pickled schema is never used, so a moved
    # module cannot break an old index; the table of contents is still a pickle.
    try:
        return whoosh_index.open_dir(str(directory), schema=make_schema())
    except Exception as error:  # Whoosh raises anything from struct.error to a bare Exception
        problem = damaged(root, error)
        # Whoosh leaves the table of contents open when it cannot read it; the
        # file is held only by the traceback's frames: free them now, quietly.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            error.__traceback__ = None
            del error
            gc.collect()
    raise problem


def check_readable(searcher) -> None:
    """A light check that each segment's stored documents can be read (the last one of each)."""
    for leaf, _ in searcher.leaf_searchers():
        if leaf.doc_count_all():
            leaf.stored_fields(leaf.doc_count_all() - 1)
