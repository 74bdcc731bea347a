"""Stage 5, site: what a build writes into build/, atomically and never outside it: the plan of outputs, the manifest and its signature, shards and combining them."""
