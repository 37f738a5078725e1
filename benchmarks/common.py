"""Shared pieces of the benchmarks: paths, statistics, and the results table."""

from __future__ import annotations

import os
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
# the shared folder beside the checkout (or beside the folder of worktrees)
SHARED = next(
    (p / "shared" for p in (REPO.parent, REPO.parent.parent) if (p / "shared").is_dir()),
    REPO.parent / "shared",
)
SEED_DOCUMENT = SHARED / "seeds" / "000_37dfe6b04d4ef291.txt"
QUESTION_FILES = (
    SHARED / "eval" / "dev_questions.yaml",
    REPO / "tests" / "data" / "extra_questions.yaml",
)
PYTHON = sys.executable


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a benchmarked `python` child: bytecode is written and used, as on a
    server (PYTHONDONTWRITEBYTECODE would make every start compile the bot's modules)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(extra)
    return env


for _path in (REPO, REPO / "tests"):  # `bot` and the tests' helpers (`tests.fake_telegram`,
    if str(_path) not in sys.path:  # which imports its neighbours by their own names)
        sys.path.insert(0, str(_path))


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the value below which `share` of the values fall."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[rank]


@dataclass
class Figure:
    """One row of the results: a measured value next to its floor from the same run."""

    section: str
    name: str
    value: float | None
    unit: str
    floor: float | None = None
    floor_name: str = ""
    target: str = ""
    met: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.floor:
            return None
        return self.value / self.floor


def _number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ms":
        return f"{value:.3f} ms" if value < 10 else f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s"
    if unit == "MB":
        return f"{value:.1f} MB"
    if unit == "":
        return f"{value:g}"
    return f"{value:.3g} {unit}"


def table_rows(figures: list[Figure]) -> list[list[str]]:
    rows = []
    for f in figures:
        floor = f"{_number(f.floor, f.unit)} ({f.floor_name})" if f.floor_name else "—"
        ratio = f"{f.ratio:.2f}×" if f.ratio is not None else "—"
        verdict = {True: "met", False: "NOT MET", None: ""}[f.met]
        target = f"{f.target} {verdict}".strip() if f.target else verdict
        value = _number(f.value, f.unit)
        if f.note:
            value = f"{value} ({f.note})" if f.value is not None else f.note
        rows.append([f.section, f.name, value, floor, ratio, target])
    return rows


HEADERS = ["#", "Figure", "Value", "Floor (same run)", "Ratio", "Target"]


def text_table(figures: list[Figure]) -> str:
    rows = [HEADERS, *table_rows(figures)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) for row in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(figures: list[Figure]) -> str:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    rows = [line(HEADERS), line(["---"] * len(HEADERS))]
    rows += [line(row) for row in table_rows(figures)]
    return "\n".join(rows)


def mixed_questions() -> list[tuple[str, tuple[str, ...]]]:
    """Every question of the question files (in scope, typos, ru, kk, off-topic, dialogues).

    Each comes with the earlier turns of its dialogue, so follow-ups are asked in context.
    """
    questions: list[tuple[str, tuple[str, ...]]] = []
    for path in QUESTION_FILES:
        if not path.is_file():
            print(f"note: {path} is missing; its questions are left out")
            continue
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for slice_name in ("en", "ru", "kk", "translit"):
            questions += [(item["q"], ()) for item in data.get(slice_name) or []]
        questions += [(q, ()) for q in data.get("out_of_scope") or []]
        for dialogue in data.get("dialogues") or []:
            turns = [item["q"] for item in dialogue]
            questions += [(q, tuple(turns[:i])) for i, q in enumerate(turns)]
    return questions


def seed_sentences() -> list[str] | None:
    """The source document split into sentences, or None when it is not there."""
    if not SEED_DOCUMENT.is_file():
        return None
    import re

    text = SEED_DOCUMENT.read_text(encoding="utf-8")
    parts = re.split(r"(?<=[.!?])\s+|\n+", text)
    return [s.strip(" •\t") for s in parts if len(s.strip(" •\t")) > 2]
