"""Sensitive values in the offline cache: encrypted with a key kept in the OS keyring, or not
stored at all.

The values the spec marks ``x-pii: SENSITIVE`` and the ones the screen masks (identity-document
numbers, date of birth) never lie in the cache file in clear. :func:`seal_doc` takes them out of
a document before it is stored and returns them as one sealed blob:

- with a key (:meth:`Sealer.from_keyring`): AES-GCM (``cryptography``, a well-kept library
  rather than hand-made crypto), a random 96-bit nonce per blob, and the row's identity (env,
  user, section) as associated data, so a blob copied to another row does not open;
- without one (no keyring backend, as on most SSH hosts): only the paths that were left out,
  so the offline screens can say "not cached" for exactly those fields.

The key is 256 random bits, made on first use and kept in the keyring under
``spotnana-tui`` / ``cache-key``; it never touches the disk through us. A key that is gone or
changed makes old blobs unreadable: their fields show as "not cached" (the cache is only a
copy; the server has them).
"""

from __future__ import annotations

import base64
import copy
import json
import os
from collections.abc import Iterable
from typing import Any

from tui.domain.paths import WILDCARD, Path, get, set_at

__all__ = ["KEYRING_SERVICE", "KEYRING_USER", "NOT_CACHED", "Sealer", "seal_doc", "open_doc", "concrete_paths"]

KEYRING_SERVICE = "spotnana-tui"
KEYRING_USER = "cache-key"
NOT_CACHED = "\u2039not cached\u203a"
"""What a stored document holds in place of a sensitive value (``‹not cached›``); the keys keep
their place, and :func:`open_doc` puts the value back there when the key opens the blob."""
_NONCE = 12
_HEADER_END = b"\n"


class Sealer:
    """Encrypts and opens blobs with one AES-256-GCM key."""

    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        if len(key) != 32:
            raise ValueError("the cache key must be 32 bytes")
        self._aead = AESGCM(key)

    @classmethod
    def from_keyring(cls, *, create: bool = True) -> Sealer | None:
        """The sealer of the key in the OS keyring (made there when missing and ``create``);
        None when no usable keyring backend exists or it fails."""
        try:
            import keyring
            from keyring.backends import fail

            if isinstance(keyring.get_keyring(), fail.Keyring):
                return None
            stored = keyring.get_password(KEYRING_SERVICE, KEYRING_USER)
            if stored is None:
                if not create:
                    return None
                key = os.urandom(32)
                keyring.set_password(KEYRING_SERVICE, KEYRING_USER, base64.b64encode(key).decode())
                return cls(key)
            return cls(base64.b64decode(stored))
        except Exception:  # a locked, broken or odd keyring: store nothing sensitive
            return None

    def seal(self, data: bytes, context: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, data, context)

    def open(self, blob: bytes, context: bytes) -> bytes | None:
        """The data, or None when the blob was sealed with another key or context."""
        from cryptography.exceptions import InvalidTag

        try:
            return self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], context)
        except (InvalidTag, ValueError):
            return None


def concrete_paths(doc: Any, patterns: Iterable[Path]) -> list[Path]:
    """The paths in ``doc`` that the patterns (``"*"`` for any list index) name and that hold
    a value (not null)."""
    found: list[Path] = []
    for pattern in patterns:
        _expand(doc, tuple(pattern), (), found)
    return sorted(set(found), key=lambda p: tuple(str(k) for k in p))


def _expand(node: Any, pattern: Path, prefix: Path, found: list[Path]) -> None:
    if not pattern:
        if node is not None:
            found.append(prefix)
        return
    head, rest = pattern[0], pattern[1:]
    if head == WILDCARD:
        if isinstance(node, list):
            for i, item in enumerate(node):
                _expand(item, rest, prefix + (i,), found)
    elif isinstance(node, dict) and head in node:
        _expand(node[head], rest, prefix + (head,), found)


def seal_doc(doc: Any, patterns: Iterable[Path], sealer: Sealer | None, context: str) -> tuple[Any, bytes | None]:
    """``doc`` with :data:`NOT_CACHED` in place of its values at ``patterns``, and the blob that holds them (None when it
    held none). ``context`` names the row (env, user, section): a blob opens only there."""
    paths = concrete_paths(doc, patterns)
    if not paths:
        return doc, None
    values = [get(doc, p) for p in paths]
    stripped = _copied_along(doc, paths)
    for p in paths:
        set_at(stripped, p, NOT_CACHED)  # in place: the keys keep their order
    header = json.dumps({"v": 1, "paths": [list(p) for p in paths], "sealed": sealer is not None}).encode()
    body = b""
    if sealer is not None:
        body = sealer.seal(json.dumps(values).encode(), context.encode())
    return stripped, header + _HEADER_END + body


def _copied_along(doc: Any, paths: Iterable[Path]) -> Any:
    """``doc`` with a copy of every object and list on the way to ``paths`` (the rest shared):
    what :func:`seal_doc` may write into without touching ``doc``, at a fraction of a deep copy."""
    made: set[int] = set()

    def fresh(node: Any) -> Any:
        if id(node) in made:  # a copy made for an earlier path
            return node
        got = dict(node) if isinstance(node, dict) else list(node)
        made.add(id(got))
        return got

    root = fresh(doc)
    for path in paths:
        node = root
        for key in path[:-1]:
            child = node[key]
            if not isinstance(child, (dict, list)):
                break
            node[key] = node = fresh(child)
    return root


def open_doc(stripped: Any, blob: bytes | None, sealer: Sealer | None, context: str) -> tuple[Any, list[Path]]:
    """The stored document with its sealed values put back, and the paths that could not be
    (no key, another key): those are "not cached"."""
    if not blob:
        return stripped, []
    header_raw, _, body = blob.partition(_HEADER_END)
    try:
        header = json.loads(header_raw)
        paths: list[Path] = [tuple(p) for p in header["paths"]]
    except (ValueError, KeyError, TypeError):
        return stripped, []
    values: list[Any] | None = None
    if sealer is not None and header.get("sealed") and body:
        opened = sealer.open(body, context.encode())
        if opened is not None:
            values = json.loads(opened)
    if values is None or len(values) != len(paths):
        return stripped, paths
    doc = copy.deepcopy(stripped)
    for p, v in zip(paths, values, strict=True):
        set_at(doc, p, v)
    return doc, []
