"""The sandbox's HTTP/1.1 server (tui/sandbox/http_server.py) with small ASGI apps: keep-alive,
bodies as they arrive, early answers, failures, and stopping (also by Ctrl+C)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import httpx
import pytest

from tui.sandbox import http_server
from tui.sandbox.http_server import HttpServer


async def echo(scope, receive, send):
    """Answers with what it read of the body (all of it, unless the path says /head)."""
    assert scope["type"] == "http"
    body = b""
    if scope["path"] != "/head":
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
    if scope["path"] == "/fail":
        raise RuntimeError("boom")
    text = f"{scope['method']} {scope['path']} {scope['query_string'].decode()} {len(body)}".encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"%d" % len(text))]})
    await send({"type": "http.response.body", "body": text})


def listening() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


@pytest.fixture
def server() -> Iterator[tuple[HttpServer, str]]:
    sock = listening()
    srv = HttpServer(echo, sock)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.01)
    yield srv, f"http://127.0.0.1:{sock.getsockname()[1]}"
    srv.should_exit = True
    thread.join(10)
    assert not thread.is_alive()


def raw(url: str, data: bytes) -> bytes:
    """Send ``data`` as it is and read until the server closes the connection."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(data)
        out = b""
        while got := s.recv(1 << 16):
            out += got
        return out


def test_keep_alive_bodies_and_queries(server):
    _, url = server
    with httpx.Client(base_url=url) as client:
        assert client.get("/a", params={"q": "1"}).text == "GET /a q=1 0"
        assert client.post("/b", content=b"x" * 100_000).text == "POST /b  100000"
        chunked = client.put("/c", content=iter([b"ab", b"cde", b""]))
        assert chunked.request.headers["transfer-encoding"] == "chunked" and chunked.text == "PUT /c  5"
        assert client.get("/head", headers={"x": "y"}).status_code == 200
        assert client.get("/%7Eme").text == "GET /~me  0"


def test_one_connection_serves_many_requests_and_pipelined_ones(server):
    _, url = server
    request = b"GET /p HTTP/1.1\r\nHost: x\r\n\r\n"
    answer = raw(url, request * 3 + b"GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert answer.count(b"HTTP/1.1 200 OK") == 4 and answer.endswith(b"GET /last  0")


def test_an_answer_before_the_body_is_read_then_the_rest_goes_by(server):
    _, url = server
    head = b"POST /head HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n"
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(head + b"z" * 200_000)  # the app never reads it; all of it is let go by
        first = s.recv(4096)
        s.sendall(b"GET /next HTTP/1.1\r\nHost: x\r\n\r\n")  # and the connection serves on
        second = s.recv(4096)
    assert first.startswith(b"HTTP/1.1 200") and first.endswith(b"POST /head  0")
    assert second.startswith(b"HTTP/1.1 200") and second.endswith(b"GET /next  0")


def test_a_failing_app_gets_a_500_and_a_bad_request_a_400(server, caplog):
    _, url = server
    with httpx.Client(base_url=url) as client:
        assert client.get("/fail").status_code == 500
        assert client.get("/after").status_code == 200
    assert "the sandbox failed on GET /fail" in caplog.text
    assert raw(url, b"NOT HTTP AT ALL\r\n\r\n").startswith(b"HTTP/1.1 400 Bad Request")


def test_expect_100_continue_is_answered(server):
    _, url = server
    head = b"PUT /c HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(head)
        assert s.recv(4096).startswith(b"HTTP/1.1 100")
        s.sendall(b"abc")
        assert s.recv(4096).endswith(b"PUT /c  3")


def test_idle_connections_close_after_the_keep_alive_time(monkeypatch, server):
    monkeypatch.setattr(http_server, "KEEP_ALIVE", 0.2)
    _, url = server
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as s:
        s.sendall(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\n")
        assert s.recv(4096).startswith(b"HTTP/1.1 200")
        start = time.monotonic()
        assert s.recv(4096) == b""  # closed by the server
    assert time.monotonic() - start < 3


def test_stopping_lets_a_request_in_flight_finish():
    release = threading.Event()

    async def slow(scope, receive, send):
        await asyncio.get_running_loop().run_in_executor(None, release.wait, 5)
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
        await send({"type": "http.response.body", "body": b"ok"})

    sock = listening()
    srv = HttpServer(slow, sock)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    while not srv.started:
        time.sleep(0.01)
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    result: list[httpx.Response] = []
    client = threading.Thread(target=lambda: result.append(httpx.get(url + "/x", timeout=10)))
    client.start()
    time.sleep(0.2)
    srv.should_exit = True
    time.sleep(0.2)
    release.set()
    client.join(10)
    thread.join(10)
    assert result and result[0].text == "ok" and not thread.is_alive()


@pytest.mark.parametrize("idle_client", [False, True], ids=["no-client", "idle-keep-alive-client"])
def test_ctrl_c_ends_the_sandbox_command_gracefully(tmp_path, idle_client):
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui", "sandbox", "--users", "20", "--seed", "3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    base_url = proc.stdout.readline().strip().split(": ", 1)[1]
    for _ in range(3):
        proc.stdout.readline()
    with httpx.Client(base_url=base_url, timeout=10) as client:
        assert client.get("/_sandbox/requests").status_code == 200
        if not idle_client:
            client.close()
        # (else its connection stays open, idle, while the sandbox stops)
        proc.send_signal(signal.SIGINT)
        assert proc.wait(10) == 130
    err = proc.stderr.read() if proc.stderr else ""
    assert "Traceback" not in err and "Exception" not in err, err
