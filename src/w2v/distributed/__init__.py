"""Data-parallel training of w2v's kernel over shards held elsewhere (``w2v.spark`` runs it on
Spark). ``sync``: how updates combine; ``shards``: a shard's rounds; ``run``: the driver loop."""
