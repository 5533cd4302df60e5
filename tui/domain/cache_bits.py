"""The offline list's bitsets: which cached users have a character, a pair of characters, a
status or a filter value, kept in the cache file beside the rows.

For every environment and *key*, the users having it, as bits over the ``users`` rowid in
blocks of 4096 rowids (``blk = rowid >> 12``, bit ``rowid & 4095``; a block's bits are stored
as an integer or, when few, as their offsets: :func:`_to_bytes`; a block with no such user is
not stored). Keys:

- one, two or three consecutive characters of the search key, as they are (:func:`gram_key`;
  none with whitespace, which no search token holds): a token of up to three characters is
  one key, a longer one's candidates are the users having all its triples;
- the others start with a space, so no gram is one of them: `` s1`` / `` s0`` active /
  inactive (:data:`ACTIVE`, :data:`INACTIVE`); `` f`` + field + U+001F + value, the filter
  values of a user that many users share (:func:`facet_key`, :data:`GROUPED`), from the list
  row (:func:`tui.domain.cache.row_group_values`) and the profile-only facets (tier, role);
  `` n``: the search key holds a NUL (FTS5 reads text only up to one; :mod:`cache_search`
  checks such users itself); `` v`` (block -1): :func:`version`.

A search is then a few ANDs and ORs and a popcount (:class:`Bits`), whatever it matches.

The bits never go stale: triggers (schema v2) put every user whose row or facets change into
``search_dirty``, and :func:`refresh`, which every search calls first in its transaction,
computes their bits again from the rows (a whole block at once when many of it changed, as
after a sync).
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from array import array
from collections import defaultdict, deque
from collections.abc import Iterable, Iterator
from itertools import repeat
from operator import add
from typing import Any

from tui.domain.cache import row_group_values

__all__ = [
    "ACTIVE",
    "BLOCK_SHIFT",
    "GROUPED",
    "HAS_NUL",
    "INACTIVE",
    "VERSION",
    "Bits",
    "dirty",
    "facet_key",
    "gram_key",
    "keys_of",
    "load",
    "refresh",
    "version",
]

BLOCK_SHIFT = 12
_MASK = (1 << BLOCK_SHIFT) - 1
ACTIVE, INACTIVE, HAS_NUL, VERSION = " s1", " s0", " n", " v"
GROUPED = ("company", "legalEntity", "office", "department", "costCenter", "persona", "designation", "tier", "role")
"""Filter fields kept as bits (the others, one user per value, are looked up in the rows)."""
PROFILE_FIELDS = ("tier", "role")
"""Filter values a list row does not carry, kept in ``facets``."""

_TO_ASCII = bytes.maketrans(b"\x00\x01", b"01")
_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")
_LITTLE = sys.byteorder == "little"


def gram_key(gram: str) -> str:
    return gram


def facet_key(field: str, value: str) -> str:
    return f" f{field}\x1f{value}"


def keys_of(search: str, is_active: bool, values: dict[str, list[str]]) -> set[str]:
    """Every key of one user: its search key's grams, status, grouped values."""
    grams: set[str] = set()
    for part in search.split():  # (a gram across whitespace is in no token)
        pairs = list(map(add, part, part[1:]))
        grams.update(part)
        grams.update(pairs)
        grams.update(map(add, pairs, part[2:]))
    keys = grams
    keys.add(ACTIVE if is_active else INACTIVE)
    if "\x00" in search:
        keys.add(HAS_NUL)
    for fld in GROUPED:
        for v in values.get(fld, ()):
            keys.add(facet_key(fld, v))
    return keys


class Bits:
    """A set of users of one environment: block -> bits (no zero blocks)."""

    __slots__ = ("blocks",)

    def __init__(self, blocks: dict[int, int] | None = None) -> None:
        self.blocks = blocks if blocks is not None else {}

    @classmethod
    def of_rowids(cls, rowids: Iterable[int]) -> Bits:
        by_block: defaultdict[int, list[int]] = defaultdict(list)
        for r in rowids:
            by_block[r >> BLOCK_SHIFT].append(r & _MASK)
        return cls({b: _bits_of(offs) for b, offs in by_block.items()})

    def __and__(self, other: Bits) -> Bits:
        theirs = other.blocks
        out = {}
        for b, v in self.blocks.items():
            w = theirs.get(b)
            if w is not None and (x := v & w):
                out[b] = x
        return Bits(out)

    def __or__(self, other: Bits) -> Bits:
        out = dict(self.blocks)
        for b, w in other.blocks.items():
            out[b] = out.get(b, 0) | w
        return Bits(out)

    def __bool__(self) -> bool:
        return bool(self.blocks)

    def __len__(self) -> int:
        return sum(v.bit_count() for v in self.blocks.values())

    def __contains__(self, rowid: int) -> bool:
        v = self.blocks.get(rowid >> BLOCK_SHIFT)
        return v is not None and (v >> (rowid & _MASK)) & 1 == 1

    def flags(self, size: int) -> bytes:
        """One byte per rowid below ``size``: 1 for a member, else 0."""
        out = bytearray(size)
        for b, v in self.blocks.items():
            lo = b << BLOCK_SHIFT
            if lo < size:
                row = bin(v)[:1:-1].encode("ascii").translate(_TO_FLAGS)
                out[lo : lo + len(row)] = row[: size - lo]
        return bytes(out)

    def rowids(self) -> Iterator[int]:
        """The rowids, ascending."""
        for b in sorted(self.blocks):
            base, v = b << BLOCK_SHIFT, self.blocks[b]
            flags = bin(v)[:1:-1]  # bit 0 first
            at = flags.find("1")
            while at >= 0:
                yield base + at
                at = flags.find("1", at + 1)


def _bits_of(offsets: list[int]) -> int:
    if len(offsets) <= 48:
        v = 0
        for o in offsets:
            v |= 1 << o
        return v
    flags = bytearray(_MASK + 1)
    deque(map(flags.__setitem__, offsets, repeat(1)), maxlen=0)
    return int(bytes(flags).translate(_TO_ASCII)[::-1], 2)


def load(db: sqlite3.Connection, env: int, keys: Iterable[str]) -> dict[str, Bits]:
    """The bits of ``keys`` (a key no user has: empty)."""
    wanted = list(dict.fromkeys(keys))
    out = {k: Bits() for k in wanted}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for key, blk, raw in db.execute(
            f"SELECT key, blk, bits FROM search_bits WHERE env = ? AND key IN ({marks})", (env, *chunk)
        ):
            out[key].blocks[blk] = _from_bytes(raw)
    return out


def refresh(db: sqlite3.Connection, env: int) -> int:
    """Bring the bits of ``env`` up to date with its rows (call it inside a write transaction):
    the users marked in ``search_dirty`` lose their old bits and get their new ones. Returns
    how many users were marked."""
    marked = [r for (r,) in db.execute("SELECT rid FROM search_dirty WHERE env = ? ORDER BY rid", (env,))]
    by_block: defaultdict[int, list[int]] = defaultdict(list)
    for rid in marked:
        by_block[rid >> BLOCK_SHIFT].append(rid)
    for blk, rids in by_block.items():
        if len(rids) * 4 >= _MASK + 1:
            _compute_block(db, env, blk)
        else:
            _update_block(db, env, blk, rids)
    db.execute("DELETE FROM search_dirty WHERE env = ?", (env,))
    if marked:
        db.execute(
            "INSERT OR REPLACE INTO search_bits (env, key, blk, bits) VALUES (?, ?, -1, ?)",
            (env, VERSION, os.urandom(16)),
        )
    return len(marked)


def version(db: sqlite3.Connection, env: int) -> bytes | None:
    """A token that changes whenever :func:`refresh` takes a change of the users of ``env`` in
    (random, so never the same for two states; None before the first)."""
    hit = db.execute("SELECT bits FROM search_bits WHERE env = ? AND key = ? AND blk = -1", (env, VERSION)).fetchone()
    return bytes(hit[0]) if hit else None


def dirty(db: sqlite3.Connection, env: int) -> bool:
    """Whether some user of ``env`` changed since the bits were computed."""
    return db.execute("SELECT 1 FROM search_dirty WHERE env = ? LIMIT 1", (env,)).fetchone() is not None


def _user_keys(db: sqlite3.Connection, env: int, where: str, args: tuple[Any, ...]) -> list[tuple[int, set[str]]]:
    """(rowid, keys) of the users of ``env`` the ``where`` clause picks."""
    rows = db.execute(
        f"SELECT rowid, user_id, row_json, search, is_active FROM users WHERE env = ? AND {where}", (env, *args)
    ).fetchall()
    extra = _profile_facets(db, env, [r[1] for r in rows])
    out = []
    for rowid, user_id, row_json, search, is_active in rows:
        values = {k: [v] for k, v in row_group_values(_json_obj(row_json)).items()}
        values.update(extra.get(user_id, {}))
        out.append((rowid, keys_of(search, bool(is_active), values)))
    return out


def _compute_block(db: sqlite3.Connection, env: int, blk: int) -> None:
    """Every key's bits of one block, from its rows."""
    lo = blk << BLOCK_SHIFT
    offsets: defaultdict[str, list[int]] = defaultdict(list)
    get = offsets.__getitem__
    for rowid, keys in _user_keys(db, env, "rowid BETWEEN ? AND ?", (lo, lo + _MASK)):
        deque(map(list.append, map(get, keys), repeat(rowid & _MASK)), maxlen=0)
    db.execute("DELETE FROM search_bits WHERE env = ? AND blk = ?", (env, blk))
    db.executemany(
        "INSERT INTO search_bits (env, key, blk, bits) VALUES (?, ?, ?, ?)",
        [(env, key, blk, _to_bytes(_bits_of(offs))) for key, offs in offsets.items()],
    )


def _update_block(db: sqlite3.Connection, env: int, blk: int, rids: list[int]) -> None:
    """The bits of a few users of one block: cleared from every key, then set from their rows."""
    mask = _bits_of([r & _MASK for r in rids])
    current = {
        key: _from_bytes(raw)
        for key, raw in db.execute("SELECT key, bits FROM search_bits WHERE env = ? AND blk = ?", (env, blk))
    }
    changed = {key: v & ~mask for key, v in current.items() if v & mask}
    marks = ",".join("?" * len(rids))
    for rowid, keys in _user_keys(db, env, f"rowid IN ({marks})", tuple(rids)):
        bit = 1 << (rowid & _MASK)
        for key in keys:
            changed[key] = changed.get(key, current.get(key, 0)) | bit
    db.executemany(
        "DELETE FROM search_bits WHERE env = ? AND key = ? AND blk = ?",
        [(env, key, blk) for key, v in changed.items() if not v],
    )
    db.executemany(
        "INSERT OR REPLACE INTO search_bits (env, key, blk, bits) VALUES (?, ?, ?, ?)",
        [(env, key, blk, _to_bytes(v)) for key, v in changed.items() if v],
    )


def _to_bytes(v: int) -> bytes:
    """A block's bits as stored: ``b"\\x00"`` + the integer's bytes (little-endian), or, when
    shorter, ``b"\\x01"`` + the set bits' offsets (uint16, little-endian)."""
    dense = v.to_bytes((v.bit_length() + 7) // 8, "little")
    n = v.bit_count()
    if 2 * n >= len(dense):
        return b"\x00" + dense
    flags = bin(v)[:1:-1]
    offs, at = [], flags.find("1")
    while at >= 0:
        offs.append(at)
        at = flags.find("1", at + 1)
    packed = array("H", offs)
    if not _LITTLE:
        packed.byteswap()
    return b"\x01" + packed.tobytes()


def _from_bytes(raw: bytes) -> int:
    if raw[:1] == b"\x01":
        offs = array("H")
        offs.frombytes(raw[1:])
        if not _LITTLE:
            offs.byteswap()
        return _bits_of(offs.tolist())
    return int.from_bytes(raw[1:], "little")


def _json_obj(text: str) -> dict[str, Any]:
    try:
        doc = json.loads(text)
    except ValueError:
        return {}
    return doc if isinstance(doc, dict) else {}


def _profile_facets(db: sqlite3.Connection, env: int, user_ids: list[str]) -> dict[str, dict[str, list[str]]]:
    out: dict[str, dict[str, list[str]]] = {}
    for start in range(0, len(user_ids), 500):
        chunk = user_ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for user_id, fld, value in db.execute(
            f"SELECT user_id, field, value FROM facets WHERE env = ? AND user_id IN ({marks})", (env, *chunk)
        ):
            if fld in PROFILE_FIELDS:
                out.setdefault(user_id, {}).setdefault(fld, []).append(value)
    return out
