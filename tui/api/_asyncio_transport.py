"""An httpx transport of HTTP/1.1 on asyncio streams, parsed by h11: the client's network.

httpx's own transport goes through httpcore, whose asyncio support runs on anyio: loading
those two and anyio's asyncio backend is a third of the app's start-up against a local
server, for features the client does not use (HTTP/2, trio, SOCKS). This transport speaks the
same HTTP/1.1 with the parser httpcore itself uses (h11), and keeps its contract:

- connections are kept alive and reused per origin (``keepalive_expiry`` seconds idle at
  most, ``max_keepalive`` idle ones per origin); one that the server closed, that is not at a
  message boundary or whose request was cancelled or failed is closed, never reused;
- TLS as httpx sets it up (``httpx.create_ssl_context``: certifi, or ``SSL_CERT_FILE`` /
  ``SSL_CERT_DIR`` with ``trust_env``), built on the first ``https`` connection only;
- timeouts from the request's ``timeout`` extension (connect, read, write: each per
  operation, as httpcore does) and failures raised as the httpx exceptions httpcore's would
  map to (``ConnectError`` with the ``ssl`` error as its cause, ``ReadTimeout``,
  ``RemoteProtocolError`` ...), so retries and error messages work unchanged;
- the response body is read in full before the response is returned (the client reads every
  body anyway); its content encoding is decoded by httpx, as always.

Proxies are not its business: httpx mounts its own transport for the proxies the environment
names (``trust_env``), and those requests never reach this one.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from typing import Any

import h11

from tui.api._httpx import httpx

__all__ = ["AsyncioTransport"]

log = logging.getLogger("tui.api.transport")  # connections only: never a header, never a body

_READ_SIZE = 64 * 1024
_DEFAULT_PORTS = {"http": 80, "https": 443}


async def _bounded(awaitable: Any, seconds: float | None, timeout_error: type[Exception], what: str) -> Any:
    if seconds is None:
        return await awaitable
    try:
        # asyncio.timeout, not wait_for: on 3.11 wait_for loses a cancellation that lands as the
        # awaited completes (a drain() that is done at once), and the cancelled task goes on
        async with asyncio.timeout(seconds):
            return await awaitable
    except TimeoutError:
        raise timeout_error(f"timed out {what}") from None


class _Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.h11 = h11.Connection(h11.CLIENT)
        self.idle_since = time.monotonic()

    def reusable(self, expiry: float) -> bool:
        """Idle, not too long, and not closed by the server meanwhile."""
        return (
            self.h11.our_state is h11.IDLE
            and time.monotonic() - self.idle_since < expiry
            and not self.reader.at_eof()
            and not self.writer.is_closing()
        )

    def close(self) -> None:
        transport = self.writer.transport
        if not transport.is_closing():
            transport.abort()  # no TLS goodbye to wait for: it is an idle or broken connection

    async def send(self, request: httpx.Request, timeouts: dict[str, float | None]) -> None:
        conn = self.h11
        try:
            head = h11.Request(method=request.method, target=request.url.raw_path, headers=list(request.headers.raw))
            await self._write(conn.send(head), timeouts)
            async for chunk in request.stream:  # type: ignore[union-attr]
                if chunk:
                    await self._write(conn.send(h11.Data(data=chunk)), timeouts)
            await self._write(conn.send(h11.EndOfMessage()), timeouts)
        except h11.LocalProtocolError as exc:
            raise httpx.LocalProtocolError(str(exc)) from exc

    async def _write(self, data: bytes | None, timeouts: dict[str, float | None]) -> None:
        if not data:
            return
        try:
            self.writer.write(data)
            await _bounded(self.writer.drain(), timeouts.get("write"), httpx.WriteTimeout, "sending the request")
        except OSError as exc:
            raise httpx.WriteError(str(exc) or type(exc).__name__) from exc

    async def _next_event(self, timeouts: dict[str, float | None]) -> Any:
        conn = self.h11
        while True:
            try:
                event = conn.next_event()
            except h11.RemoteProtocolError as exc:
                raise httpx.RemoteProtocolError(str(exc)) from exc
            if event is not h11.NEED_DATA:
                return event
            try:
                data = await _bounded(
                    self.reader.read(_READ_SIZE), timeouts.get("read"), httpx.ReadTimeout, "reading the answer"
                )
            except OSError as exc:
                raise httpx.ReadError(str(exc) or type(exc).__name__) from exc
            if not data and conn.their_state is h11.SEND_RESPONSE:
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            conn.receive_data(data)

    async def receive(self, timeouts: dict[str, float | None]) -> tuple[h11.Response, bytes]:
        while True:
            event = await self._next_event(timeouts)
            if isinstance(event, h11.Response):
                break
            if isinstance(event, h11.ConnectionClosed):
                raise httpx.RemoteProtocolError("Server disconnected without sending a response.")
            # an h11.InformationalResponse (1xx): the real answer follows
        chunks: list[bytes] = []
        while True:
            part = await self._next_event(timeouts)
            if isinstance(part, h11.Data):
                chunks.append(bytes(part.data))
            elif isinstance(part, h11.EndOfMessage):
                return event, b"".join(chunks)
            elif isinstance(part, h11.ConnectionClosed):
                raise httpx.RemoteProtocolError("Server disconnected in the middle of the answer.")

    def finish(self) -> bool:
        """After a whole exchange: True if the connection may serve the next request."""
        conn = self.h11
        if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
            conn.start_next_cycle()
            self.idle_since = time.monotonic()
            return True
        return False


class AsyncioTransport(httpx.AsyncBaseTransport):
    """HTTP/1.1 over asyncio (see the module docstring). ``trust_env``: TLS trust from
    ``SSL_CERT_FILE``/``SSL_CERT_DIR`` when set, as httpx does."""

    def __init__(self, *, trust_env: bool = True, keepalive_expiry: float = 4.0, max_keepalive: int = 10) -> None:
        self.trust_env = trust_env
        self.keepalive_expiry = keepalive_expiry
        self.max_keepalive = max_keepalive
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._ssl: ssl.SSLContext | None = None
        self._closed = False

    def _ssl_context(self) -> ssl.SSLContext:
        if self._ssl is None:
            context = httpx.create_ssl_context(trust_env=self.trust_env)
            context.set_alpn_protocols(["http/1.1"])
            self._ssl = context
        return self._ssl

    async def _connect(self, origin: tuple[str, str, int], timeouts: dict[str, float | None]) -> _Connection:
        scheme, host, port = origin
        idle = self._idle.get(origin) or []
        while idle:
            conn = idle.pop()
            if conn.reusable(self.keepalive_expiry):
                log.debug("reusing a connection to %s://%s:%d", scheme, host, port)
                return conn
            conn.close()
        log.debug("connecting to %s://%s:%d", scheme, host, port)
        tls = self._ssl_context() if scheme == "https" else None
        try:
            reader, writer = await _bounded(
                asyncio.open_connection(host, port, ssl=tls, server_hostname=host if tls else None, limit=_READ_SIZE),
                timeouts.get("connect"),
                httpx.ConnectTimeout,
                "connecting",
            )
        except OSError as exc:  # refused, unreachable, no such host, and ssl.SSLError (a refused certificate)
            raise httpx.ConnectError(str(exc) or type(exc).__name__) from exc
        return _Connection(reader, writer)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._closed:
            raise RuntimeError("the transport is closed")
        url = request.url
        if url.scheme not in _DEFAULT_PORTS:
            raise httpx.UnsupportedProtocol(f"Request URL has an unsupported protocol '{url.scheme}://'.")
        if not url.host:
            raise httpx.UnsupportedProtocol("Request URL is missing a host.")
        origin = (url.scheme, url.host, url.port or _DEFAULT_PORTS[url.scheme])
        timeouts: dict[str, float | None] = dict(request.extensions.get("timeout") or {})
        conn = await self._connect(origin, timeouts)
        try:
            try:
                await conn.send(request, timeouts)
            except httpx.WriteError:
                pass  # a server may answer (413) and close before it read the whole body: read that
            head, body = await conn.receive(timeouts)
        except BaseException:  # a failure or a cancellation: the connection's state is unknown
            conn.close()
            raise
        if conn.finish() and not self._closed and len(self._idle.setdefault(origin, [])) < self.max_keepalive:
            self._idle[origin].append(conn)
        else:
            conn.close()
        return httpx.Response(
            head.status_code,
            headers=list(head.headers),
            stream=httpx.ByteStream(body),
            extensions={"http_version": b"HTTP/" + head.http_version, "reason_phrase": head.reason},
        )

    async def aclose(self) -> None:
        self._closed = True
        for conns in self._idle.values():
            for conn in conns:
                conn.close()
        self._idle.clear()
