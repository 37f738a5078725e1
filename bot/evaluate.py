"""Score the engine on a question file, per slice, the way acceptance judges answers.

An answer is right when its topic is acceptable, every `expect` word is in the reply,
every `first` word is in its first 150 characters, and (ru and kk slices) the reply
is in that language. Off-topic questions are right when declined.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .engine import Answer, Engine, Turn
from .render import render_answer
from .yaml_reader import parse_yaml

# issue 10's targets, at one fixed threshold; kk_latin is Kazakh in Latin letters (Kazakh reply)
GOALS = {
    "en": 0.97,
    "ru": 0.95,
    "kk": 0.93,
    "translit": 0.95,
    "kk_latin": 0.90,
    "dialogue": 0.95,
    "off-topic": 0.97,
}
LEAD_CHARS = 150
SLICE_LANGS = {"en": None, "ru": "ru", "kk": "kk", "translit": None, "kk_latin": "kk"}


@dataclass
class SliceScore:
    right: int = 0
    total: int = 0

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0


@dataclass
class EvalResult:
    slices: dict[str, SliceScore] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def meets_goals(self) -> bool:
        return all(s.share >= GOALS.get(name, 0.0) for name, s in self.slices.items())


def judge(item: dict, answer: Answer, text: str, lang: str | None) -> str | None:
    """Why an answer is wrong, or None when it is right."""
    if not item.get("topics"):
        return None if answer.topic is None else f"answered {answer.topic}"
    problems = []
    if answer.topic not in item["topics"]:
        problems.append(f"topic {answer.topic}")
    low = text.lower()
    missing = [w for w in item.get("expect", []) if w.lower() not in low]
    if missing:
        problems.append(f"missing {missing}")
    late = [w for w in item.get("first", []) if w.lower() not in low[:LEAD_CHARS]]
    if late:
        problems.append(f"not leading with {late}")
    if lang and answer.lang != lang:
        problems.append(f"lang {answer.lang}")
    return "; ".join(problems) or None


def evaluate(engine: Engine, path: Path) -> EvalResult:
    data = parse_yaml(path.read_text(encoding="utf-8")) or {}
    result = EvalResult()

    def record(slice_name: str, item: dict, answer: Answer, lang: str | None) -> None:
        text = render_answer(answer, engine.kb)
        problem = judge(item, answer, text, lang)
        score = result.slices.setdefault(slice_name, SliceScore())
        score.total += 1
        score.right += problem is None
        if problem:
            result.misses.append(f"[{slice_name}] {item['q'][:70]!r} -> {answer.topic}: {problem}")

    for slice_name, lang in SLICE_LANGS.items():
        for item in data.get(slice_name) or []:
            record(slice_name, item, engine.answer(item["q"]), lang)
    for question in data.get("out_of_scope") or []:
        record("off-topic", {"q": question, "topics": []}, engine.answer(question), None)
    for dialogue in data.get("dialogues") or []:
        context: list[Turn] = []
        for item in dialogue:
            answer = engine.answer(item["q"], context=context)
            context.append(answer.turn)
            record("dialogue", item, answer, None)
    return result


def report(result: EvalResult, show_misses: bool = True) -> str:
    lines = [
        f"{name:10} {s.share:6.1%}  ({s.right}/{s.total})  goal {GOALS.get(name, 0):.0%}"
        for name, s in result.slices.items()
    ]
    if show_misses and result.misses:
        lines += ["", "misses:", *result.misses]
    return "\n".join(lines)
