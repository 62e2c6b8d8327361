"""The thread-based client: `emit` never blocks on the network; one sender thread does."""

from __future__ import annotations

import http.client
import ssl
import threading
import time
from types import TracebackType
from typing import Any, Dict, Mapping, Optional, Tuple, Type

from ._base import BaseClient
from ._core import Options, Stats, encode


class Client(BaseClient):
    """Send events to a sidetone sidecar from any thread; batches leave from a sender thread.
    The arguments are `BaseClient`'s.

    Example:
        >>> with Client("http://127.0.0.1:9464", token="...") as st:  # doctest: +SKIP
        ...     st.call_started("c1", "inbound", "sip")
    """

    def _setup(self) -> None:
        self._cond = threading.Condition()
        self._http = _Http(self._options)
        self._thread = threading.Thread(target=self._run, name="sidetone-sender", daemon=True)
        self._thread.start()

    def emit(self, event: Dict[str, Any]) -> Optional[str]:
        """Queue one event (a dict with `type`); returns its id, or None when refused (buffer
        full, or the client closed)."""
        event_id, data = encode(event)
        with self._cond:
            if not self._take(event["type"], data):
                return None
            if self._wakes():
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
            return self._stats()

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
