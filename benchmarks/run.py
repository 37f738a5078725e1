"""Run every benchmark of issue 4 and print one table; write it to benchmarks/RESULTS.md.

    make bench                      # or: python benchmarks/run.py [--quick] [--no-e2e]

Each figure is a median over several runs, next to a floor measured in the same run.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import answer_cost, end_to_end, scale, startup, synthetic
from benchmarks.common import Figure, markdown_table, mixed_questions, seed_sentences

RESULTS = Path(__file__).with_name("RESULTS.md")
SIZES = (1_000, 10_000)
SCALE_QUESTIONS = 300  # asked through `ask --json -` for the memory figure


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, for a first look")
    parser.add_argument("--no-e2e", action="store_true", help="skip the Telegram benchmarks")
    args = parser.parse_args(argv)
    runs = 3 if args.quick else 9
    began = time.perf_counter()

    questions = mixed_questions()
    sentences = seed_sentences()
    if sentences is None:
        print(f"note: {answer_cost.__name__}: source document not found; its floor is skipped")
    figures: list[Figure] = []

    print("1. answer cost on the shipped fact base")
    figures += answer_cost.shipped_figures(questions, sentences, runs)
    shipped = {"median": figures[0].value, "p99": figures[1].value}

    with tempfile.TemporaryDirectory(prefix="bench-facts-") as tmp:
        bases = {}
        for size in SIZES:
            bases[size] = Path(tmp) / f"facts_{size}"
            synthetic.generate(bases[size], size)
        print(f"2. scale: synthetic bases of {', '.join(f'{s:,}' for s in SIZES)} facts")
        figures += answer_cost.scale_figures(questions, bases, shipped, runs=max(3, runs // 3))
        large = bases[SIZES[-1]]
        texts = [q for q, context in questions if not context]
        asked = (texts + synthetic.synthetic_questions(large, SCALE_QUESTIONS))[:SCALE_QUESTIONS]
        print(f"6. a {SIZES[-1]:,}-fact base through the command line (a minute or two a run)")
        figures += scale.scale_figures(large, asked, runs=1 if args.quick else 3)

        print("3. start-up")
        figures += startup.startup_figures(runs)

        if args.no_e2e:
            figures.append(Figure("4", "End to end", None, "", note="skipped (--no-e2e)"))
        else:
            print("4-5. end to end and memory (about a minute)")
            texts = [q for q, context in questions if not context]
            figures += end_to_end.end_to_end_figures(texts, bases[SIZES[-1]])
            print("6. replies while /reload swaps the large base")
            figures.append(end_to_end.reload_figure(bases[SIZES[-1]], texts))

    table = markdown_table(figures)
    print()
    print(end_to_end_text_table(figures))
    RESULTS.write_text(
        "# Benchmark results\n\n"
        "Written by `make bench` (benchmarks/run.py). Each figure is a median over several "
        "runs; its floor was measured in the same run, and the ratio is figure / floor.\n\n"
        f"{table}\n",
        encoding="utf-8",
    )
    print(
        f"\nwritten to {RESULTS.relative_to(RESULTS.parent.parent)} "
        f"in {time.perf_counter() - began:.0f} s"
    )
    return 0


def end_to_end_text_table(figures: list[Figure]) -> str:
    from benchmarks.common import text_table

    return text_table(figures)


if __name__ == "__main__":
    raise SystemExit(main())
