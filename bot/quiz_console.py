"""Quiz mode in the terminal: `/quiz [TOPIC|YEAR|score]` in `python -m bot console`.

The same questions as the Telegram polls, as a numbered multiple choice; the score lasts as
long as the console session.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

from .engine import Engine
from .locales import t
from .quiz import QuizQuestion, next_key, read_request
from .quiz_files import quiz_bank
from .text import detect_language


def is_quiz_command(line: str) -> bool:
    first = line.split(maxsplit=1)[0].lower() if line.strip() else ""
    return first == "/quiz"


@dataclass
class ConsoleQuiz:
    """One console session's quiz: what was asked, and the score."""

    engine: Engine
    rng: random.Random = field(default_factory=random.Random)
    asked: set[str] = field(default_factory=set)
    answered: int = 0
    right: int = 0

    def play(self, line: str, lang: str | None, read: Callable[[str], str]) -> str:
        """Run `/quiz ...`: ask one question, read the answer with `read(prompt)`, and return
        the verdict with the explanation (or the score, or why nothing was asked)."""
        argument = line.strip()[len("/quiz") :].strip()
        lang = lang or (detect_language(argument) if argument else "en")
        request = read_request(argument, self.engine, lang)
        if request.score:
            if not self.answered:
                return t(lang, "quiz_score_none")
            return t(lang, "quiz_score", correct=self.right, answered=self.answered)
        if request.unknown is not None:
            return t(lang, "quiz_unknown", value=request.unknown)
        bank = quiz_bank(self.engine.kb)
        pool = bank.keys(request.topic, request.year)
        if not pool:
            return t(lang, "quiz_empty")
        key, starts_over = next_key(pool, self.asked, self.rng)
        if starts_over:
            self.asked -= set(pool)
        self.asked.add(key)
        question = bank.question(key, lang)
        choice = read(
            show_question(question)
            + "\n"
            + t(lang, "quiz_answer_prompt", value=len(question.options))
        )
        return self._verdict(question, choice, lang)

    def _verdict(self, question: QuizQuestion, choice: str, lang: str) -> str:
        picked = choice.strip()
        number = int(picked) if picked.isdigit() else 0
        self.answered += 1
        if number - 1 == question.correct:
            self.right += 1
            verdict = t(lang, "quiz_right")
        else:
            verdict = t(lang, "quiz_wrong", value=question.answer)  # "2. 2" read badly
        return f"{verdict}\n{question.explanation}"


def show_question(question: QuizQuestion) -> str:
    options = "\n".join(f"  {n}. {option}" for n, option in enumerate(question.options, start=1))
    return f"{question.question}\n{options}"
