"""The readouts indexer: parse readouts, analyze Japanese, keep a Whoosh index current."""
