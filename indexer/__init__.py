"""The readouts indexer: parse readouts, analyze Japanese, keep an index of them current.

May touch: nothing; its layers are parse/, analysis/, engines/, index/ and search/, and cli.
"""
