"""The sandbox's HTTP/1.1 server: an ASGI app on asyncio streams, parsed by h11.

    server = HttpServer(app, sock)
    server.run()            # blocks; server.started once it listens; stops on should_exit,
                            # SIGINT or SIGTERM (in the main thread)

uvicorn did this before, and loading and starting it was a third of the ``--demo`` sandbox's
way to its first answer, for what the sandbox does not use (websockets, lifespan, reload,
workers, proxies, its command line). This one does what the sandbox needs, as uvicorn did:

- HTTP/1.1 with keep-alive, one request at a time per connection; an idle connection is closed
  after ``KEEP_ALIVE`` seconds (the client reuses one for less: tui/api/_asyncio_transport.py);
- request bodies (Content-Length or chunked) reach the app as they arrive, so it may answer
  before reading them (the 413 of validation.read_body); a connection whose request body was not
  read to its end is closed after the answer; ``Expect: 100-continue`` is answered on first read;
- an app that fails before answering gets a 500 sent for it (and a log line), a request h11
  cannot parse a 400, a client that goes away an ``http.disconnect``;
- stopping: no new connections, idle ones closed, requests in flight given ``GRACE`` seconds;
  every connection's task has ended before the loop closes (asyncio would cancel what is left,
  and on Python 3.11 print a traceback for each cancelled one).
"""

from __future__ import annotations

import asyncio
import logging
import signal
import socket
import threading
from collections.abc import Awaitable, Callable
from http import HTTPStatus
from typing import Any

import h11

__all__ = ["HttpServer"]

log = logging.getLogger("tui.sandbox.http")

KEEP_ALIVE = 5.0
GRACE = 2.0
SKIP_LIMIT = 64 << 20  # bytes of an unread request body let go by before the connection is closed
_READ = 64 * 1024

App = Callable[[dict, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]


def _phrase(status: int) -> bytes:
    try:
        return HTTPStatus(status).phrase.encode()
    except ValueError:
        return b""


def _plain(status: int) -> bytes:
    """A whole answer with no app behind it (a request that could not be parsed)."""
    text = _phrase(status).decode()
    body = text.encode()
    head = f"HTTP/1.1 {status} {text}\r\ncontent-type: text/plain; charset=utf-8\r\n"
    return (head + f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode() + body


async def _skip_unread_body(conn: h11.Connection, reader: asyncio.StreamReader) -> None:
    """Read and drop the rest of a request body the app did not read, up to ``SKIP_LIMIT``
    bytes and ``KEEP_ALIVE`` seconds between reads; then the request is DONE, or (a client that
    stops sending or goes away, or too much) the connection is to be closed."""
    skipped = 0
    while skipped <= SKIP_LIMIT:
        event = conn.next_event()
        if isinstance(event, h11.Data):
            skipped += len(event.data)
        elif event is h11.NEED_DATA:
            try:
                data = await asyncio.wait_for(reader.read(_READ), KEEP_ALIVE)
            except (TimeoutError, OSError):
                return
            conn.receive_data(data)
        else:
            return


class _Exchange:
    """One request and its answer on one connection."""

    def __init__(self, conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.conn = conn
        self.reader = reader
        self.writer = writer
        self.body_done = False
        self.gone = False
        self.started = False  # the app began its answer
        self.finished = False  # ... and ended it
        self._head: h11.Response | None = None  # the answer's head, until its first body part

    async def next_event(self) -> Any:
        conn = self.conn
        while True:
            event = conn.next_event()
            if event is not h11.NEED_DATA:
                return event
            try:
                data = await self.reader.read(_READ)
            except OSError:
                data = b""
            conn.receive_data(data)

    async def receive(self) -> dict:
        if self.body_done or self.gone:
            await self._until_gone()
            return {"type": "http.disconnect"}
        if self.conn.they_are_waiting_for_100_continue:
            self._write(self.conn.send(h11.InformationalResponse(status_code=100, headers=[])))
        try:
            event = await self.next_event()
        except h11.RemoteProtocolError:
            event = h11.ConnectionClosed()
        if isinstance(event, h11.Data):
            return {"type": "http.request", "body": bytes(event.data), "more_body": True}
        if isinstance(event, h11.EndOfMessage):
            self.body_done = True
            return {"type": "http.request", "body": b"", "more_body": False}
        self.gone = True
        return {"type": "http.disconnect"}

    async def _until_gone(self) -> None:
        while not (self.gone or self.finished):
            await asyncio.sleep(0.05)

    async def send(self, message: dict) -> None:
        kind = message["type"]
        if kind == "http.response.start" and not self.started:
            headers = [(bytes(k), bytes(v)) for k, v in message.get("headers", [])]
            status = message["status"]
            self._head = h11.Response(status_code=status, headers=headers, reason=_phrase(status))
            self.started = True
        elif kind == "http.response.body" and self.started and not self.finished:
            out = b""
            if self._head is not None:
                out += self.conn.send(self._head) or b""
                self._head = None
            body = message.get("body", b"")
            if body:
                out += self.conn.send(h11.Data(data=body)) or b""
            if not message.get("more_body", False):
                out += self.conn.send(h11.EndOfMessage()) or b""
                self.finished = True
            self._write(out)
            await self._drain()

    def _write(self, data: bytes | None) -> None:
        if data and not self.writer.is_closing():
            self.writer.write(data)

    async def _drain(self) -> None:
        try:
            await self.writer.drain()
        except OSError:
            self.gone = True


class HttpServer:
    def __init__(self, app: App, sock: socket.socket) -> None:
        self.app = app
        self.sock = sock
        self.started = False
        self.should_exit = False
        self._busy: set[asyncio.Task] = set()  # connections with a request in flight
        self._idle: set[asyncio.StreamWriter] = set()
        self._open: set[asyncio.Task] = set()  # every connection's task

    def run(self) -> None:
        """Serve until stopped. In the main thread SIGINT and SIGTERM stop it gracefully, and are
        raised again once it has stopped (as uvicorn does: Ctrl+C still ends the command)."""
        self._signals: list[int] = []
        asyncio.run(self.serve())
        for sig in self._signals[:1]:
            signal.raise_signal(sig)

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self._signalled, sig)
        server = await asyncio.start_server(self._connection, sock=self.sock, limit=_READ)
        self.started = True
        try:
            while not self.should_exit:
                await asyncio.sleep(0.05)
        finally:
            server.close()
            for writer in list(self._idle):
                writer.close()
            if self._busy:
                _, late = await asyncio.wait(set(self._busy), timeout=GRACE)
                for task in late:
                    task.cancel()
            if self._open:  # the closed idle ones see the end of their stream, the late ones stop
                await asyncio.wait(set(self._open), timeout=GRACE)
            await server.wait_closed()

    def _signalled(self, sig: int) -> None:
        getattr(self, "_signals", []).append(sig)
        self.should_exit = True

    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        task = asyncio.current_task()
        if task is not None:
            self._open.add(task)
        try:
            while not self.should_exit:
                self._idle.add(writer)
                try:
                    event = await asyncio.wait_for(_Exchange(conn, reader, writer).next_event(), KEEP_ALIVE)
                except TimeoutError:
                    break
                finally:
                    self._idle.discard(writer)
                if not isinstance(event, h11.Request):
                    break  # ConnectionClosed (or a stray event): done with this connection
                if task is not None:
                    self._busy.add(task)
                try:
                    await self._exchange(conn, event, reader, writer)
                finally:
                    if task is not None:
                        self._busy.discard(task)
                if conn.our_state is h11.DONE and conn.their_state is h11.SEND_BODY:
                    # the app answered without reading the whole body (a GET's empty one, or a
                    # 413): let the rest go by, so the client can finish sending and read the answer
                    await _skip_unread_body(conn, reader)
                if conn.our_state is h11.DONE and conn.their_state is h11.DONE:
                    conn.start_next_cycle()
                else:
                    break  # the request body did not all arrive, or either side closes
        except h11.RemoteProtocolError as exc:
            if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                writer.write(_plain(exc.error_status_hint))
        except (OSError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            pass  # stopped past the grace time: the connection just closes (the task ends, not cancelled)
        finally:
            writer.close()
            if task is not None:
                self._open.discard(task)

    async def _exchange(
        self, conn: h11.Connection, request: h11.Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        path, _, query = request.target.partition(b"?")
        host, port = writer.get_extra_info("sockname")[:2]
        peer = writer.get_extra_info("peername") or ("", 0)
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": request.http_version.decode(),
            "method": request.method.decode("ascii"),
            "scheme": "http",
            "path": _unquote(path),
            "raw_path": path,
            "query_string": query,
            "root_path": "",
            "headers": [(name.lower(), value) for name, value in request.headers],
            "client": (peer[0], peer[1]),
            "server": (host, port),
        }
        exchange = _Exchange(conn, reader, writer)
        try:
            await self.app(scope, exchange.receive, exchange.send)
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("the sandbox failed on %s %s", scope["method"], scope["path"])
            if not exchange.started:
                await exchange.send(
                    {"type": "http.response.start", "status": 500, "headers": [(b"content-type", b"text/plain")]}
                )
                await exchange.send({"type": "http.response.body", "body": b"Internal Server Error"})
        if not exchange.finished:  # an app that ended without (finishing) an answer
            if not exchange.started:
                await exchange.send({"type": "http.response.start", "status": 500, "headers": []})
            await exchange.send({"type": "http.response.body", "body": b""})
        exchange.gone = True  # ends a receive() waiting for the disconnect


def _unquote(raw: bytes) -> str:
    from urllib.parse import unquote

    return unquote(raw.decode("latin-1"))
