"""The seeder's random streams and ids, apart from its data tables: enough to name the TMC of a
seed without loading them (``--demo`` passes the id to the app while the sandbox process starts).

Seeder (seed.py) draws every choice from these streams; :func:`tmc_id_of` is its first draw.
"""

from __future__ import annotations

import random

__all__ = ["STREAM_ORG", "STREAM_PROFILE", "STREAM_SUMMARY", "seed_key", "stream_key", "tmc_id_of", "uuid_from_bits"]

# Random streams of one user (see Seeder.rng): the summary row, the full profile, the tenant's layout.
STREAM_SUMMARY, STREAM_PROFILE, STREAM_ORG = 0, 1, 7


def seed_key(seed: int) -> int:
    """A seed as a non-negative number (negative seeds are distinct from positive ones)."""
    return seed * 2 if seed >= 0 else -seed * 2 - 1


def stream_key(key: int, i: int, stream: int) -> int:
    """The ``random.Random`` seed of stream ``stream`` of user ``i`` under seed key ``key``."""
    return ((key << 44) | i) << 3 | stream


def uuid_from_bits(bits: int) -> str:
    """Format 122 random bits as a version-4 UUID string."""
    value = (
        (bits >> 90) << 96
        | ((bits >> 74) & 0xFFFF) << 80
        | 4 << 76
        | ((bits >> 62) & 0xFFF) << 64
        | 2 << 62
        | (bits & ((1 << 62) - 1))
    )
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def tmc_id_of(seed: int) -> str:
    """The TMC id of ``Seeder(seed, ...)`` (whatever its size)."""
    return uuid_from_bits(random.Random(stream_key(seed_key(seed), 0, STREAM_ORG)).getrandbits(122))
