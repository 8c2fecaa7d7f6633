"""Readouts fetched from the Ministry's pages into a folder, politely: `readouts fetch`.

May touch: the network (through `indexer.fetch.http` only) and the folder it fills.
"""
