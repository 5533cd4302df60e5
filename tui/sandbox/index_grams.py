"""Character and bigram postings over a name-sorted snapshot of the users (pure Python).

Every set of users is a bitset: a Python int whose bit ``r`` stands for the user at rank ``r``
of the snapshot's name order, so AND/OR/NOT are single big-int operations and a bitset turns
into the name-sorted positions it stands for with C-speed helpers (``bin`` + ``compress``).

``grams`` maps every two-character string occurring in a search key to the users whose key
contains it, ``chars`` every single character. For a one- or two-character token the posting
IS the answer; a longer token ANDs the postings of its bigrams and verifies the candidates.

A snapshot does not follow edits: ``kill`` clears a changed user's bit from ``live``, and the
owner (``UserIndex``) answers for such users (and for users created since) by brute force.
``set_bits`` caches the bitset of a filter value (an office, a persona, a company...): only
users whose bit is still in ``live`` are unchanged since the snapshot, so a cached bitset stays
right for them however the owner's sets change later; it must always be ANDed with ``live``.
"""

from __future__ import annotations

from collections import OrderedDict, defaultdict, deque
from itertools import compress, repeat
from operator import add

_TO_ASCII = bytes.maketrans(b"\x00\x01", b"01")
_TO_FLAGS = bytes.maketrans(b"01", b"\x00\x01")


def _consume(it) -> None:
    deque(it, maxlen=0)


def flags_to_bits(flags: bytes | bytearray) -> int:
    """One byte (0/1) per rank -> bitset."""
    return int(bytes(flags).translate(_TO_ASCII)[::-1], 2) if flags else 0


def bits_to_flags(bits: int) -> bytes:
    """Bitset -> one byte (0/1) per rank, up to its highest set bit."""
    return bin(bits)[:1:-1].encode("ascii").translate(_TO_FLAGS)


def ranks_of(bits: int) -> list[int]:
    """The set bits of a bitset, ascending."""
    flags = bits_to_flags(bits)
    if bits.bit_count() * 16 >= len(flags):  # dense: one C-speed pass
        return list(compress(range(len(flags)), flags))
    out, find, r = [], flags.find, flags.find(1)
    while r >= 0:
        out.append(r)
        r = find(1, r + 1)
    return out


def ranks_to_bits(ranks, n: int) -> int:
    flags = bytearray(n)
    _consume(map(flags.__setitem__, ranks, repeat(1)))
    return flags_to_bits(flags)


class GramSnapshot:
    """Postings over ``keys`` (search keys of the users in ``order``, i.e. by rank)."""

    def __init__(self, order: list[int], keys: list[str], active: bytes | bytearray, n_positions: int) -> None:
        self.order = order
        self.keys = keys
        self.n = n = len(order)
        self.full = (1 << n) - 1
        rank = [n] * n_positions  # n: not in the snapshot
        _consume(map(rank.__setitem__, order, range(n)))
        self.rank = rank
        self.live = self.full
        self.active = flags_to_bits(bytes(map(active.__getitem__, order)))
        posts: defaultdict[str, list[int]] = defaultdict(list)
        get = posts.__getitem__
        for r, key in enumerate(keys):
            _consume(map(list.append, map(get, set(map(add, key, key[1:]))), repeat(r)))
        self.grams: dict[str, int] = {g: ranks_to_bits(rs, n) for g, rs in posts.items()}
        del posts
        chars: dict[str, int] = {}
        for g, bits in self.grams.items():
            for c in set(g):
                chars[c] = chars.get(c, 0) | bits
        for r, key in enumerate(keys):  # keys of one character have no bigram
            if len(key) == 1:
                chars[key] = chars.get(key, 0) | (1 << r)
        self.chars = chars
        self.cache: OrderedDict[str, int] = OrderedDict()  # longer tokens, most recent last
        self.sets: OrderedDict[tuple[str, str], int] = OrderedDict()  # (field, value) -> bits

    def kill(self, pos: int) -> None:
        """Position ``pos`` changed: the snapshot no longer answers for it."""
        if pos < len(self.rank) and (r := self.rank[pos]) < self.n:
            self.live &= ~(1 << r)

    def set_bits(self, key: tuple[str, str], positions) -> int:
        """The bitset of ``positions`` (the users having filter value ``key`` now), cached per
        key for the snapshot's life. Valid on ``live`` ranks only (see the module doc)."""
        sets = self.sets
        got = sets.get(key)
        if got is not None:
            sets.move_to_end(key)
            return got
        got = sets[key] = self.positions_to_bits(positions)
        if len(sets) > 512:
            sets.popitem(last=False)
        return got

    def positions_to_bits(self, positions) -> int:
        rank, n = self.rank, self.n
        if len(positions) <= 16:  # a few users: shifts beat a pass over every rank
            bits, m = 0, len(rank)
            for p in positions:
                if p < m and (r := rank[p]) < n:
                    bits |= 1 << r
            return bits
        if positions and max(positions) >= len(rank):
            positions = [p for p in positions if p < len(rank)]
        flags = bytearray(n + 1)  # slot n collects positions outside the snapshot
        _consume(map(flags.__setitem__, map(rank.__getitem__, positions), repeat(1)))
        del flags[n]
        return flags_to_bits(flags)

    def token_bits(self, token: str) -> int:
        """Ranks whose snapshot key contains ``token`` (a lowercase, non-empty string)."""
        if len(token) == 1:
            return self.chars.get(token, 0)
        if len(token) == 2:
            return self.grams.get(token, 0)
        cache = self.cache
        got = cache.get(token)
        if got is not None:
            cache.move_to_end(token)
            return got
        grams = self.grams
        cand = self.full
        for t, bits in cache.items():  # typing on: a cached token inside this one narrows
            if t in token:
                cand &= bits
        for g in sorted(set(map(add, token, token[1:])), key=lambda g: grams.get(g, 0).bit_count()):
            cand &= grams.get(g, 0)
            if not cand:
                break
        if cand:
            keys = self.keys
            cand = ranks_to_bits([r for r in ranks_of(cand) if token in keys[r]], self.n)
        cache[token] = cand
        if len(cache) > 64:
            cache.popitem(last=False)
        return cand

    def positions(self, bits: int) -> list[int]:
        """The positions of a bitset, in name order."""
        flags = bits_to_flags(bits)
        if bits.bit_count() * 16 >= len(flags):
            return list(compress(self.order, flags))
        order = self.order
        return [order[r] for r in ranks_of(bits)]
