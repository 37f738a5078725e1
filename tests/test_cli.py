"""The command line, run as a user runs it: `python -m bot ...` in a subprocess."""

from __future__ import annotations

import json
import re
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from helpers_core import (
    BROKEN_CASES,
    DEV_QUESTIONS,
    KNOWLEDGE_DIR,
    REPO_ROOT,
    broken_fact_base,
    copy_knowledge,
    edit_data,
    minimal_fact_base,
    run_cli,
    telegram_modules_imported,
)

from bot.engine import Engine
from bot.evaluate import GOALS, evaluate

JSON_KEYS = {"topic", "fact", "score", "lang", "text", "short", "candidates", "declined"}
DATA = REPO_ROOT / "tests" / "data"
SUMMARY = re.compile(r"^OK: 6 topics, \d+ facts, languages: en, ru, kk$")


def _json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


# --- validate --------------------------------------------------------------------------------


def test_validate_prints_a_one_line_summary() -> None:
    done = run_cli("validate")
    assert done.returncode == 0, done.stderr
    assert SUMMARY.match(done.stdout.strip()), done.stdout
    assert len(done.stdout.strip().splitlines()) == 1
    assert done.stderr == ""


def test_validate_takes_a_directory() -> None:
    done = run_cli("validate", str(KNOWLEDGE_DIR))
    assert done.returncode == 0
    assert SUMMARY.match(done.stdout.strip())


def test_validate_reads_knowledge_dir_from_the_environment(tmp_path) -> None:
    folder = minimal_fact_base(tmp_path / "kb")
    done = run_cli("validate", env={"KNOWLEDGE_DIR": str(folder)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "OK: 1 topics, 1 facts, languages: en, ru, kk"


# the cases the issue names; the loader tests cover the rest in-process
ISSUE_CASES = [
    "yaml_syntax",
    "empty_file",
    "top_level_list",
    "invalid_utf8",
    "missing_topic_id",
    "duplicate_topic_id",
    "duplicate_fact_id",
    "missing_english_fact_text",
    "unknown_date_format",
    "unknown_related_topic",
    "unknown_topic_field",
]


@pytest.fixture(scope="module")
def validated_broken(tmp_path_factory) -> dict[str, subprocess.CompletedProcess[str]]:
    """`validate` on every broken fact base, run side by side to keep the suite fast."""
    root = tmp_path_factory.mktemp("broken")
    cases = [c for c in BROKEN_CASES if c.name in ISSUE_CASES]
    folders = {c.name: broken_fact_base(root, c) for c in cases}
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = {name: pool.submit(run_cli, "validate", str(f)) for name, f in folders.items()}
        return {name: run.result() for name, run in runs.items()}


@pytest.mark.parametrize("name", ISSUE_CASES)
def test_validate_refuses_a_broken_fact_base(validated_broken, name: str) -> None:
    case = next(c for c in BROKEN_CASES if c.name == name)
    done = validated_broken[name]
    assert done.returncode != 0
    assert done.stdout == ""
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0] == "error: the fact base cannot be loaded:"
    assert case.file in lines[1]  # the first problem is the broken file itself
    if case.line:
        assert f"{case.file}:{case.line}:" in lines[1]


def test_validate_missing_folder(tmp_path) -> None:
    done = run_cli("validate", str(tmp_path / "nowhere"))
    assert done.returncode != 0
    assert "nowhere" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_warns_about_a_missing_translation(tmp_path) -> None:
    folder = copy_knowledge(tmp_path / "kb")
    edit_data(folder, "oic", lambda d: d["summary"].pop("kk"))
    done = run_cli("validate", str(folder))
    assert done.returncode == 0
    assert done.stdout.startswith("OK: 6 topics")
    assert "languages: en, ru\n" in done.stdout
    assert "warning" in done.stderr and "oic.yaml" in done.stderr and "kk" in done.stderr
    assert "Traceback" not in done.stderr


def test_every_command_gives_the_same_message_for_a_broken_fact_base(tmp_path) -> None:
    case = next(c for c in BROKEN_CASES if c.name == "yaml_syntax")
    folder = str(broken_fact_base(tmp_path, case))
    commands = [
        (("validate", folder), None, None),
        (("ask", "--knowledge", folder, "Syria"), None, None),
        (("ask", "--json", "-", "--knowledge", folder), "Syria\n", None),
        (("console", "--knowledge", folder), "Syria\n", None),
        (("eval", "--knowledge", folder, str(DEV_QUESTIONS)), None, None),
        (("ask", "Syria"), None, {"KNOWLEDGE_DIR": folder}),
    ]
    with ThreadPoolExecutor(max_workers=4) as pool:
        runs = [pool.submit(run_cli, *a, stdin=i, env=e) for a, i, e in commands]
        expected, *others = [run.result() for run in runs]
    assert "iran.yaml:2:" in expected.stderr
    for done in others:
        assert done.returncode == expected.returncode != 0
        assert done.stderr == expected.stderr
        assert done.stdout == ""


# --- ask -------------------------------------------------------------------------------------


def test_ask_prints_a_plain_text_answer() -> None:
    done = run_cli("ask", "When were the Astana talks on Syria?")
    assert done.returncode == 0, done.stderr
    assert "23 January 2017" in done.stdout[:150]
    assert "<b>" not in done.stdout
    assert done.stdout.rstrip().splitlines()[-1] == "The whole topic: /syria"  # the short form
    assert "Source:" not in done.stdout and len(done.stdout) <= 400


def test_ask_full_prints_the_whole_reply() -> None:
    question = "When were the Astana talks on Syria?"
    short = run_cli("ask", question).stdout.rstrip()
    full = run_cli("ask", "--full", question).stdout.rstrip()
    assert full.startswith(short + "\n\n")
    assert "Source:" in full and "October 2015" in full
    [answer] = _json_lines(run_cli("ask", "--json", question).stdout)
    assert answer["text"] == full  # what a reader sees with the fold open
    assert answer["short"] == short


def test_ask_joins_unquoted_words() -> None:
    done = run_cli("ask", "Iran", "nuclear", "deal")
    assert done.returncode == 0
    assert "The Iranian nuclear deal" in done.stdout


def test_ask_json_has_the_fields() -> None:
    done = run_cli("ask", "--json", "When did Kazakhstan host the Iran talks?")
    assert done.returncode == 0, done.stderr
    [answer] = _json_lines(done.stdout)
    assert set(answer) >= JSON_KEYS
    assert answer["topic"] == "iran"
    assert answer["fact"] == "nuclear_talks_2013"
    assert answer["lang"] == "en"
    assert isinstance(answer["score"], int | float) and answer["score"] > 0
    assert isinstance(answer["candidates"], list)
    assert answer["text"].startswith("When: 2013")


def test_ask_json_declined() -> None:
    [answer] = _json_lines(run_cli("ask", "--json", "What is the weather in Tehran?").stdout)
    assert answer["topic"] is None
    assert answer["fact"] is None
    assert answer["text"]


def test_ask_json_says_why_it_declined() -> None:
    questions = "What is the weather in Tehran?\nWho is the OIC's Secretary General?\nIran talks\n"
    done = run_cli("ask", "--json", "-", stdin=questions)
    weather, secretary, iran = _json_lines(done.stdout)
    assert (weather["topic"], weather["declined"], weather["candidates"]) == (None, "off_topic", [])
    assert (secretary["topic"], secretary["declined"]) == (None, "detail_not_in_facts")
    assert secretary["candidates"] == ["oic"] and secretary["fact"] is None
    assert (iran["topic"], iran["declined"]) == ("iran", None)


def test_ask_json_candidates_are_topic_ids() -> None:
    [answer] = _json_lines(run_cli("ask", "--json", "talks").stdout)
    assert answer["candidates"]
    assert set(answer["candidates"]) <= set(Engine.load().kb.topics)


def test_ask_json_keeps_non_ascii_readable() -> None:
    done = run_cli("ask", "--json", "Сирия")
    assert "Сирия" in done.stdout or "сирий" in done.stdout.lower()
    [answer] = _json_lines(done.stdout)
    assert answer["lang"] == "ru"


def test_ask_json_stdin_one_answer_a_line_in_order() -> None:
    questions = [
        "When did Kazakhstan host the Iran talks?",
        "What is the weather in Tehran?",
        "Минские саммиты",
        "Қазақстан БҰҰ Қауіпсіздік Кеңесіне қашан сайланды?",
        "when was that?",  # each line is independent: no context
        "sammity v minske",
    ]
    done = run_cli("ask", "--json", "-", stdin="\n".join(questions) + "\n")
    assert done.returncode == 0, done.stderr
    answers = _json_lines(done.stdout)
    assert len(done.stdout.strip().splitlines()) == len(questions)
    assert [a["topic"] for a in answers] == ["iran", None, "ukraine", "unsc", None, "ukraine"]
    assert [a["lang"] for a in answers] == ["en", "en", "ru", "kk", "en", "en"]
    for answer in answers:
        assert set(answer) >= JSON_KEYS


def test_ask_stdin_plain_text() -> None:
    done = run_cli("ask", "-", stdin="Iran nuclear deal\nMinsk summits\n")
    assert done.returncode == 0
    out = done.stdout
    assert out.index("The Iranian nuclear deal") < out.index("the Minsk summits")


def test_ask_without_trailing_newline_on_stdin() -> None:
    answers = _json_lines(run_cli("ask", "--json", "-", stdin="Iran\nUkraine").stdout)
    assert [a["topic"] for a in answers] == ["iran", "ukraine"]


def test_ask_dialogue_keeps_context_and_blank_line_starts_anew() -> None:
    stdin = "Iran nuclear talks\nwhen was that?\n\nwhen was that?\nMinsk summits\nwho took part?\n"
    done = run_cli("ask", "--dialogue", "--json", "-", stdin=stdin)
    assert done.returncode == 0, done.stderr
    answers = _json_lines(done.stdout)
    assert len(done.stdout.strip().splitlines()) == 5  # the blank line prints nothing
    assert [a["topic"] for a in answers] == ["iran", "iran", None, "ukraine", "ukraine"]
    assert answers[1]["text"].startswith("When: 2013")


def test_ask_dialogue_plain_text() -> None:
    stdin = "Russia Turkey reconciliation\nwhen did that happen?\n\n\nok bye\n"
    done = run_cli("ask", "--dialogue", "-", stdin=stdin)
    assert done.returncode == 0
    assert "When: 2016." in done.stdout
    assert done.stdout.count("Sorry") == 1


@pytest.mark.parametrize(
    ("lang", "marker"), [("ru", "Ядерная сделка с Ираном"), ("kk", "Иран ядролық келісімі")]
)
def test_ask_lang(lang: str, marker: str) -> None:
    [answer] = _json_lines(run_cli("ask", "--json", "--lang", lang, "Iran nuclear deal").stdout)
    assert answer["lang"] == lang
    assert marker in answer["text"]


def test_ask_rejects_an_unknown_language() -> None:
    done = run_cli("ask", "--lang", "de", "Iran")
    assert done.returncode != 0
    assert "invalid choice" in done.stderr
    assert "Traceback" not in done.stderr


def test_ask_with_another_fact_base(tmp_path) -> None:
    folder = minimal_fact_base(tmp_path / "kb")
    done = run_cli("ask", "--json", "--knowledge", str(folder), "-", stdin="widgets\nIran\n")
    assert [a["topic"] for a in _json_lines(done.stdout)] == ["widgets", None]


def test_ask_with_knowledge_dir_from_the_environment(tmp_path) -> None:
    folder = minimal_fact_base(tmp_path / "kb")
    done = run_cli(
        "ask", "--json", "Where was the widget congress?", env={"KNOWLEDGE_DIR": str(folder)}
    )
    [answer] = _json_lines(done.stdout)
    assert answer["topic"] == "widgets"
    assert answer["text"].startswith("Where: Kokshetau")


def test_knowledge_option_beats_the_environment(tmp_path) -> None:
    folder = minimal_fact_base(tmp_path / "kb")
    done = run_cli(
        "ask",
        "--json",
        "--knowledge",
        str(KNOWLEDGE_DIR),
        "Iran",
        env={"KNOWLEDGE_DIR": str(folder)},
    )
    assert _json_lines(done.stdout)[0]["topic"] == "iran"


# --- console ---------------------------------------------------------------------------------


def test_console_piped_answers_each_line_and_keeps_context() -> None:
    done = run_cli("console", stdin="Iran nuclear talks\nwhen was that?\n")
    assert done.returncode == 0, done.stderr
    assert "The Iranian nuclear deal" in done.stdout
    assert "When: 2013." in done.stdout
    assert "you>" not in done.stdout  # no prompt when piped


def test_console_piped_the_readme_example() -> None:
    done = run_cli("console", stdin="When did Astana host the Syria talks?\n")
    assert done.returncode == 0
    assert "23 January 2017" in done.stdout


def test_console_exits_at_end_of_input_without_a_question() -> None:
    done = run_cli("console", stdin="")
    assert done.returncode == 0
    assert done.stdout.strip() == ""


def test_console_skips_blank_lines_and_declines_off_topic() -> None:
    done = run_cli("console", stdin="\n\nSyria talks\n\nok bye\n")
    assert done.returncode == 0
    assert done.stdout.count("Sorry") == 1
    assert "Mediation in the Syrian conflict" in done.stdout


def test_console_lang() -> None:
    done = run_cli("console", "--lang", "kk", stdin="Iran nuclear talks\n")
    assert "Иран ядролық келісімі" in done.stdout


# --- eval ------------------------------------------------------------------------------------


def test_eval_prints_accuracy_per_slice() -> None:
    done = run_cli("eval", str(DEV_QUESTIONS))
    assert done.returncode in (0, 1), done.stderr
    for name in ["en", "ru", "kk", "translit", "dialogue", "off-topic"]:
        assert re.search(rf"^{re.escape(name)}\s+\d+\.\d%\s+\(\d+/\d+\)", done.stdout, re.M), name
    assert "Traceback" not in done.stderr


def test_eval_lists_misses(tmp_path) -> None:
    questions = tmp_path / "questions.yaml"
    questions.write_text(
        "en:\n"
        '  - {q: "Iran nuclear deal", topics: [ukraine]}\n'
        '  - {q: "Minsk summits", topics: [ukraine]}\n'
        'out_of_scope:\n  - "Ankara hotels"\n',
        encoding="utf-8",
    )
    done = run_cli("eval", str(questions))
    assert done.returncode == 1
    assert re.search(r"^en\s+50\.0%\s+\(1/2\)", done.stdout, re.M)
    assert re.search(r"^off-topic\s+100\.0%\s+\(1/1\)", done.stdout, re.M)
    assert "Iran nuclear deal" in done.stdout
    quiet = run_cli("eval", "--quiet", str(questions))
    assert "Iran nuclear deal" not in quiet.stdout


ISSUE_TARGETS = GOALS  # issue 10's targets, defined once in bot/evaluate.py
CORE_SLICES = {"en", "ru", "kk", "translit", "dialogue", "off-topic"}


@pytest.mark.parametrize(
    "questions",
    [
        DEV_QUESTIONS,
        DATA / "extra_questions.yaml",
        DATA / "probe_questions.yaml",
        DATA / "questions_tune.yaml",
        DATA / "questions_check.yaml",
        DATA / "questions_c.yaml",
    ],
    ids=["dev", "extra", "probe", "tune", "check", "set_c"],
)
def test_question_sets_meet_the_issue_targets(questions: Path) -> None:
    """The dev set, and the sets written apart from the matcher to check it generalises
    (questions_tune.yaml is issue 10's set A, the one the matcher was tuned on;
    questions_check.yaml its set B, held out once, then used to find general causes)."""
    result = evaluate(Engine.load(), questions)
    assert CORE_SLICES <= set(result.slices) <= set(ISSUE_TARGETS)
    shares = {name: score.share for name, score in result.slices.items()}
    below = {n: f"{s:.1%}" for n, s in shares.items() if s < ISSUE_TARGETS[n]}
    assert not below, f"below target: {below}; misses: {result.misses}"
    assert result.meets_goals()


# the misses of sets D and E no general fix reached yet. D: a name the source never gives
# opening a keyword query (no capital tells it from a sentence's first word), and a question
# for the P5+1's members whose every word the base knows. E: arithmetic over two dates, which
# of two topics came first, a query of three typos, an acronym's expansion as the lead, "where
# else" in Russian, and a label with the source's "February 8" where the base writes "8 February"
KNOWN_MISSES = {
    "questions_d.yaml": (
        "'Tokayev speech at the UN Security Council' -> unsc",
        "'Which countries make up the P5+1?' -> iran",
    ),
    "questions_e.yaml": (
        "'wat did kazakhstn do for sirya peace' -> None",
        "'Which came first, the Iran talks or the Syria talks?' -> None",
        "'What does JCPOA stand for?' -> iran",
        "'How many days passed between the Astana talks and the Geneva talks?' -> None",
        "'How many months apart were the two 2015 rounds?' -> None",
        "'Which countries make up the P5+1?' -> iran",
        "'and the Geneva ones?' -> syria",
        "'а где ещё Казахстан сотрудничает с Турцией?' -> russia_turkey",
    ),
}


@pytest.mark.parametrize("name", sorted(KNOWN_MISSES))
def test_later_sets_miss_only_their_known_items(name: str) -> None:
    """Sets D and E were held out once, then used for general fixes; they stay under target
    in a slice or two, with exactly the misses noted above."""
    result = evaluate(Engine.load(), DATA / name)
    known = KNOWN_MISSES[name]
    unexpected = [m for m in result.misses if not any(k in m for k in known)]
    assert not unexpected, unexpected
    assert len(result.misses) <= len(known), result.misses


# --- help, and no Telegram outside `run` -----------------------------------------------------


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((), ["ask", "console", "validate", "eval", "run"]),
        (("ask",), ["--json", "--lang", "--knowledge", "--dialogue"]),
        (("console",), ["--lang", "--knowledge"]),
        (("validate",), ["directory"]),
        (("eval",), ["file", "--quiet"]),
        (("run",), ["--knowledge"]),
    ],
)
def test_help(args: tuple[str, ...], words: list[str]) -> None:
    done = run_cli(*args, "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage:")
    for word in words:
        assert word in done.stdout


def test_no_command_prints_usage_and_fails() -> None:
    done = run_cli()
    assert done.returncode != 0
    assert "usage:" in done.stderr


def test_cli_commands_do_not_import_telegram() -> None:
    body = (
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['ask', 'When did Astana host the Syria talks?'])\n"
        "    main(['ask', '--json', 'Iran'])\n"
        "    main(['validate'])"
    )
    assert telegram_modules_imported(body) == []


def test_ask_import_time_has_no_telegram() -> None:
    done = run_cli("ask", "syria", env={"PYTHONPROFILEIMPORTTIME": "1"})
    assert done.returncode == 0
    modules = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines() if "|" in line]
    assert modules, "no import-time output"
    assert not [m for m in modules if m.split(".")[0] == "telegram"]
    assert not [m for m in modules if m.startswith("bot.telegram")]
