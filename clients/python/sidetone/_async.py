"""The asyncio client: the same contract as `Client`, with a task instead of a thread and HTTP/1.1
over asyncio streams (the standard library has no asyncio HTTP client)."""

from __future__ import annotations

import asyncio
import ssl
from types import TracebackType
from typing import Any, Dict, Mapping, Optional, Set, Tuple, Type

from ._base import BaseClient
from ._core import Options, Stats, encode

Answer = Tuple[Optional[int], Mapping[str, str], bytes]


class AsyncClient(BaseClient):
    """Send events from asyncio code. `emit` (and every event method) is a plain call that never
    waits; call it from the event loop's thread. Use `async with`, or `await start()` and
    `await close()`. The arguments are `BaseClient`'s.

    Example:
        >>> async with AsyncClient("http://127.0.0.1:9464") as st:  # doctest: +SKIP
        ...     st.call_started("c1", "inbound", "sip")
    """

    def _setup(self) -> None:
        self._http = _AsyncHttp(self._options)
        # Made in start(): before Python 3.10 they bind the loop current when they are created.
        self._changed: Optional[asyncio.Condition] = None
        self._task: Optional[asyncio.Task[None]] = None
        self._wakers: Set[asyncio.Task[None]] = set()

    async def start(self) -> AsyncClient:
        """Start the sender task on the running loop."""
        if self._task is None:
            self._changed = asyncio.Condition()
            self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    def emit(self, event: Dict[str, Any]) -> Optional[str]:
        """Queue one event (a dict with `type`); returns its id, or None when refused."""
        event_id, data = encode(event)
        if not self._take(event["type"], data):
            return None
        if self._wakes():
            self._notify()
        return event_id

    async def flush(self, timeout: Optional[float] = None) -> bool:
        """Send everything buffered now; True once the sidecar has answered for all of it."""
        changed = self._started()
        self._flushing += 1
        try:
            async with changed:
                changed.notify_all()
                await asyncio.wait_for(
                    changed.wait_for(lambda: len(self._batcher) == 0 or self._closed), timeout
                )
        except asyncio.TimeoutError:
            pass
        finally:
            self._flushing -= 1
        return len(self._batcher) == 0

    async def close(self, timeout: float = 10.0) -> bool:
        """Flush for up to `timeout` seconds, then stop; what is unsent is counted as dropped."""
        flushed = await self.flush(timeout) if self._task is not None else len(self._batcher) == 0
        self._closed = True
        if self._task is not None:
            self._notify()
            try:
                await asyncio.wait_for(self._task, self._options.timeout + 1)
            except asyncio.TimeoutError:
                pass
        self._batcher.drop_all("closed with events unsent")
        await self._http.close()
        return flushed

    @property
    def stats(self) -> Stats:
        """A copy of the counters (see `Stats`)."""
        return self._stats()

    async def __aenter__(self) -> AsyncClient:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()

    def _started(self) -> asyncio.Condition:
        if self._changed is None:
            raise RuntimeError("AsyncClient not started: use `async with` or `await client.start()`")
        return self._changed

    def _notify(self) -> None:
        if self._changed is None:
            return
        # The loop keeps only a weak reference to a task: hold it until it has run.
        task = asyncio.get_running_loop().create_task(_wake(self._changed))
        self._wakers.add(task)
        task.add_done_callback(self._wakers.discard)

    async def _run(self) -> None:
        changed = self._started()
        while True:
            async with changed:
                while True:
                    if self._closed:
                        return
                    wait = self._batcher.wait(self._flushing > 0)
                    if wait == 0:
                        break
                    try:
                        await asyncio.wait_for(changed.wait(), wait)
                    except asyncio.TimeoutError:
                        pass
            n, body = self._batcher.take()
            status, headers, data = await self._http.post(body)
            async with changed:
                self._batcher.answered(n, status, headers, data)
                changed.notify_all()


async def _wake(changed: asyncio.Condition) -> None:
    async with changed:
        changed.notify_all()


class _AsyncHttp:
    """POST /events over one kept-alive asyncio connection, opened again after any failure."""

    def __init__(self, options: Options) -> None:
        self._options = options
        self._scheme, self._host, self._port, self._path = options.target
        self._reader: Optional[asyncio.StreamReader] = None
        self._writer: Optional[asyncio.StreamWriter] = None

    async def post(self, body: bytes) -> Answer:
        head = [f"POST {self._path} HTTP/1.1", f"Host: {self._host}:{self._port}"]
        head += [f"{k}: {v}" for k, v in self._options.headers(len(body)).items()]
        request = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body
        for _ in range(2):
            reused = self._writer is not None
            try:
                return await asyncio.wait_for(self._exchange(request), self._options.timeout)
            except (OSError, asyncio.TimeoutError, asyncio.IncompleteReadError, ValueError) as err:
                await self.close()
                if not reused:
                    return None, {}, repr(err).encode()
        return None, {}, b"connection lost"

    async def _exchange(self, request: bytes) -> Answer:
        if self._writer is None:
            context = ssl.create_default_context() if self._scheme == "https" else None
            self._reader, self._writer = await asyncio.open_connection(
                self._host, self._port, ssl=context
            )
        reader, writer = self._reader, self._writer
        assert reader is not None
        writer.write(request)
        await writer.drain()
        status_line = (await reader.readuntil(b"\r\n")).decode("latin-1")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/1."):
            raise ValueError(f"not an HTTP answer: {status_line[:40]!r}")
        status = int(parts[1])
        headers: Dict[str, str] = {}
        while True:
            line = (await reader.readuntil(b"\r\n")).decode("latin-1")
            if line == "\r\n":
                break
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            data = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            data = await _chunked(reader)
        else:
            data = await reader.read()
            headers["connection"] = "close"
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, headers, data

    async def close(self) -> None:
        writer, self._reader, self._writer = self._writer, None, None
        if writer is not None:
            writer.close()
            try:
                await writer.wait_closed()
            except (OSError, ssl.SSLError):
                pass


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    """A chunked body (RFC 9112 7.1), trailers skipped."""
    out = bytearray()
    while True:
        size = int((await reader.readuntil(b"\r\n")).split(b";")[0].strip(), 16)
        if size == 0:
            while (await reader.readuntil(b"\r\n")) != b"\r\n":
                pass
            return bytes(out)
        out += await reader.readexactly(size)
        await reader.readexactly(2)

