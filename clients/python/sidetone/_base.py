"""What the sync and asyncio clients share: their settings, the batcher, and taking an event."""

from __future__ import annotations

from typing import Optional

from ._core import DEFAULT_MAX_BATCH_BYTES, Batcher, Options, Stats
from ._events import Events


class BaseClient(Events):
    """The settings and the buffer of a client; `Client` and `AsyncClient` send.

    Args:
        url: The sidecar, e.g. "http://127.0.0.1:9464" (events go to POST {url}/events).
        token: A token from the sidecar's `auth.ingest_tokens`, when it has any.
        max_batch: Most events in one request.
        max_batch_bytes: Most bytes in one request (keep under the sidecar's body limit, 1 MiB).
        flush_interval: Seconds the oldest buffered event may wait for a batch to fill.
        max_buffer: Events held while the sidecar is slow or down; past it `emit` refuses the
            newest event and counts it in `stats.overflow`.
        timeout: Seconds for one request.
        backoff_base, backoff_max: Bounds of the wait between retries when the sidecar gives no
            Retry-After: backoff_base doubling per attempt up to backoff_max, with jitter.
        retry_after_max: Cap on a Retry-After the sidecar asks for.
    """

    def __init__(
        self,
        url: str = "http://127.0.0.1:9464",
        token: Optional[str] = None,
        *,
        max_batch: int = 500,
        max_batch_bytes: int = DEFAULT_MAX_BATCH_BYTES,
        flush_interval: float = 1.0,
        max_buffer: int = 10_000,
        timeout: float = 10.0,
        backoff_base: float = 0.5,
        backoff_max: float = 30.0,
        retry_after_max: float = 300.0,
    ) -> None:
        self._options = Options(
            url,
            token,
            max_batch=max_batch,
            max_batch_bytes=max_batch_bytes,
            flush_interval=flush_interval,
            max_buffer=max_buffer,
            timeout=timeout,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            retry_after_max=retry_after_max,
        )
        self._batcher = Batcher(self._options)
        self._flushing = 0
        self._closed = False
        self._setup()

    def _setup(self) -> None:
        """The flavour's own state (a sender thread, or what an asyncio task will need)."""

    def _take(self, event_type: str, data: bytes) -> bool:
        """Buffer an encoded event (the caller holds whatever guards the batcher); False when
        refused. The sender is to be woken when this returns True and `_wakes()` says so."""
        if self._closed:
            self._batcher.stats.dropped += 1
            return False
        return self._batcher.put(event_type, data)

    def _wakes(self) -> bool:
        # The sender sleeps with nothing to send, or until the interval ends: wake it for a
        # first event (to start the interval) and for a full batch.
        return len(self._batcher) == 1 or self._batcher.wait(False) == 0

    def _stats(self) -> Stats:
        return self._batcher.snapshot()
