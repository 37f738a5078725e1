"""The authored quiz questions: knowledge/quiz/TOPIC.yaml, one list of questions per topic.

    topic: iran
    questions:
    - fact: nuclear_talks_2013
      ask: number          # date | place | number
      number: 2            # the count the fact's text states
      question: {en: ..., ru: ..., kk: ...}

Kept apart from the topic files, so the answer engine never reads them. A file that does not
parse, or a question that cannot be built from its fact in every language, is a problem for
`python -m bot validate`; the running bot skips such questions and asks the rest.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .loader import KnowledgeBase, _format_loc, _line_of
from .quiz import QuizBank, QuizEntry, usable_entries
from .schema import STRICT
from .yaml_reader import parse_yaml

log = logging.getLogger(__name__)

QUIZ_FOLDER = "quiz"


@dataclass(frozen=True)
class QuizFile:
    __pydantic_config__ = STRICT

    topic: str
    questions: tuple[QuizEntry, ...]


@cache
def _validator() -> Any:
    from pydantic import TypeAdapter

    return TypeAdapter(QuizFile)


def _read(path: Path, kb: KnowledgeBase) -> tuple[list[QuizEntry], list[str]]:
    import yaml
    from pydantic import ValidationError

    shown = str(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = parse_yaml(text)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        return [], [f"{shown}: cannot be read: {str(exc).splitlines()[0]}"]
    try:
        quiz = _validator().validate_python(data)
    except ValidationError as exc:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            line = _line_of(node, loc)
            where = f"{shown}:{line}" if line else shown
            problems.append(f"{where}: {_format_loc(loc)}: {err['msg']}")
        return [], problems
    if quiz.topic not in kb.topics:
        return [], [f"{shown}: no topic {quiz.topic!r} in the fact base"]
    own = {fact.id for fact in kb.topics[quiz.topic].facts}
    entries, problems = [], []
    for entry in quiz.questions:
        if entry.fact in own:
            entries.append(entry)
        else:
            problems.append(f"{shown}: fact {entry.fact!r} is not a fact of topic {quiz.topic!r}")
    return entries, problems


def check_quiz(kb: KnowledgeBase) -> tuple[QuizBank, list[str]]:
    """The questions that can be asked, and every problem found in the quiz files."""
    folder = (kb.directory or Path()) / QUIZ_FOLDER
    entries: list[QuizEntry] = []
    problems: list[str] = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        found, wrong = _read(path, kb)
        entries += found
        problems += wrong
    usable, unusable = usable_entries(entries, kb)
    return QuizBank(kb, usable), problems + unusable


_banks: dict[int, tuple[KnowledgeBase, QuizBank]] = {}


def quiz_bank(kb: KnowledgeBase) -> QuizBank:
    """The bank of a fact base, read once; a reload brings a new fact base, so a new bank."""
    held = _banks.get(id(kb))
    if held is not None and held[0] is kb:
        return held[1]
    bank, problems = check_quiz(kb)
    for problem in problems:
        log.warning("Quiz question skipped: %s", problem)
    _banks.clear()  # only the live fact base's bank is kept
    _banks[id(kb)] = kb, bank
    return bank
