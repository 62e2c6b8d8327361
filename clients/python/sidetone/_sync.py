"""The thread-based client: `emit` never blocks on the network; one sender thread does."""

from __future__ import annotations

import http.client
import ssl
import threading
import time
from types import TracebackType
from typing import Any, Dict, Mapping, Optional, Tuple, Type

from ._core import DEFAULT_MAX_BATCH_BYTES, Batcher, Options, Stats, encode
from ._events import Events


class Client(Events):
    """Send events to a sidetone sidecar from any thread; batches leave from a sender thread.

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

    Example:
        >>> with Client("http://127.0.0.1:9464", token="...") as st:  # doctest: +SKIP
        ...     st.call_started("c1", "inbound", "sip")
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
        self._cond = threading.Condition()
        self._flushing = 0
        self._closed = False
        self._http = _Http(self._options)
        self._thread = threading.Thread(target=self._run, name="sidetone-sender", daemon=True)
        self._thread.start()

    def emit(self, event: Dict[str, Any]) -> Optional[str]:
        """Queue one event (a dict with `type`); returns its id, or None when refused (buffer
        full, or the client closed)."""
        event_id, data = encode(event)
        with self._cond:
            if self._closed:
                self._batcher.stats.dropped += 1
                return None
            if not self._batcher.put(event["type"], data):
                return None
            # The sender sleeps with nothing to send, or until the interval ends: wake it for a
            # first event (to start the interval) and for a full batch.
            if len(self._batcher) == 1 or self._batcher.wait(False) == 0:
                self._cond.notify_all()
        return event_id

    def flush(self, timeout: Optional[float] = None) -> bool:
        """Send everything buffered now; True once the sidecar has answered for all of it."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            self._flushing += 1
            self._cond.notify_all()
            try:
                while len(self._batcher) > 0 and not self._closed:
                    left = None if deadline is None else deadline - time.monotonic()
                    if left is not None and left <= 0:
                        break
                    self._cond.wait(left)
                return len(self._batcher) == 0
            finally:
                self._flushing -= 1

    def close(self, timeout: float = 10.0) -> bool:
        """Flush for up to `timeout` seconds, then stop; what is still unsent is counted in
        `stats.dropped`. True when everything was sent."""
        flushed = self.flush(timeout)
        with self._cond:
            self._closed = True
            self._cond.notify_all()
        self._thread.join(self._options.timeout + 1)
        with self._cond:
            self._batcher.drop_all("closed with events unsent")
        self._http.close()
        return flushed

    @property
    def stats(self) -> Stats:
        """A copy of the counters (see `Stats`)."""
        with self._cond:
            return self._batcher.snapshot()

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._closed:
                        return
                    wait = self._batcher.wait(self._flushing > 0)
                    if wait == 0:
                        break
                    self._cond.wait(wait)
                n, body = self._batcher.take()
            status, headers, data = self._http.post(body)
            with self._cond:
                self._batcher.answered(n, status, headers, data)
                self._cond.notify_all()


class _Http:
    """POST /events over one kept-alive connection, opened again after any failure."""

    def __init__(self, options: Options) -> None:
        self._options = options
        self._scheme, self._host, self._port, self._path = options.target
        self._conn: Optional[http.client.HTTPConnection] = None

    def post(self, body: bytes) -> Tuple[Optional[int], Mapping[str, str], bytes]:
        # A kept-alive connection the sidecar closed (a restart, its idle timeout) fails on first
        # use: one more try on a new connection before the failure counts.
        for _ in range(2):
            reused = self._conn is not None
            try:
                conn = self._conn or self._connect()
                self._conn = conn
                conn.request("POST", self._path, body, self._options.headers(len(body)))
                res = conn.getresponse()
                data = res.read()
                headers = {k.lower(): v for k, v in res.getheaders()}
                if res.will_close:
                    self.close()
                return res.status, headers, data
            except (OSError, http.client.HTTPException) as err:
                self.close()
                if not reused:
                    return None, {}, repr(err).encode()
        return None, {}, b"connection lost"

    def _connect(self) -> http.client.HTTPConnection:
        if self._scheme == "https":
            return http.client.HTTPSConnection(
                self._host, self._port, timeout=self._options.timeout, context=ssl.create_default_context()
            )
        return http.client.HTTPConnection(self._host, self._port, timeout=self._options.timeout)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
