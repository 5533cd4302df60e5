"""A TLS failure is named as a certificate problem, not a lost connection, and not retried."""

from __future__ import annotations

import ssl

import httpx
import pytest

from tui.api import RetryPolicy, UsersClient
from tui.api.errors import ApiConnectionError, TlsError
from tui.ui.backend import ERROR_TITLES, classify_error

UID = "0b0ad8a4-6a3d-4ad3-a3a4-0d6a1d1d1d1d"


def verify_failed(reason: str) -> httpx.ConnectError:
    """What httpx raises when the handshake refuses the certificate (the ssl error as cause)."""
    cause = ssl.SSLCertVerificationError(1, f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {reason}")
    cause.verify_message = reason
    error = httpx.ConnectError(f"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {reason} (_ssl.c:1000)")
    error.__cause__ = cause
    return error


class Always:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc
        self.calls = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        raise self.exc


async def no_sleep(_: float) -> None:
    return None


@pytest.mark.parametrize(
    ("error", "detail"),
    [
        (verify_failed("Hostname mismatch, certificate is not valid for 'api.example.com'"), "Hostname mismatch"),
        (verify_failed("self-signed certificate"), "self-signed certificate"),
        # no ssl exception kept as the cause: the message still tells
        (
            httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed (_ssl.c:1000)"),
            "certificate verify failed",
        ),
    ],
)
async def test_certificate_failures_are_named_and_not_retried(error, detail):
    transport = Always(error)
    client = UsersClient(
        "https://api.example.com",
        token="t0k3n",
        transport=httpx.MockTransport(transport),
        retry_policy=RetryPolicy(retries=3, sleep=no_sleep),
    )
    async with client:
        with pytest.raises(TlsError) as caught:
            await client.get_user_roles(UID)
    assert transport.calls == 1  # a refused certificate does not get better by asking again
    text = str(caught.value)
    assert text.startswith("certificate problem for GET https://api.example.com/v2/users/")
    assert detail in text and "t0k3n" not in text
    page = classify_error(caught.value)
    assert page.kind == "tls" and page.message == text
    assert ERROR_TITLES["tls"] == "Certificate problem (TLS)"
    assert isinstance(caught.value, ApiConnectionError)  # still a failure to reach the server


async def test_a_refused_connection_is_still_a_connection_error():
    transport = Always(httpx.ConnectError("[Errno 111] Connection refused"))
    client = UsersClient(
        "https://api.example.com",
        token="t",
        transport=httpx.MockTransport(transport),
        retry_policy=RetryPolicy(retries=1, sleep=no_sleep),
    )
    async with client:
        with pytest.raises(ApiConnectionError) as caught:
            await client.get_user_roles(UID)
    assert not isinstance(caught.value, TlsError)
    assert classify_error(caught.value).kind == "connection"
    assert transport.calls == 2
