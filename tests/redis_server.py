"""A throwaway redis-server on 127.0.0.1 for the shared-store tests; skips where none is installed.

.ci/run installs Debian's redis-server; elsewhere `apt-get install redis-server` (or any
redis-server on PATH) makes these tests run instead of skipping.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

START_TIMEOUT_SECONDS = 10.0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """Start redis-server without persistence in `folder`; yield its URL; stop it after."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    folder.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    options = {
        "--port": str(port),
        "--bind": "127.0.0.1",
        "--save": "",  # nothing on disk: a test server
        "--appendonly": "no",
        "--dir": str(folder),
        "--logfile": str(folder / "redis.log"),
    }
    process = subprocess.Popen(
        [binary, *(part for pair in options.items() for part in pair)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "redis.log").read_text(errors="replace")[-2000:]
                    raise RuntimeError(f"redis-server did not start:\n{log}") from None
                time.sleep(0.05)
        client.close()
        yield url
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
