"""What the sync and asyncio clients share: the bounded buffer, batching, and what an answer means.

Nothing here does I/O: each client moves bytes its own way and asks this module what to do next.
"""

from __future__ import annotations

import email.utils
import json
import logging
import random
import time
import uuid
from collections import deque
from dataclasses import dataclass, field, replace
from typing import Any, Deque, Dict, List, Mapping, Optional, Tuple
from urllib.parse import urlsplit

log = logging.getLogger("sidetone")

#: The sidecar refuses bodies over `server.body_limit_bytes` (default 1 MiB) with 413.
DEFAULT_MAX_BATCH_BYTES = 512 * 1024


@dataclass
class Stats:
    """What happened to the events given to a client. Read it with `client.stats`."""

    #: Events taken into the buffer.
    emitted: int = 0
    #: Events the sidecar acknowledged as stored (duplicates included).
    accepted: int = 0
    #: Of those, ids it had already stored: a retry whose first answer was lost, counted once.
    duplicates: int = 0
    #: Events the sidecar refused as invalid (each logged with its field paths).
    rejected: int = 0
    #: Events not taken because the buffer was full (the newest are the ones refused).
    overflow: int = 0
    #: Events given up: a permanent error (401, 403, 404, 415), too large alone, or unsent at close.
    dropped: int = 0
    #: Requests sent again after a network error, 429, 5xx or 413.
    retries: int = 0
    #: The last refusals: (event type, field path, reason), at most 20.
    last_rejections: List[Tuple[str, str, str]] = field(default_factory=list)
    #: The last error that made a batch wait or be dropped.
    last_error: Optional[str] = None


@dataclass(frozen=True)
class Options:
    """A client's settings; see `Client` for each one."""

    url: str
    token: Optional[str] = None
    max_batch: int = 500
    max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES
    flush_interval: float = 1.0
    max_buffer: int = 10_000
    timeout: float = 10.0
    backoff_base: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 300.0

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"url must be http(s)://host[:port], got {self.url!r}")
        for name in ("max_batch", "max_batch_bytes", "max_buffer"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1")
        if self.flush_interval <= 0 or self.timeout <= 0:
            raise ValueError("flush_interval and timeout must be positive")

    @property
    def target(self) -> Tuple[str, str, int, str]:
        """(scheme, host, port, path of POST /events)."""
        parts = urlsplit(self.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return parts.scheme, parts.hostname or "", port, parts.path.rstrip("/") + "/events"

    def headers(self, length: int) -> Dict[str, str]:
        h = {
            "Content-Type": "application/json",
            "Content-Length": str(length),
            "User-Agent": "sidetone-python",
        }
        if self.token:
            h["Authorization"] = f"Bearer {self.token}"
        return h


def encode(event: Mapping[str, Any]) -> Tuple[str, bytes]:
    """The event as JSON with its `id` (a new UUID unless given) and `ts` (now unless given).

    `ts` is stamped here, when the event happens, not when a batch leaves: a batch may wait for
    the interval or for a sidecar that is down.
    """
    if not isinstance(event.get("type"), str):
        raise TypeError("an event needs a string 'type', e.g. 'call.started'")
    body = dict(event)
    event_id = body.get("id")
    if not isinstance(event_id, str) or event_id == "":
        event_id = body["id"] = str(uuid.uuid4())
    if body.get("ts") is None:
        body["ts"] = int(time.time() * 1000)
    return event_id, json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def retry_after(headers: Mapping[str, str], now: float) -> Optional[float]:
    """Seconds from a `Retry-After` header (delta-seconds or an HTTP date, RFC 9110 10.2.3)."""
    value = headers.get("retry-after")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class Batcher:
    """The buffer and the sending policy. Not thread-safe: each client guards it its own way.

    Events stay in the buffer until the sidecar answers for them, so a batch retried after a
    timeout or a restart carries the same ids and the sidecar counts it once. Batches leave one
    at a time, in order. A full buffer refuses the newest event (counted in `stats.overflow`)
    and keeps the older ones, whose ids may already be on their way.
    """

    def __init__(self, options: Options) -> None:
        self.options = options
        self.stats = Stats()
        # (type, JSON bytes, monotonic time taken) per event, oldest first.
        self._items: Deque[Tuple[str, bytes, float]] = deque()
        self._attempt = 0
        self._retry_at = 0.0
        # Lowered after a 413 until a batch of that size is answered.
        self._limit = options.max_batch

    def __len__(self) -> int:
        return len(self._items)

    def put(self, event_type: str, data: bytes) -> bool:
        if len(self._items) >= self.options.max_buffer:
            self.stats.overflow += 1
            return False
        self._items.append((event_type, data, time.monotonic()))
        self.stats.emitted += 1
        return True

    def wait(self, flushing: bool) -> Optional[float]:
        """Seconds until a batch should leave (0: now), or None when there is nothing to send."""
        if not self._items:
            return None
        now = time.monotonic()
        if now < self._retry_at:
            return self._retry_at - now
        if flushing or len(self._items) >= self._limit:
            return 0.0
        return max(0.0, self._items[0][2] + self.options.flush_interval - now)

    def take(self) -> Tuple[int, bytes]:
        """The next batch: as many of the oldest events as the count and byte limits allow."""
        parts: List[bytes] = []
        size = 2
        for _, data, _ in self._items:
            if parts and (len(parts) >= self._limit or size + len(data) + 1 > self.options.max_batch_bytes):
                break
            parts.append(data)
            size += len(data) + 1
        return len(parts), b"[" + b",".join(parts) + b"]"

    def answered(self, n: int, status: Optional[int], headers: Mapping[str, str], body: bytes) -> None:
        """Settle or reschedule the batch of the `n` oldest events after the sidecar's answer
        (`status` None: no answer, e.g. refused connection or timeout)."""
        result = _json(body) if status in (200, 400) else None
        if result is not None and "accepted" in result:
            self._settle(n, result)
            return
        if status == 413:
            if n > 1:
                self._limit = max(1, n // 2)
                self.stats.retries += 1
                return
            self._drop(n, "413: one event is larger than the sidecar's body limit")
            return
        if status is None or status in (408, 429) or status >= 500:
            delay = retry_after(headers, time.time()) if status is not None else None
            if delay is None:
                delay = min(self.options.backoff_max, self.options.backoff_base * 2**self._attempt)
                delay *= random.uniform(0.5, 1.0)
            delay = min(delay, self.options.retry_after_max)
            self._attempt += 1
            self._retry_at = time.monotonic() + delay
            self.stats.retries += 1
            error = _error_text(status, body)
            if error != self.stats.last_error:
                log.warning("sidetone: %s; retrying the batch in %.2f s", error, delay)
            self.stats.last_error = error
            return
        self._drop(n, _error_text(status, body))

    def drop_all(self, why: str) -> None:
        if self._items:
            self._drop(len(self._items), why)

    def _settle(self, n: int, result: Mapping[str, Any]) -> None:
        batch = [self._items.popleft() for _ in range(n)]
        self.stats.accepted += int(result.get("accepted", 0))
        self.stats.duplicates += int(result.get("duplicates", 0))
        self.stats.rejected += int(result.get("rejected", 0))
        for err in result.get("errors") or []:
            index = err.get("index", -1)
            event_type = batch[index][0] if 0 <= index < n else "?"
            for issue in err.get("issues") or []:
                path, message = str(issue.get("path", "")), str(issue.get("message", ""))
                log.warning("sidetone refused a %s event: %s: %s", event_type, path or "(event)", message)
                self.stats.last_rejections.append((event_type, path, message))
        del self.stats.last_rejections[:-20]
        self._attempt = 0
        self._retry_at = 0.0
        self._limit = max(self._limit, min(self.options.max_batch, n * 2))

    def _drop(self, n: int, why: str) -> None:
        for _ in range(n):
            self._items.popleft()
        self.stats.dropped += n
        self.stats.last_error = why
        log.error("sidetone: %s; %d events dropped", why, n)

    def snapshot(self) -> Stats:
        return replace(self.stats, last_rejections=list(self.stats.last_rejections))


def _json(body: bytes) -> Optional[Dict[str, Any]]:
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _error_text(status: Optional[int], body: bytes) -> str:
    if status is None:
        return f"no answer ({body.decode('utf-8', 'replace')[:200]})"
    error = (_json(body) or {}).get("error")
    if isinstance(error, dict):
        return f"{status} {error.get('code')}: {error.get('message')}"
    return f"HTTP {status}"
