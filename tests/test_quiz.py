"""Every quiz question the shipped fact base can produce, in every language, checked against
the facts themselves; and the quiz files' checks, the console quiz and the score store."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from helpers_core import REPO_ROOT

from bot.dates import DateSpan, parse_date_spec
from bot.engine import Engine
from bot.loader import DEFAULT_KNOWLEDGE_DIR, load_knowledge
from bot.quiz import QuizQuestion, QuizRequest, next_key, party_values, read_request
from bot.quiz_console import ConsoleQuiz
from bot.quiz_files import check_quiz, quiz_bank
from bot.telegram.quiz_store import QuizStore, RedisQuizStore, SqliteQuizStore
from bot.text import LANGS

KB = load_knowledge()
BANK = quiz_bank(KB)
QUESTIONS = [(key, lang) for key in BANK.entries for lang in LANGS]
EN_NUMBERS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}
_MONTHS = "January February March April May June July August September October November December"
MONTHS = {name: number for number, name in enumerate(_MONTHS.split(), start=1)}


def en_span(label: str) -> DateSpan:
    """An English date label read back into a date ('May 2015', '2014–early 2015', ...),
    independently of how the quiz wrote it."""

    def point(text: str) -> str:
        if match := re.fullmatch(r"(\d{1,2}) (\w+) (\d{4})", text):
            return f"{match[3]}-{MONTHS[match[2]]:02d}-{int(match[1]):02d}"
        if match := re.fullmatch(r"(\w+) (\d{4})", text):
            return f"{match[2]}-{MONTHS[match[1]]:02d}" if match[1] in MONTHS else text
        return text  # '2015', 'early 2015'

    parts = [part.strip() for part in label.split("–")]
    year = parts[-1][-4:]  # "May–October 2015": the year is written once, at the end
    parts = [part if part[-4:].isdigit() else f"{part} {year}" for part in parts]
    return parse_date_spec("/".join(point(part) for part in parts))


def test_the_shipped_quiz_has_questions_for_every_topic() -> None:
    bank, problems = check_quiz(KB)
    assert problems == []
    kinds = {entry.ask for entry in bank.entries.values()}
    assert kinds == {"date", "place", "number", "party"}
    topics = {KB.topic_of(entry.fact).id for entry in bank.entries.values()}
    assert topics == set(KB.topics)  # the OIC's: who promotes rapprochement (a party)


@pytest.mark.parametrize(("key", "lang"), QUESTIONS)
def test_every_question_has_one_right_option_the_facts_own_value(key: str, lang: str) -> None:
    entry = BANK.entries[key]
    fact = KB.fact(entry.fact)
    question = BANK.question(key, lang)
    if entry.ask == "date":
        right = replace(fact.date, scheduled=False).label(lang)  # no option says "scheduled"
    elif entry.ask == "place":
        right = fact.place.get(lang)
    elif entry.ask == "party":
        value = party_values(fact)[entry.role].get(lang)
        right = value[:1].upper() + value[1:]
    else:
        right = str(entry.number)
    assert question.options.count(right) == 1
    assert question.answer == right
    wrong = [o for i, o in enumerate(question.options) if i != question.correct]
    english = BANK.question(key, "en")
    assert english.correct == question.correct  # the same poll in every language
    if entry.ask == "date":
        assert en_span(english.answer) == fact.date
        for option, option_en in zip(question.options, english.options, strict=True):
            span = en_span(option_en)
            assert span.label(lang) == option
            if option != right:  # not even partly right: no overlap with the true date
                assert span.last_day < fact.date.first_day or fact.date.last_day < span.first_day
                assert option_en not in fact.text.get("en")  # nor a date the fact gives
    elif entry.ask == "place":
        places = {f.place.get(lang) for _, f in KB.facts.values() if f.place and f is not fact}
        assert all(o in places and o != right for o in wrong)  # other facts' places
    elif entry.ask == "party":
        own = [value.get(lang).casefold() for value in party_values(fact).values()]
        others = [
            value.get(lang).casefold()
            for _, other in KB.facts.values()
            if other is not fact
            for value in party_values(other).values()
        ]
        for option in wrong:  # other facts' parties, none this fact names
            assert option.casefold() in others and option.casefold() not in own
            assert option.casefold() not in fact.text.get(lang).casefold()
    else:
        text = fact.text.get("en").lower()
        assert EN_NUMBERS[entry.number] in text.split()
        assert not any(EN_NUMBERS[int(o)] in text.split() for o in wrong)


@pytest.mark.parametrize(("key", "lang"), QUESTIONS)
def test_every_question_keeps_the_poll_limits_and_quotes_its_fact(key: str, lang: str) -> None:
    question: QuizQuestion = BANK.question(key, lang)
    fact = KB.fact(question.fact)
    assert 1 <= len(question.question) <= 300
    assert 2 <= len(question.options) <= 12
    assert all(1 <= len(option) <= 100 for option in question.options)
    assert len(set(question.options)) == len(question.options)
    assert len(question.explanation) <= 200 and question.explanation.count("\n") <= 2
    assert str(fact.date.start.year) in question.explanation if fact.date else True
    authored = BANK.entries[key].explain
    text = fact.text.get(lang)
    quoted = authored.get(lang) if authored else text
    assert question.explanation in (quoted, text) or text.startswith(question.explanation[:-1])
    assert question.question.strip() == question.question
    given_away = re.search(rf"(?<!\w){re.escape(question.answer)}(?!\w)", question.question, re.I)
    assert given_away is None


def test_pools_by_topic_and_year() -> None:
    assert {BANK.entries[key].fact for key in BANK.keys(topic="iran")} == {"nuclear_talks_2013"}
    in_2015 = {BANK.entries[key].fact for key in BANK.keys(year=2015)}
    assert in_2015 == {
        "first_round_2015",
        "second_round_2015",
        "humanitarian_agreements_2015",
        "talks_2014_2015",  # 2014 to early 2015
        "minsk_summits",
    }
    assert {BANK.entries[key].fact for key in BANK.keys(topic="oic")} == {"islamic_rapprochement"}
    assert BANK.keys(year=1999) == [] and BANK.keys(topic="oic", year=2015) == []


def test_quiz_arguments(engine: Engine) -> None:
    def read(argument: str) -> QuizRequest:
        return read_request(argument, engine, "en")

    assert read("") == QuizRequest() and read("").pool_name == ""
    assert read("score").score and read("ұпай").score and read("Счёт").score
    assert read(" 2015 ").year == 2015
    assert read("IRAN").topic == "iran" and read("/iran").topic == "iran"
    assert read("Сирия").topic == "syria"
    assert read("the Minsk summits").topic == "ukraine"
    assert read("pizza recipes").unknown == "pizza recipes"
    for request in (read("iran"), read("2015"), read("")):
        assert QuizRequest.from_pool_name(request.pool_name) == request


def test_no_repeat_until_the_pool_is_used_up() -> None:
    pool = ["a", "b", "c"]
    asked: set[str] = set()
    rng = random.Random(1)
    for _ in pool:
        key, starts_over = next_key(pool, asked, rng)
        assert key not in asked and not starts_over
        asked.add(key)
    assert next_key(pool, asked, rng)[1] is True


def _broken_copy(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_KNOWLEDGE_DIR, folder)
    path = folder / "quiz" / "iran.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("number: 2", "number: 3", "does not state the number 3 in en"),
        ("[cooperation_resumed.organisers,", "[jcpoa,", "is named by fact 'nuclear_talks_2013'"),
        ("[cooperation_resumed.organisers,", "[geneva_talks_2017,", "names no parties"),
        ("role: parties", "role: organisers", "needs 'role:'"),
        ("ask: number", "ask: reason", "iran.yaml:"),
        ("- fact: nuclear_talks_2013\n  ask: date", "- fact: jcpoa\n  ask: date", "no date"),
        (
            "- fact: nuclear_talks_2013\n  ask: date",
            "- fact: minsk_summits\n  ask: date",
            "not a fact of topic",
        ),
    ],
)
def test_validate_refuses_a_quiz_question_that_does_not_match_its_fact(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    folder = _broken_copy(tmp_path, old, new)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "validate", str(folder)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_console_quiz_is_a_numbered_multiple_choice() -> None:
    question = BANK.question(BANK.keys(topic="iran")[0], "en")
    right = question.correct + 1
    lines = "/quiz iran\n{}\n/quiz iran\n{}\n/quiz score\n/quiz мармелад\n"
    # both Iran questions, in whichever order: answer the first right, the second wrong
    result = subprocess.run(
        [sys.executable, "-m", "bot", "console"],
        input=lines.format(right, 9), cwd=REPO_ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "  1. " in out and "Your answer (1–" in out
    assert "Your quiz score: " in out and " of 2." in out
    assert "Викторины на тему «мармелад» нет." in out


def test_console_quiz_scores_right_and_wrong(engine: Engine) -> None:
    quiz = ConsoleQuiz(engine, random.Random(3))
    shown: list[str] = []

    def right_answer(prompt: str) -> str:
        shown.append(prompt)
        return str(BANK.question(last_key(), "ru").correct + 1)

    def last_key() -> str:
        return next(
            key for key in BANK.keys(topic="iran") if BANK.question(key, "ru").question in shown[-1]
        )

    verdict = quiz.play("/quiz иран", None, right_answer)
    assert verdict.startswith("Верно!\n")
    verdict = quiz.play("/quiz иран", None, lambda prompt: shown.append(prompt) or "0")
    second = BANK.question(last_key(), "ru")
    assert verdict.startswith(f"Неверно: правильный ответ — {second.answer}.\n")
    assert (
        quiz.play("/quiz score", "ru", lambda prompt: "")
        == "Ваш счёт в викторине: верных ответов — 1 из 2."
    )


@pytest.fixture(params=["sqlite", "redis"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], QuizStore]:
    """Opens the quiz store of one backend, the same data at each call (as after a restart)."""
    if request.param == "sqlite":
        return lambda: SqliteQuizStore(tmp_path / "state.sqlite3")
    url = request.getfixturevalue("redis_url")
    return lambda: RedisQuizStore(url)


def test_scores_survive_reopening_and_count_each_answer_once(
    open_store: Callable[[], QuizStore],
) -> None:
    store = open_store()
    store.remember_poll("p1", -5, 2)
    assert store.count_answer("p1", -5, 1, "Alice", True)
    assert not store.count_answer("p1", -5, 1, "Alice", True)  # the same update again
    assert store.count_answer("p1", -5, 2, "Bob", False)
    assert store.count_answer("p1", -5, 3, "Carol", False)
    store.remember_poll("p2", -5, 0)
    assert store.count_answer("p2", -5, 3, "Carol C.", True)
    store.mark_asked(-5, "x.date")
    store.close()
    store = open_store()
    assert store.poll("p1").correct == 2 and store.poll("p1").chat_id == -5
    assert store.poll("p3") is None
    assert [(s.name, s.correct, s.answered) for s in store.top(-5)] == [
        ("Alice", 1, 1),
        ("Carol C.", 1, 2),
        ("Bob", 0, 1),
    ]
    assert store.top(-6) == [] and store.score(-6, 1) is None
    assert store.score(-5, 3).answered == 2
    assert store.asked(-5) == {"x.date"} and store.asked(-6) == set()
    store.forget_asked(-5, ["x.date"])
    assert store.asked(-5) == set()
    store.close()


def test_the_readme_quiz_transcript_is_what_the_bank_asks() -> None:
    """The console transcript in the README stays true to the fact base."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    transcript = readme.split("## Quiz", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    asked = {q.question: q for key in BANK.entries for q in [BANK.question(key, "en")]}
    blocks = [block for block in transcript.split("\n\n") if "Your answer" in block]
    assert len(blocks) == 2
    for block in blocks:
        lines = [line for line in block.strip().splitlines() if not line.startswith("$ ")]
        question = asked[lines[0]]
        options = [line.split(". ", 1)[1] for line in lines if line.startswith("  ")]
        assert options == list(question.options)
        assert lines[-1] == question.explanation
