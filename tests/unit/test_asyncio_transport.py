"""The client's own HTTP/1.1 transport (tui/api/_asyncio_transport.py) against scripted servers:
keep-alive and when a connection is not reused, bodies (chunked, gzip, none), and failures
raised as the httpx errors the client's retries and messages are written for."""

from __future__ import annotations

import asyncio
import gzip
import subprocess
import sys
from collections.abc import Awaitable, Callable

import httpx
import pytest

from tui.api._asyncio_transport import AsyncioTransport
from tui.api._transport import translate_transport_error
from tui.api.errors import ApiConnectionError, TlsError

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class Server:
    """A loopback TCP server running ``handler`` for each connection; counts connections."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.closed_by_client = 0

    async def __aenter__(self) -> Server:
        async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            self.connections += 1
            try:
                await self.handler(reader, writer)
                if await reader.read() == b"":  # wait for the client to hang up
                    self.closed_by_client += 1
            except (ConnectionError, asyncio.IncompleteReadError):
                self.closed_by_client += 1
            finally:
                writer.close()

        self.server = await asyncio.start_server(serve, "127.0.0.1", 0)
        self.url = f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.server.close()


async def read_request(reader: asyncio.StreamReader) -> tuple[bytes, bytes]:
    """One request's head and body (Content-Length bodies only)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return head, await reader.readexactly(length) if length else b""


def answer(body: bytes = b"{}", *extra: str, status: str = "200 OK") -> bytes:
    headers = [f"HTTP/1.1 {status}", f"Content-Length: {len(body)}", "Content-Type: application/json", *extra]
    return ("\r\n".join(headers) + "\r\n\r\n").encode() + body


def keep_answering(n: int, body: bytes = b'{"ok": true}') -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        for _ in range(n):
            await read_request(reader)
            writer.write(answer(body))
            await writer.drain()

    return handler


def client(transport: AsyncioTransport, url: str, **kw: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=url, transport=transport, **kw)  # type: ignore[arg-type]


async def test_keep_alive_reuses_one_connection_and_sends_the_body():
    seen: list[bytes] = []

    async def handler(reader, writer):
        for _ in range(3):
            head, body = await read_request(reader)
            seen.append(head.split(b"\r\n")[0] + b" " + body)
            writer.write(answer(b'{"n": %d}' % len(seen)))
            await writer.drain()

    async with Server(handler) as server, client(AsyncioTransport(), server.url) as http:
        for n in (1, 2, 3):
            response = await http.post("/v3/users/list?x=1", content=b'{"q": "a"}')
            assert response.status_code == 200 and response.json() == {"n": n}
            assert response.http_version == "HTTP/1.1"
    assert server.connections == 1
    assert seen == [b'POST /v3/users/list?x=1 HTTP/1.1 {"q": "a"}'] * 3


async def test_a_connection_the_server_closes_is_not_reused():
    async def handler(reader, writer):
        await read_request(reader)
        writer.write(answer(b"{}", "Connection: close"))
        await writer.drain()

    async with Server(handler) as server, client(AsyncioTransport(), server.url) as http:
        for _ in range(2):
            assert (await http.get("/a")).status_code == 200
    assert server.connections == 2


async def test_an_idle_connection_closed_by_the_server_is_replaced():
    async def handler(reader, writer):
        await read_request(reader)
        writer.write(answer())
        await writer.drain()
        writer.close()  # no "Connection: close": it just goes, as an idle timeout does

    async with Server(handler) as server, client(AsyncioTransport(), server.url) as http:
        assert (await http.get("/a")).status_code == 200
        await asyncio.sleep(0.05)  # the server's FIN arrives
        assert (await http.get("/b")).status_code == 200
    assert server.connections == 2


async def test_an_expired_idle_connection_is_not_reused():
    async with Server(keep_answering(2)) as server:
        async with client(AsyncioTransport(keepalive_expiry=0.0), server.url) as http:
            await http.get("/a")
            await http.get("/b")
    assert server.connections == 2


async def test_chunked_gzip_answer_and_bodiless_answers():
    payload = gzip.compress(b'{"users": []}')

    async def handler(reader, writer):
        await read_request(reader)
        chunks = [payload[:5], payload[5:]]
        body = b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + b"0\r\n\r\n"
        head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n"
        writer.write(head.encode() + body)
        await read_request(reader)
        writer.write(b"HTTP/1.1 204 No Content\r\n\r\n")
        await read_request(reader)
        writer.write(b"HTTP/1.1 100 Continue\r\n\r\n" + answer(b"[1]"))
        await writer.drain()

    async with Server(handler) as server, client(AsyncioTransport(), server.url) as http:
        assert (await http.get("/a")).json() == {"users": []}
        empty = await http.delete("/b")
        assert empty.status_code == 204 and empty.content == b""
        assert (await http.get("/c")).json() == [1]  # the 1xx is skipped
    assert server.connections == 1


async def test_an_answer_cut_short_is_a_protocol_error_and_the_connection_is_dropped():
    async def handler(reader, writer):
        await read_request(reader)
        writer.write(answer(b'{"users": [1, 2, 3]}')[:-5])
        await writer.drain()
        writer.close()

    async with Server(handler) as server, client(AsyncioTransport(), server.url) as http:
        with pytest.raises(httpx.RemoteProtocolError):
            await http.get("/a")


async def test_no_answer_at_all_is_a_protocol_error():
    async def handler(reader, writer):
        await read_request(reader)
        writer.close()

    async with Server(handler) as server, client(AsyncioTransport(), server.url) as http:
        with pytest.raises(httpx.RemoteProtocolError, match="without sending a response"):
            await http.get("/a")


async def test_read_timeout_and_a_cancelled_request_close_the_connection():
    async def handler(reader, writer):
        await read_request(reader)  # and never answer (Server waits for the client to hang up)

    async with Server(handler) as server, client(AsyncioTransport(), server.url, timeout=0.2) as http:
        with pytest.raises(httpx.ReadTimeout):
            await http.get("/slow")
        task = asyncio.create_task(http.get("/slow", timeout=5))
        await asyncio.sleep(0.1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0.1)
        assert server.connections == 2 and server.closed_by_client == 2  # neither kept for reuse


async def test_an_early_answer_to_a_large_body_is_returned():
    async def handler(reader, writer):
        await reader.readuntil(b"\r\n\r\n")  # the head only: the body is refused before it is read
        writer.write(answer(b'{"error": "too large"}', "Connection: close", status="413 Payload Too Large"))
        await writer.drain()
        while await reader.read(1 << 16):  # then let the rest go by, as a server closing cleanly does
            pass

    async with Server(handler) as server, client(AsyncioTransport(), server.url) as http:
        response = await http.put("/big", content=b"x" * (8 << 20))
    assert response.status_code == 413 and response.json() == {"error": "too large"}


async def test_refused_connection_and_failed_tls_handshake_are_connect_errors():
    async with Server(keep_answering(1)) as server:
        url = server.url
    async with client(AsyncioTransport(), url) as http:
        with pytest.raises(httpx.ConnectError) as refused:
            await http.get("/a")
    error = translate_transport_error(refused.value, "GET", httpx.URL(url + "/a"))
    assert isinstance(error, ApiConnectionError) and not isinstance(error, TlsError)

    async def not_tls(reader, writer):
        writer.write(b"HTTP/1.1 400 Bad Request\r\n\r\n")  # plain HTTP where TLS was expected
        await writer.drain()

    async with Server(not_tls) as server:
        https = server.url.replace("http://", "https://")
        async with client(AsyncioTransport(trust_env=False), https) as http:
            with pytest.raises(httpx.ConnectError) as handshake:
                await http.get("/a")
    assert isinstance(translate_transport_error(handshake.value, "GET", httpx.URL(https + "/a")), TlsError)


async def test_unsupported_scheme_and_a_closed_transport():
    transport = AsyncioTransport()
    with pytest.raises(httpx.UnsupportedProtocol):
        await transport.handle_async_request(httpx.Request("GET", "ftp://example.com/a"))
    await transport.aclose()
    with pytest.raises(RuntimeError):
        await transport.handle_async_request(httpx.Request("GET", "http://127.0.0.1:9/a"))


def test_the_client_loads_neither_httpcore_nor_anyio():
    """The point of the transport: a client's requests need neither (see its docstring)."""
    code = """
import asyncio, sys
from tui.api.client import UsersClient
async def main():
    async with UsersClient("http://127.0.0.1:9", token="t", retries=0) as c:
        try:
            await c.get_raw("/v2/users/x/roles")
        except Exception as exc:
            print(type(exc).__name__)
asyncio.run(main())
print(sorted(m for m in sys.modules if m.split(".")[0] in ("httpcore", "anyio")))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.split() == ["ApiConnectionError", "[]"]


async def test_a_cancellation_that_lands_as_a_wait_ends_is_never_lost():
    """A task cancelled in the same turn as the write or read it waits on completes stays
    cancelled (asyncio.wait_for on 3.11 returned the result instead, and the task went on)."""
    from tui.api._asyncio_transport import _bounded

    for _ in range(20):
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        task = asyncio.create_task(_bounded(done, 5.0, httpx.WriteTimeout, "sending"))
        await asyncio.sleep(0)
        done.set_result(1)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
