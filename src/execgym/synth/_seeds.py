"""Per-item seeds: derived by hashing (seed, level, index), never by adding them.

Adding would make neighbouring seeds shifted copies of each other (seed 1's item 0 would
be seed 0's item 1); a hash gives every (seed, level, index) an unrelated stream.
"""

from __future__ import annotations

import hashlib


def item_seed(seed: int, level: str, index: int) -> int:
    """A 64-bit seed for item ``index`` of ``level`` in the dataset of ``seed``."""
    digest = hashlib.sha256(f"execgym-synth:{seed}:{level}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def sub_seed(seed: int, *parts: object) -> int:
    """A seed derived from ``seed`` and labels (a retry number, a stage name)."""
    text = ":".join(str(p) for p in (seed, *parts))
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")
