"""The sending policy against a scripted HTTP server: Retry-After on 503 and 429 (seconds and an
HTTP date) with the same ids resent, 413 halving the batch, 401 dropping it, batching by size
and by time, the bounded buffer, and a chunked answer for the asyncio client's HTTP reader."""

from __future__ import annotations

import asyncio
import email.utils
import json
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional, Tuple

import sidetone

Answer = Tuple[int, Dict[str, str], Any]


class Scripted:
    """An HTTP server that answers POST /events with the next scripted answer (then 200s)."""

    def __init__(self, script: List[Answer], chunked: bool = False) -> None:
        self.script = list(script)
        self.requests: List[Tuple[float, List[Dict[str, Any]], Dict[str, str]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                events = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append((time.monotonic(), events, dict(self.headers)))
                status, headers, body = outer.script.pop(0) if outer.script else ok(len(events))
                data = json.dumps(body).encode()
                self.send_response(status)
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Type", "application/json")
                if chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                    self.end_headers()
                    for part in (data[:5], data[5:]):
                        self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                    self.wfile.write(b"0\r\n\r\n")
                else:
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def ids(self, i: int) -> List[str]:
        return [e["id"] for e in self.requests[i][1]]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def ok(n: int) -> Answer:
    return 200, {}, {"accepted": n, "duplicates": 0, "rejected": 0, "errors": []}


def error(status: int, code: str, headers: Optional[Dict[str, str]] = None) -> Answer:
    return status, headers or {}, {"error": {"code": code, "message": "scripted"}}


class Policy(unittest.TestCase):
    def serve(self, script: List[Answer], chunked: bool = False) -> Scripted:
        server = Scripted(script, chunked)
        self.addCleanup(server.close)
        return server

    def client(self, server: Scripted, **options: Any) -> sidetone.Client:
        settings: Dict[str, Any] = {"flush_interval": 0.05, **options}
        st = sidetone.Client(server.url, "t0k3n", **settings)
        self.addCleanup(st.close, 1)
        return st

    def test_503_retry_after_seconds_resends_the_same_ids_after_the_wait(self) -> None:
        server = self.serve([error(503, "ST_STORE_UNAVAILABLE", {"Retry-After": "1"})])
        st = self.client(server)
        ids = [st.call_answered(f"c{i}") for i in range(3)]
        self.assertTrue(st.flush(10))
        self.assertEqual(len(server.requests), 2)
        self.assertEqual(server.ids(0), ids)
        self.assertEqual(server.ids(1), ids)
        self.assertGreaterEqual(server.requests[1][0] - server.requests[0][0], 0.95)
        self.assertEqual(server.requests[0][2]["Authorization"], "Bearer t0k3n")
        self.assertEqual((st.stats.accepted, st.stats.retries, st.stats.dropped), (3, 1, 0))

    def test_429_retry_after_as_an_http_date(self) -> None:
        when = email.utils.formatdate(time.time() + 2, usegmt=True)
        server = self.serve([error(429, "ST_TOO_MANY", {"Retry-After": when})])
        st = self.client(server)
        st.heartbeat()
        self.assertTrue(st.flush(10))
        # An HTTP date has one-second resolution: at least a second, at most the two asked for.
        waited = server.requests[1][0] - server.requests[0][0]
        self.assertGreaterEqual(waited, 0.9)
        self.assertLess(waited, 2.5)

    def test_413_halves_the_batch_and_keeps_the_order(self) -> None:
        server = self.serve([error(413, "ST_BODY_TOO_LARGE")])
        st = self.client(server, max_batch=10, flush_interval=5)
        ids = [st.heartbeat() for _ in range(10)]
        self.assertTrue(st.flush(10))
        self.assertEqual([len(r[1]) for r in server.requests], [10, 5, 5])
        self.assertEqual(server.ids(1) + server.ids(2), ids)

    def test_401_drops_the_batch_and_says_why(self) -> None:
        server = self.serve([error(401, "ST_UNAUTHORIZED")])
        st = self.client(server)
        st.heartbeat()
        st.heartbeat()
        self.assertTrue(st.flush(10))
        self.assertEqual((st.stats.dropped, st.stats.accepted), (2, 0))
        self.assertIn("ST_UNAUTHORIZED", st.stats.last_error or "")
        st.heartbeat()
        self.assertTrue(st.flush(10))
        self.assertEqual(st.stats.accepted, 1)

    def test_a_batch_leaves_when_full_or_when_its_oldest_event_has_waited_the_interval(self) -> None:
        server = self.serve([])
        st = self.client(server, max_batch=5, flush_interval=0.5)
        start = time.monotonic()
        for _ in range(5):
            st.heartbeat()
        wait_for(lambda: len(server.requests) == 1)
        self.assertLess(server.requests[0][0] - start, 0.4)
        st.heartbeat()
        wait_for(lambda: len(server.requests) == 2)
        self.assertGreaterEqual(server.requests[1][0] - start, 0.45)
        self.assertEqual([len(r[1]) for r in server.requests], [5, 1])

    def test_a_full_buffer_refuses_the_newest_and_counts_it(self) -> None:
        st = sidetone.Client("http://127.0.0.1:9", max_buffer=5, flush_interval=0.01, backoff_base=10)
        results = [st.heartbeat() for _ in range(8)]
        self.assertEqual([r is None for r in results], [False] * 5 + [True] * 3)
        self.assertFalse(st.close(0.2))
        self.assertEqual((st.stats.overflow, st.stats.dropped, st.stats.emitted), (3, 5, 5))

    def test_the_asyncio_client_reads_chunked_answers_and_honours_retry_after(self) -> None:
        server = self.serve([error(503, "ST_STORE_UNAVAILABLE", {"Retry-After": "1"})], chunked=True)

        async def main() -> sidetone.Stats:
            async with sidetone.AsyncClient(server.url, flush_interval=0.05) as st:
                st.call_answered("a")
                st.call_answered("b")
                self.assertTrue(await st.flush(10))
            return st.stats

        stats = asyncio.run(main())
        self.assertEqual((stats.accepted, stats.retries), (2, 1))
        self.assertEqual(server.ids(0), server.ids(1))
        self.assertGreaterEqual(server.requests[1][0] - server.requests[0][0], 0.95)


def wait_for(check: Callable[[], bool], timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError("timed out")
        time.sleep(0.01)


if __name__ == "__main__":
    unittest.main()
