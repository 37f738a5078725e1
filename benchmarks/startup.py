"""Start-up: the command line answering one question, next to importing its two libraries."""

from __future__ import annotations

import subprocess
import time

from benchmarks.common import PYTHON, REPO, Figure, child_env, median

ASK = [PYTHON, "-m", "bot", "ask", "syria"]
FLOOR = [PYTHON, "-c", "import yaml, rapidfuzz"]


def _wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, env=child_env(), check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def startup_figures(runs: int) -> list[Figure]:
    _wall(ASK)  # the first run writes bytecode and keeps the built engine (BOT_CACHE_DIR)
    asks, floors = [], []
    for _ in range(runs):  # interleaved, so a noisy moment hits both
        asks.append(_wall(ASK))
        floors.append(_wall(FLOOR))
    check = "import bot.cli, sys; print(any(m.startswith('telegram') for m in sys.modules))"
    imports_telegram = subprocess.run(
        [PYTHON, "-c", check], cwd=REPO, capture_output=True, text=True
    ).stdout.strip()
    ask, floor = median(asks), median(floors)
    return [
        Figure(
            "3",
            'Start-up: `python -m bot ask "syria"` wall time',
            ask * 1000,
            "ms",
            floor * 1000,
            '`python -c "import yaml, rapidfuzz"`',
            "≤ 2×",
            ask <= 2 * floor,
            "imports telegram" if imports_telegram == "True" else "telegram not imported",
        )
    ]
