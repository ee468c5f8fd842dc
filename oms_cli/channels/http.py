"""HTTP to a channel through httpx: retries with backoff on failures and 5xx, 429's
``Retry-After`` honoured, one token refresh on 401, and errors as one line naming the
connection and the endpoint with the channel's own message (secrets removed)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from oms_cli.channels.base import AnswerLost, ChannelUnavailable, PushRefused, RetryLater


def retry_after_s(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def channel_message(response: httpx.Response) -> str:
    """The channel's own explanation of a refusal, from the usual JSON error shapes."""
    try:
        body = response.json()
    except ValueError:
        return response.text.strip()[:200] or response.reason_phrase
    candidates: list[Any] = []
    if isinstance(body, dict):
        errors = body.get("errors")
        if isinstance(errors, list) and errors:
            first = errors[0]
            if isinstance(first, dict):
                candidates += [first.get("longMessage"), first.get("message"), first.get("details")]
            else:
                candidates.append(first)
        elif isinstance(errors, (str, dict)):
            candidates.append(errors if isinstance(errors, str) else next(iter(errors.values()), None))
        candidates += [body.get("error_description"), body.get("message"), body.get("error")]
    for c in candidates:
        if isinstance(c, list) and c:
            c = c[0]
        if isinstance(c, str) and c.strip():
            return c.strip()[:200]
    return response.reason_phrase or f"HTTP {response.status_code}"


class Api:
    """One connection's HTTP client (a thin layer over ``httpx.Client``)."""

    def __init__(
        self,
        connection: str,
        base_url: str,
        *,
        headers: Callable[[], dict[str, str]],
        refresh: Callable[[], None] | None = None,
        secrets: Callable[[], list[str]] = list,
        auth: Any = None,
        tries: int = 4,
        backoff_s: float = 1.0,
        max_wait_s: float = 60.0,
        timeout_s: float = 30.0,
    ) -> None:
        self.connection = connection
        self.headers = headers
        self.refresh = refresh
        self.secrets = secrets
        self.tries = max(1, tries)
        self.backoff_s = backoff_s
        self.max_wait_s = max_wait_s
        self.waited_s = 0.0  # time spent honouring Retry-After and throttles
        self.client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s, auth=auth, follow_redirects=False)

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def clean(self, text: str) -> str:
        """Text with every credential value blanked out (a channel may echo one back)."""
        for secret in self.secrets():
            if secret and len(secret) >= 4:
                text = text.replace(secret, "***")
        return text

    def fail(self, endpoint: str, message: str) -> ChannelUnavailable:
        """The one-line error for this connection and endpoint."""
        return ChannelUnavailable(self.clean(f"connection '{self.connection}': {endpoint}: {message}"))

    def sleep(self, seconds: float) -> None:
        """Wait (counted, so a sync can say how long it was throttled)."""
        self.waited_s += seconds
        time.sleep(seconds)

    def request(
        self,
        method: str,
        path: str,
        *,
        endpoint: str | None = None,
        push: bool = False,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one request; return a 2xx response.

        Connection failures, 5xx and 429 are retried (``tries`` in all, waiting
        ``backoff_s * 2^n`` or the Retry-After given); a 401 refreshes the token once.
        Otherwise raises :class:`ChannelUnavailable`, :class:`RetryLater` (asked to wait
        longer than ``max_wait_s``) or, with ``push`` (a request that changes something at
        the channel), :class:`PushRefused` for a 4xx and :class:`AnswerLost` when it may
        have been done (a broken connection, a 5xx): only a 429 is sent again blind.
        """
        endpoint = endpoint or f"{method} {path.split('?')[0]}"
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self.client.request(method, path, headers=self.headers(), **kwargs)
            except httpx.TransportError as exc:
                if push and not isinstance(exc, httpx.ConnectError):
                    # it may have been sent and done: never send it blind again
                    raise AnswerLost(
                        self.clean(
                            f"connection '{self.connection}': {endpoint}: the answer was lost ({type(exc).__name__})"
                        )
                    ) from None
                if attempt >= self.tries:
                    raise self.fail(endpoint, f"cannot reach the channel ({type(exc).__name__}: {exc})") from None
                self.sleep(self.backoff_s * 2 ** (attempt - 1))
                continue
            status = response.status_code
            if status < 300:
                return response
            if status == 401 and self.refresh is not None and not refreshed:
                refreshed = True
                attempt -= 1
                self.refresh()
                continue
            if status == 429 or status >= 500:
                wait = retry_after_s(response.headers.get("Retry-After"))
                text = f"{status} {channel_message(response)}"
                if push and status >= 500:
                    raise AnswerLost(self.clean(f"connection '{self.connection}': {endpoint}: {text}"))
                if wait is not None and wait > self.max_wait_s:
                    raise RetryLater(self.clean(f"connection '{self.connection}': {endpoint}: {text}"), wait)
                if attempt >= self.tries:
                    raise self.fail(endpoint, f"{text} (after {attempt} tries)")
                self.sleep(wait if wait is not None else self.backoff_s * 2 ** (attempt - 1))
                continue
            text = f"{status} {channel_message(response)}"
            if status in (401, 403):
                raise self.fail(endpoint, f"credentials refused: {text}")
            if push:
                raise PushRefused(self.clean(f"connection '{self.connection}': {endpoint}: {text}"))
            raise self.fail(endpoint, text)
