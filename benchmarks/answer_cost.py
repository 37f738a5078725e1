"""Answer cost: the engine over a mixed question set, at the shipped size and at scale.

Each question is timed alone (answering plus rendering the reply text). A run times the
whole set once with the engine's word cache emptied first, so typos pay for their fuzzy
look-up every run; the figures are medians over the runs. The floors are timed in the
same runs, interleaved, so machine noise hits both alike.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process, utils

from benchmarks.common import Figure, median, percentile
from bot.engine import Engine, Turn
from bot.render import render_answer

Question = tuple[str, tuple[Turn, ...]]


def with_context(engine: Engine, questions: list[tuple[str, tuple[str, ...]]]) -> list[Question]:
    """Each question with the turns its dialogue had so far, as the engine answered them."""
    out = []
    for question, earlier in questions:
        turns: list[Turn] = []
        for turn in earlier:
            turns.append(engine.answer(turn, context=turns).turn)
        out.append((question, tuple(turns)))
    return out


def _time_each(work: Callable[[str, tuple[Turn, ...]], object], qs: Sequence[Question]):
    clock = time.perf_counter_ns
    times = []
    for question, context in qs:
        start = clock()
        work(question, context)
        times.append((clock() - start) / 1e6)
    return times


def engine_work(engine: Engine) -> Callable[[str, tuple[Turn, ...]], object]:
    kb = engine.kb

    def work(question: str, context: tuple[Turn, ...]) -> str:
        return render_answer(engine.answer(question, context=context), kb)

    return work


def floor_work(sentences: list[str]) -> Callable[[str, tuple[Turn, ...]], object]:
    extract_one = process.extractOne
    scorer, processor = fuzz.WRatio, utils.default_process

    def work(question: str, _context: tuple[Turn, ...]) -> object:
        return extract_one(question, sentences, scorer=scorer, processor=processor)

    return work


def measure(
    engine: Engine, questions: list[Question], sentences: list[str] | None, runs: int
) -> dict[str, float]:
    """Median over runs of each run's median and p99, in ms, for the engine and the floor."""
    work = engine_work(engine)
    floor = floor_work(sentences) if sentences else None
    _time_each(work, questions)  # warm up: imports, stem caches, first allocations
    stats: dict[str, list[float]] = {"median": [], "p99": [], "floor_median": [], "floor_p99": []}
    for _ in range(runs):
        engine.index.cache.clear()
        times = _time_each(work, questions)
        stats["median"].append(median(times))
        stats["p99"].append(percentile(times, 0.99))
        if floor:
            times = _time_each(floor, questions)
            stats["floor_median"].append(median(times))
            stats["floor_p99"].append(percentile(times, 0.99))
    return {name: median(values) for name, values in stats.items() if values}


def shipped_figures(questions, sentences: list[str] | None, runs: int) -> list[Figure]:
    engine = Engine.load()
    qs = with_context(engine, questions)
    got = measure(engine, qs, sentences, runs)
    floor_name = "extractOne over the document's sentences" if sentences else ""
    note = "" if sentences else "floor skipped: source document not found"
    print(f"  shipped base: {len(engine.kb.facts)} facts, {len(qs)} questions, {runs} runs")
    return [
        Figure(
            "1",
            f"Answer + render, median per question ({len(qs)} mixed questions)",
            got["median"],
            "ms",
            got.get("floor_median"),
            floor_name,
            "≤ 0.2 ms, ≤ 3×",
            got["median"] <= 0.2 and (not sentences or got["median"] <= 3 * got["floor_median"]),
            note,
        ),
        Figure(
            "1",
            "Answer + render, p99 per question",
            got["p99"],
            "ms",
            got.get("floor_p99"),
            floor_name,
            "≤ 1 ms, ≤ 3×",
            got["p99"] <= 1.0 and (not sentences or got["p99"] <= 3 * got["floor_p99"]),
        ),
    ]


def parse_floor(directory: Path) -> float:
    """The bare cost of reading the same files: libyaml's parse, nothing else."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    start = time.perf_counter()
    for path in sorted(directory.glob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    return time.perf_counter() - start


def scale_figures(
    questions, bases: dict[int, Path], shipped: dict[str, float], runs: int
) -> list[Figure]:
    """Answer cost at each synthetic size, against the shipped base's (load times: scale.py)."""
    from benchmarks.synthetic import synthetic_questions

    figures = []
    for size, directory in bases.items():
        engine = Engine.load(directory)
        label = f"{size:,} facts"
        mixed = with_context(engine, questions)
        mixed += [(q, ()) for q in synthetic_questions(directory, 40)]
        texts = [fact.text.en for _, fact in engine.kb.facts.values()]
        got = measure(engine, mixed, texts, runs)
        for stat in ("median", "p99"):
            growth = got[stat] / shipped[stat]
            judged = stat == "median" and size >= 10_000
            figures.append(
                Figure(
                    "2",
                    f"Answer + render {stat}, {label} ({len(mixed)} questions)",
                    got[stat],
                    "ms",
                    got[f"floor_{stat}"],
                    "extractOne over the base's English fact texts",
                    "≤ 2× the shipped base's" if judged else "",
                    growth <= 2.0 if judged else None,
                    f"×{growth:.1f} the shipped base's",
                )
            )
        print(f"  {label}: {len(engine.kb.topics)} topics, done")
    return figures
