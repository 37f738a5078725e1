"""The command line: `python -m bot ask|console|validate|eval|run|report|health`.

Telegram is imported only by `run`, so the other commands start fast.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from .engine import Answer, Engine, Turn
from .loader import KnowledgeError, load_knowledge, paused_gc
from .settings import Settings
from .text import LANGS

if TYPE_CHECKING:
    from .unanswered import UnansweredLog

EXIT_BAD_KNOWLEDGE = 2
# The console's /help names the bot as the README does; the conversation keeps as many turns
# as the Telegram bot's (bot/telegram/conversation.py).
CONSOLE_USERNAME = "yourbot"
CONSOLE_TURNS = 5


def _engine(args: argparse.Namespace) -> Engine:
    from .engine_cache import load_engine

    settings = Settings.from_env()
    # no garbage collection while it loads: a collection would walk the whole engine read
    # from the cache (then it is frozen: see freeze_heap)
    with paused_gc():
        return load_engine(args.knowledge or settings.knowledge_dir, settings.cache_dir)


def answer_json(engine: Engine, answer: Answer) -> str:
    """`text` is the whole reply as a reader sees it expanded; `short` its part before the fold."""
    from .render import Plain, render_reply

    reply = render_reply(answer, engine.kb)
    return json.dumps(
        {
            "topic": answer.topic,
            "fact": answer.fact,
            "score": answer.score,
            "lang": answer.lang,
            "kind": answer.kind,
            "focus": answer.focus,
            "role": answer.role,
            "topics": list(answer.topics),
            "facts": list(answer.facts),
            "candidates": list(answer.candidates),
            "declined": answer.declined,
            "text": reply.message(Plain),
            "short": reply.short,
        },
        ensure_ascii=False,
    )


def _emit(engine: Engine, answer: Answer, as_json: bool, out: TextIO, full: bool = False) -> None:
    """One answer: as JSON, as the whole plain text (`full`), or as its short part."""
    from .render import render_answer, render_reply

    if as_json:
        out.write(answer_json(engine, answer) + "\n")
    elif full:
        out.write(render_answer(answer, engine.kb) + "\n\n")
    else:
        out.write(render_reply(answer, engine.kb).short + "\n\n")
    out.flush()


def _conversations(lines: Iterable[str]) -> Iterator[list[str]]:
    """Group lines into conversations; an empty line ends one."""
    turns: list[str] = []
    for line in lines:
        line = line.rstrip("\n")
        if line.strip():
            turns.append(line)
        elif turns:
            yield turns
            turns = []
    if turns:
        yield turns


def cmd_ask(args: argparse.Namespace) -> int:
    engine = _engine(args)
    out = sys.stdout
    if args.question != ["-"]:
        question = " ".join(args.question)
        _emit(engine, engine.answer(question, args.lang), args.json, out, args.full)
        return 0
    if args.dialogue:
        for conversation in _conversations(sys.stdin):
            context: list[Turn] = []
            for question in conversation:
                answer = engine.answer(question, args.lang, context)
                context.append(answer.turn)
                _emit(engine, answer, args.json, out, args.full)
        return 0
    for line in sys.stdin:
        if line.strip():
            _emit(engine, engine.answer(line.strip(), args.lang), args.json, out, args.full)
    return 0


def cmd_console(args: argparse.Namespace) -> int:
    from .unanswered import open_unanswered_log

    engine = _engine(args)
    unanswered = open_unanswered_log(Settings.from_env())
    try:
        return _chat(engine, args.lang, unanswered)
    finally:
        unanswered.close()


def _chat(engine: Engine, lang: str | None, unanswered: UnansweredLog) -> int:
    """The bot without Telegram: each line is a command (/help, /iran, /lang ru...) or a
    question, answered by commands.run_command with the words of a private chat; /quiz plays."""
    from .commands import DEFAULT_LANG, Command, parse_command, run_command
    from .quiz_console import ConsoleQuiz, is_quiz_command
    from .render import topic_list

    interactive = sys.stdin.isatty()
    quiz = ConsoleQuiz(engine)
    if interactive:
        print("Ask about Kazakhstan's diplomacy initiatives (Ctrl-D to quit). Topics:")
        print(topic_list(engine.kb, lang or DEFAULT_LANG) + "\n")
    history: list[Turn] = []
    while True:
        try:
            line = input("you> ") if interactive else sys.stdin.readline()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not interactive and not line:
            return 0
        text = line.strip()
        if not text:
            continue
        if is_quiz_command(line):
            print(quiz.play(line, lang, lambda prompt: _read_answer(prompt, interactive)) + "\n")
            continue
        command = parse_command(text) or Command("ask", argument=text)
        reply = run_command(engine, command, lang or DEFAULT_LANG, username=CONSOLE_USERNAME,
                            history=history)  # fmt: skip
        lang = reply.chosen_lang or lang
        if reply.turn.topics:
            history = [*history[-(CONSOLE_TURNS - 1) :], reply.turn]
        sys.stdout.write(reply.text + "\n\n")
        sys.stdout.flush()
        if reply.answer is not None:
            unanswered.record(reply.answer)


def _read_answer(prompt: str, interactive: bool) -> str:
    """A quiz answer: typed after the prompt, or the next input line, echoed as if typed."""
    if interactive:
        try:
            return input(prompt)
        except (EOFError, KeyboardInterrupt):
            return ""
    answer = sys.stdin.readline().strip()
    print(prompt + answer)
    return answer


def cmd_validate(args: argparse.Namespace) -> int:
    from .quiz_files import check_quiz

    kb = load_knowledge(args.directory or Settings.from_env().knowledge_dir)
    for warning in kb.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    _, problems = check_quiz(kb)
    if problems:
        print("error: quiz questions that cannot be asked:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_BAD_KNOWLEDGE
    print(f"OK: {kb.summary()}")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, report

    result = evaluate(_engine(args), Path(args.file))
    print(report(result, show_misses=not args.quiet))
    return 0 if result.meets_goals() else 1


def cmd_run(args: argparse.Namespace) -> int:
    from .telegram.app import run

    return run(Settings.from_env(), knowledge_dir=args.knowledge, webhook=args.webhook)


def cmd_report(args: argparse.Namespace) -> int:
    from .unanswered import open_unanswered_log, report

    log = open_unanswered_log(Settings.from_env())
    try:
        print(report(log, args.since, args.top))
    finally:
        log.close()
    return 0


def cmd_health(args: argparse.Namespace) -> int:
    from .health import check

    healthy, reason = check(Settings.from_env())
    print(reason, file=sys.stdout if healthy else sys.stderr)
    return 0 if healthy else 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="Answers questions about Kazakhstan's global diplomacy initiatives.",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    def with_knowledge(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--knowledge", metavar="DIR", help="fact base folder (env KNOWLEDGE_DIR)")
        return p

    ask = with_knowledge(sub.add_parser("ask", help="answer a question and exit"))
    ask.add_argument("question", nargs="+", help="the question, or - to read one a line from stdin")
    ask.add_argument("--lang", choices=LANGS, help="reply language (default: the question's)")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument(
        "--full", action="store_true", help="print the whole reply, not only its short part"
    )
    ask.add_argument(
        "--dialogue",
        action="store_true",
        help="with -, read conversations: consecutive lines are turns, an empty line starts anew",
    )
    ask.set_defaults(func=cmd_ask)

    console = with_knowledge(
        sub.add_parser("console", help="chat in the terminal: questions and the bot's commands")
    )
    console.add_argument(
        "--lang", choices=LANGS, help="reply language, as /lang sets it (default: en)"
    )
    console.set_defaults(func=cmd_console)

    validate = sub.add_parser("validate", help="check a fact base and summarise it")
    validate.add_argument("directory", nargs="?", help="fact base folder (default: knowledge/)")
    validate.set_defaults(func=cmd_validate)

    ev = with_knowledge(sub.add_parser("eval", help="score a question file per slice"))
    ev.add_argument("file", help="questions in the format of shared/eval/dev_questions.yaml")
    ev.add_argument("--quiet", action="store_true", help="only the scores, not the misses")
    ev.set_defaults(func=cmd_eval)

    run = with_knowledge(sub.add_parser("run", help="start the Telegram bot (long polling)"))
    run.add_argument(
        "--webhook",
        action="store_true",
        help="serve a webhook instead (WEBHOOK_URL, WEBHOOK_SECRET, LISTEN, PORT), for replicas",
    )
    run.set_defaults(func=cmd_run)

    rep = sub.add_parser("report", help="the most frequent unanswered questions, grouped")
    rep.add_argument("--since", type=float, default=30, metavar="DAYS", help="default: 30")
    rep.add_argument("--top", type=int, default=20, metavar="N", help="groups shown (default 20)")
    rep.set_defaults(func=cmd_report)

    health = sub.add_parser("health", help="exit 0 if the running bot is healthy (HEALTHCHECK)")
    health.set_defaults(func=cmd_health)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KnowledgeError as exc:
        print(f"error: the fact base cannot be loaded:\n{exc}", file=sys.stderr)
        return EXIT_BAD_KNOWLEDGE
    except BrokenPipeError:
        return 0
