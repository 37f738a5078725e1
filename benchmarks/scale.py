"""Scale: a large fact base through the command line, each figure beside libyaml's parse.

Every figure is the wall time of a fresh `python -m bot ask` process (or its peak memory),
and its floor is the bare libyaml parse (CSafeLoader) of the same files, timed in the
same run so machine noise weighs on both:

- cold: the first `ask` with an empty engine cache: parse, validate, index, keep the engine;
- one edited topic file, then `ask`: the kept engine is reused, only that file is read;
- warm: files unchanged, the kept engine is loaded;
- peak resident memory of `ask --json -` answering 300 questions.
"""

from __future__ import annotations

import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks.answer_cost import parse_floor
from benchmarks.common import PYTHON, REPO, Figure, child_env, median

QUESTION = "When did Kazakhstan host the Syria talks?"
FLOOR_NAME = "libyaml parse of the same files"


def _env(cache: Path) -> dict[str, str]:
    env = child_env(BOT_CACHE_DIR=str(cache), RECORD_UNANSWERED="0")
    env.pop("KNOWLEDGE_DIR", None)
    return env


# `python -m bot`, printing its own peak resident memory (VmHWM) last on stderr: the rusage of
# a child counts the memory of the parent it was forked from, here the benchmark's
_REPORTING_PEAK = (
    "import atexit, runpy, sys\n"
    "def peak():\n"
    "    status = open('/proc/self/status').read().splitlines()\n"
    "    print(*[line for line in status if line.startswith('VmHWM')], file=sys.stderr)\n"
    "atexit.register(peak)\n"
    "sys.argv[0] = 'bot'\n"
    "runpy.run_module('bot', run_name='__main__', alter_sys=True)\n"
)


def run_ask(
    directory: Path, cache: Path, args: list[str] | None = None, stdin: str | None = None
) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of one `ask` process."""
    command = [PYTHON, "-c", _REPORTING_PEAK, "ask", "--knowledge", str(directory)]
    command += args or [QUESTION]
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=REPO,
        env=_env(cache),
        stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    if stdin is not None:
        assert process.stdin is not None
        process.stdin.write(stdin)
        process.stdin.close()
    error = process.stderr.read() if process.stderr else ""
    process.wait()
    seconds = time.perf_counter() - start
    if process.returncode:
        raise RuntimeError(f"{command} failed ({process.returncode}): {error[-2000:]}")
    peak = [line.split()[1] for line in error.splitlines() if line.startswith("VmHWM")]
    return seconds, int(peak[-1]) / 1024 if peak else float("nan")


def edit_one_file(directory: Path, serial: int) -> Path:
    """Change one topic file's text, as a maintainer would: one new keyword."""
    path = sorted(directory.glob("*.yaml"))[len(list(directory.glob("*.yaml"))) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("keywords:\n  en:\n", f"keywords:\n  en:\n  - edit{serial}\n", 1))
    return path


def scale_figures(directory: Path, questions: list[str], runs: int) -> list[Figure]:
    """The four command-line figures of a large base, each a median over `runs`."""
    facts = sum(1 for _ in directory.glob("*.yaml"))
    cold, edited, warm, floors, cold_rss, rss = [], [], [], [], [], []
    stdin = "\n".join(questions) + "\n"
    for run in range(runs):
        with tempfile.TemporaryDirectory(prefix="bench-cache-") as tmp:
            cache = Path(tmp) / "cache"
            floors.append(parse_floor(directory))
            seconds, peak = run_ask(directory, cache)
            cold.append(seconds)
            cold_rss.append(peak)
            warm.append(run_ask(directory, cache)[0])
            edit_one_file(directory, run)
            edited.append(run_ask(directory, cache)[0])
            rss.append(run_ask(directory, cache, ["--json", "-"], stdin)[1])
            floors.append(parse_floor(directory))
    floor = median(floors)
    label = f"{facts:,} topic files"

    def ratio_figure(name: str, values: list[float], share: float) -> Figure:
        value = median(values)
        return Figure(
            "6", name, value, "s", floor, FLOOR_NAME, f"≤ {share:g}×", value <= share * floor
        )

    return [
        ratio_figure(f"Cold: first `ask`, empty engine cache ({label})", cold, 2.0),
        ratio_figure("One topic file edited, then `ask`", edited, 0.6),
        ratio_figure("Warm start: `ask`, engine cache filled", warm, 0.5),
        Figure(
            "6",
            f"Peak RSS of `ask --json -` over {len(questions)} questions, cache filled",
            median(rss),
            "MB",
            target="≤ 150 MB",
            met=median(rss) <= 150,
            note=f"cold: {median(cold_rss):.0f} MB",
        ),
    ]
