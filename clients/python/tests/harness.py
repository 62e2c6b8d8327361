"""A real `sidetone serve` for the tests: started, SIGKILLed and restarted on the same SQLite file
and port, read through its own HTTP API (metrics and the analytics routes)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import tempfile
import threading
import time
import urllib.request
from typing import Any, Dict, List, Optional

INGEST_TOKEN = "ingest-token-for-the-python-tests"
SCRAPE_TOKEN = "scrape-token-for-the-python-tests"
URL_LINE = re.compile(r" on (http://[^\s,]+), store ")


class Sidecar:
    """`node $SIDETONE_CLI serve` on 127.0.0.1, port chosen by the OS at first start."""

    def __init__(self) -> None:
        cli = os.environ.get("SIDETONE_CLI")
        if not cli:
            raise RuntimeError("set SIDETONE_CLI to the built CLI (dist/bin/sidetone.js)")
        self._cmd = [os.environ.get("SIDETONE_NODE", "node"), cli, "serve"]
        self._dir = tempfile.TemporaryDirectory(prefix="sidetone-py-")
        self.db = os.path.join(self._dir.name, "events.db")
        self.port = 0
        self.url = ""
        self._proc: Optional[subprocess.Popen[str]] = None
        self.output: List[str] = []

    def start(self) -> str:
        args = self._cmd + [
            "--host", "127.0.0.1", "--port", str(self.port), "--db", self.db,
            "--packs.calls", "--packs.sms", "--packs.modem", "--packs.voiceai", "--packs.sip",
            "--packs.trunks",
        ]  # fmt: skip
        # The sidecar refuses SIDETONE_* variables it does not know (this harness's own).
        env = {k: v for k, v in os.environ.items() if not k.startswith("SIDETONE_")}
        env.update(NO_COLOR="1", SIDETONE_LOG_FORMAT="json",
                   SIDETONE_AUTH_INGEST_TOKENS=INGEST_TOKEN,
                   SIDETONE_AUTH_SCRAPE_TOKENS=SCRAPE_TOKEN)  # fmt: skip
        proc = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self._proc = proc
        found: List[str] = []
        ready = threading.Event()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                self.output.append(line)
                m = URL_LINE.search(line)
                if m and not found:
                    found.append(m.group(1))
                    ready.set()
            ready.set()

        threading.Thread(target=read, daemon=True).start()
        if not ready.wait(30) or not found:
            self.kill()
            raise RuntimeError("sidetone serve did not start:\n" + "".join(self.output[-30:]))
        self.url = found[0]
        self.port = int(self.url.rsplit(":", 1)[1])
        return self.url

    def kill(self) -> None:
        """SIGKILL: no flush, no goodbye, as a crash or an OOM kill."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGKILL)
            self._proc.wait(10)
        self._release()

    def stop(self) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            self._proc.wait(20)
        self._release()

    def _release(self) -> None:
        if self._proc is not None and self._proc.stdout is not None:
            self._proc.stdout.close()
        self._proc = None

    def close(self) -> None:
        self.stop()
        self._dir.cleanup()

    def get(self, path: str) -> Any:
        req = urllib.request.Request(self.url + path, headers={"Authorization": f"Bearer {SCRAPE_TOKEN}"})
        with urllib.request.urlopen(req, timeout=10) as res:
            body = res.read().decode()
        return body if path == "/metrics" else json.loads(body)

    def metric(self, suffix: str, labels: Optional[Dict[str, str]] = None) -> float:
        """The sum of a metric's samples whose name ends with `suffix` (any prefix), optionally
        only those with the given labels."""
        total = 0.0
        pattern = re.compile(r"^[a-zA-Z_:][a-zA-Z0-9_:]*" + re.escape(suffix) + r"(\{[^}]*\})? (\S+)")
        for line in self.get("/metrics").splitlines():
            m = pattern.match(line)
            if not m:
                continue
            if labels and not all(f'{k}="{v}"' in (m.group(1) or "") for k, v in labels.items()):
                continue
            total += float(m.group(2))
        return total

    def stored_calls(self) -> int:
        return int(self.get("/metrics/dashboard?hours=1")["totals"]["calls"]["value"])

    def stored_sms(self) -> Dict[str, Any]:
        return dict(self.get("/metrics/sms?hours=1"))


def wait_until(check: Any, timeout: float = 20.0) -> None:
    end = time.monotonic() + timeout
    while not check():
        if time.monotonic() > end:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)
