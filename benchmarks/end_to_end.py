"""End to end: `python -m bot run` against the fake Bot API, next to a bare PTB app.

Both run as subprocesses polling the same in-process FakeTelegram, one after the other,
alternating over several runs; each figure is the median of its runs. Latency is from the
update being queued to its sendMessage arriving, with the questions one at a time and at
most LATENCY_RATE a second: Telegram lets a bot send about 30 messages a second, so the
bot's flood limiter would otherwise hold replies back and the figure would measure the
limiter. CPU is the bot process's user + system time (from /proc) per reply; memory is its
VmRSS.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import PYTHON, REPO, Figure, child_env, median

BOT = [PYTHON, "-m", "bot", "run"]
BARE = [PYTHON, str(Path(__file__).with_name("bare_bot.py"))]
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
LOAD_QUESTIONS = 400
LOAD_CHATS = 60
LOAD_RATE = 25.0  # updates offered per second
LATENCY_RATE = 20.0  # questions a second at most, one at a time, below Telegram's 30/s
RUNS = 3  # runs of each app, alternating


def bot_available() -> str | None:
    """Why the bot cannot be benchmarked end to end, or None when it can."""
    if not (REPO / "bot" / "telegram" / "app.py").is_file():
        return "bot/telegram/app.py does not exist yet"
    try:
        import aiohttp  # noqa: F401 - the fake server needs it

        from tests.fake_telegram import FakeTelegram  # noqa: F401
    except ImportError as exc:
        return f"the fake Bot API cannot be imported ({exc})"
    return None


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Run:
    latency_ms: float
    cpu_per_reply_ms: float
    lost: int
    rss_mb: float


class _Process:
    """One bot process polling the fake server, stopped with SIGTERM at the end."""

    def __init__(
        self, command: list[str], fake, knowledge: Path | None, workdir: Path, **extra: str
    ) -> None:
        env = child_env()
        env.update(
            TELEGRAM_BOT_TOKEN=fake.token,
            TELEGRAM_API_BASE_URL=f"{fake.url}/bot",
            BOT_STATE_PATH=str(workdir / "state.sqlite3"),
            **extra,
        )
        if knowledge is not None:
            env["KNOWLEDGE_DIR"] = str(knowledge)
        self.log = (workdir / f"{Path(command[-1]).stem}.log").open("w")
        self.process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT
        )

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


async def _replies_to(fake, chat_id: int, after: int, timeout: float = 15.0):
    return await fake.wait_for(
        lambda call: (
            call.method.lower() == "sendmessage"
            and call.params.get("chat_id") == chat_id
            and call.time >= after
        ),
        timeout=timeout,
    )


async def _measure(command, questions, knowledge: Path | None, workdir: Path) -> Run:
    from tests.fake_telegram import FakeTelegram

    async with FakeTelegram() as fake:
        bot = _Process(command, fake, knowledge, workdir)
        try:
            await fake.wait_for_calls("getUpdates", timeout=120)
            # latency: one question at a time, each from a fresh chat, after a warm-up
            latencies = []
            for i, question in enumerate(questions[:60]):
                chat_id = 10_000 + i
                sent = time.monotonic()
                fake.send_text(chat_id, question)
                reply = await _replies_to(fake, chat_id, sent)
                if i >= 10:
                    latencies.append((reply.time - sent) * 1000)
                await asyncio.sleep(max(0.0, sent + 1 / LATENCY_RATE - time.monotonic()))
            await asyncio.sleep(0.5)
            # CPU: questions from many chats offered at a steady rate
            fake.clear_calls()
            cpu_before = cpu_seconds(bot.process.pid)
            start = time.monotonic()
            for i in range(LOAD_QUESTIONS):
                await asyncio.sleep(max(0.0, start + i / LOAD_RATE - time.monotonic()))
                fake.send_text(20_000 + i % LOAD_CHATS, questions[i % len(questions)])
            with contextlib.suppress(AssertionError):
                await fake.wait_for_calls("sendMessage", LOAD_QUESTIONS, timeout=30)
            await asyncio.sleep(0.5)
            cpu = cpu_seconds(bot.process.pid) - cpu_before
            replies = len(fake.calls_of("sendMessage"))  # one reply per question
            lost = max(0, LOAD_QUESTIONS - replies) + len(fake.pending_updates)
            cpu_per_reply = cpu / max(1, replies) * 1000
            return Run(median(latencies), cpu_per_reply, lost, rss_mb(bot.process.pid))
        finally:
            await asyncio.to_thread(bot.stop)  # the fake keeps serving its last calls


async def _memory_at(knowledge: Path, questions: list[str], workdir: Path) -> float:
    from tests.fake_telegram import FakeTelegram

    # as at every start but the first: the built engine is in the cache
    cache = str(workdir / "cache")
    fill = [PYTHON, "-m", "bot", "ask", "--knowledge", str(knowledge), "syria"]
    env = child_env(BOT_CACHE_DIR=cache)
    subprocess.run(fill, cwd=REPO, env=env, check=True, stdout=subprocess.DEVNULL)
    async with FakeTelegram() as fake:
        bot = _Process(BOT, fake, knowledge, workdir, BOT_CACHE_DIR=cache)
        try:
            await fake.wait_for_calls("getUpdates", timeout=300)
            for i, question in enumerate(questions[:20]):
                sent = time.monotonic()
                fake.send_text(30_000 + i, question)
                await _replies_to(fake, 30_000 + i, sent, timeout=60)
            return rss_mb(bot.process.pid)
        finally:
            await asyncio.to_thread(bot.stop)


ADMIN = 700


async def _reload_latencies(
    knowledge: Path, questions: list[str], workdir: Path
) -> tuple[list[float], list[float], float]:
    """Replies while /reload swaps the base after one edited file, and replies around it:
    latencies in ms, and how long the reload took in seconds."""
    from tests.fake_telegram import FakeTelegram

    async with FakeTelegram() as fake:
        bot = _Process(BOT, fake, knowledge, workdir, BOT_ADMINS=str(ADMIN), BOT_CACHE_DIR="off")
        try:
            await fake.wait_for_calls("getUpdates", timeout=600)
            around: list[float] = []
            during: list[float] = []
            reloaded = None
            sent_reload = 0.0
            chat = 40_000
            for round_ in range(2):
                for i, question in enumerate(questions[:40]):
                    sent = time.monotonic()
                    fake.send_text(chat, question)
                    reply = await _replies_to(fake, chat, sent, timeout=60)
                    if i >= 10:  # after a warm-up
                        around.append((reply.time - sent) * 1000)
                    chat += 1
                    await asyncio.sleep(max(0.0, sent + 1 / LATENCY_RATE - time.monotonic()))
                if round_ == 0:  # edit one file, /reload, and ask until it is done
                    path = sorted(knowledge.glob("*.yaml"))[
                        len(list(knowledge.glob("*.yaml"))) // 2
                    ]
                    text = path.read_text(encoding="utf-8")
                    path.write_text(
                        text.replace("\ntitle:\n  en: ", "\ntitle:\n  en: Edited ", 1), "utf-8"
                    )
                    sent_reload = time.monotonic()
                    fake.send_text(ADMIN, "/reload")
                    reloaded = asyncio.ensure_future(_replies_to(fake, ADMIN, sent_reload, 120))
                    while not reloaded.done():
                        sent = time.monotonic()
                        fake.send_text(chat, questions[chat % len(questions)])
                        reply = await _replies_to(fake, chat, sent, timeout=60)
                        during.append((reply.time - sent) * 1000)
                        chat += 1
                        await asyncio.sleep(max(0.0, sent + 1 / LATENCY_RATE - time.monotonic()))
            assert reloaded is not None
            done = reloaded.result()
            if not done.params.get("text", "").startswith("Fact base reloaded"):
                raise RuntimeError(f"/reload failed: {done.params.get('text', '')[:300]}")
            return during, around, done.time - sent_reload
        finally:
            await asyncio.to_thread(bot.stop)


def reload_figure(large_base: Path, questions: list[str]) -> Figure:
    """The slowest reply while /reload swaps a large base, beside the median reply around it."""
    import shutil

    why_not = bot_available()
    if why_not:
        return Figure("6", "Replies during /reload", None, "", note=f"skipped: {why_not}")
    with tempfile.TemporaryDirectory(prefix="bench-reload-") as tmp:
        knowledge = Path(tmp) / "knowledge"
        shutil.copytree(large_base, knowledge)
        during, around, seconds = asyncio.run(_reload_latencies(knowledge, questions, Path(tmp)))
    slowest = max(during, default=float("nan"))
    facts = f"{sum(1 for _ in large_base.glob('*.yaml')):,} topic files"
    return Figure(
        "6",
        f"Slowest reply while /reload swaps the base ({facts}, one file edited)",
        slowest,
        "ms",
        median(around),
        "median reply around the reload, same run",
        "≤ 50 ms",
        slowest <= 50,
        f"{len(during)} replies during the {seconds:.2f} s reload",
    )


def _median_run(runs: list[Run]) -> Run:
    """Each figure's median over the runs; updates lost are the worst run's."""
    return Run(
        median([run.latency_ms for run in runs]),
        median([run.cpu_per_reply_ms for run in runs]),
        max(run.lost for run in runs),
        median([run.rss_mb for run in runs]),
    )


def end_to_end_figures(questions: list[str], large_base: Path | None) -> list[Figure]:
    why_not = bot_available()
    if why_not:
        print(f"  skipped: {why_not}")
        return [Figure("4", "End to end", None, "", note=f"skipped: {why_not}")]
    bare_runs: list[Run] = []
    bot_runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="bench-e2e-") as tmp:
        workdir = Path(tmp)
        for number in range(1, RUNS + 1):
            # each run is a bot's first start: its own state file, no journal from before
            run_dir = workdir / f"run-{number}"
            run_dir.mkdir()
            bare_runs.append(asyncio.run(_measure(BARE, questions, None, run_dir)))
            bot_runs.append(asyncio.run(_measure(BOT, questions, None, run_dir)))
            print(f"  run {number}: bare {bare_runs[-1]}, bot {bot_runs[-1]}")
        if large_base is not None:
            (workdir / "large").mkdir()
            large = asyncio.run(_memory_at(large_base, questions, workdir / "large"))
        else:
            large = None
    bare, bot = _median_run(bare_runs), _median_run(bot_runs)
    figures = [
        Figure(
            "4",
            f"Latency, one question at a time (at most {LATENCY_RATE:g}/s): median update → reply",
            bot.latency_ms,
            "ms",
            bare.latency_ms,
            "bare PTB app, fixed reply",
            "≤ 1.2×",
            bot.latency_ms <= 1.2 * bare.latency_ms,
        ),
        Figure(
            "4",
            f"CPU per reply, {LOAD_QUESTIONS} questions from {LOAD_CHATS} chats at {LOAD_RATE:g}/s",
            bot.cpu_per_reply_ms,
            "ms",
            bare.cpu_per_reply_ms,
            "bare PTB app, fixed reply",
            "≤ 1.2×",
            bot.cpu_per_reply_ms <= 1.2 * bare.cpu_per_reply_ms,
        ),
        Figure(
            "4",
            "Updates lost under that load",
            bot.lost,
            "",
            None,
            f"bare app lost {bare.lost}",
            "0",
            bot.lost == 0,
        ),
        Figure(
            "5",
            "Resident memory (VmRSS) of the running bot, shipped base",
            bot.rss_mb,
            "MB",
            bare.rss_mb,
            "bare PTB app",
            "≤ 80 MB",
            bot.rss_mb <= 80,
        ),
    ]
    if large is not None:
        figures.append(
            Figure(
                "5",
                "Resident memory of the running bot, 10,000 facts, started from the engine cache",
                large,
                "MB",
                bare.rss_mb,
                "bare PTB app",
                "reported",
            )
        )
    return figures
