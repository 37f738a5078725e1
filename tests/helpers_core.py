"""Shared helpers for the core (non-Telegram) tests: paths, broken fact bases, the CLI.

Broken fact bases are built by copying the shipped knowledge/ folder and breaking one
file, so every case differs from a valid fact base by exactly one problem.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = REPO_ROOT / "knowledge"
# A copy of the shared dev set, so the suite needs nothing outside the repository.
DEV_QUESTIONS = REPO_ROOT / "tests" / "data" / "dev_questions.yaml"
SHIPPED_TOPICS = {"syria", "russia_turkey", "unsc", "oic", "iran", "ukraine"}
LEAD_CHARS = 150  # the asked-for detail must appear this early in a reply


# --- fact bases ------------------------------------------------------------------------------


def copy_knowledge(target: Path) -> Path:
    """A copy of the shipped fact base in `target` (created), to break or extend."""
    target.mkdir(parents=True, exist_ok=True)
    for path in KNOWLEDGE_DIR.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def edit_text(folder: Path, name: str, change: Callable[[str], str]) -> Path:
    path = folder / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    changed = change(text)
    assert changed != text, f"the edit of {name}.yaml changed nothing"
    path.write_text(changed, encoding="utf-8")
    return path


def edit_data(folder: Path, name: str, change: Callable[[dict], None]) -> Path:
    """Load a topic file, change its data in place, and write it back as YAML."""
    path = folder / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def replace_line(text: str, line_no: int, new: str) -> str:
    lines = text.splitlines(keepends=True)
    lines[line_no - 1] = new + "\n"
    return "".join(lines)


def _fact(data: dict, fact_id: str) -> dict:
    return next(f for f in data["facts"] if f["id"] == fact_id)


@dataclass(frozen=True)
class BrokenCase:
    """One way to break a fact base: what to do, which file it names, what else it says."""

    name: str
    breaks: Callable[[Path], None]
    file: str
    says: tuple[str, ...] = ()
    line: int | None = None


def _yaml_syntax(folder: Path) -> None:
    # line 2 is "order: 5"; a second colon on it is a YAML syntax error on that very line
    edit_text(folder, "iran", lambda t: replace_line(t, 2, "order: 5: 6"))


def _empty(folder: Path) -> None:
    (folder / "oic.yaml").write_text("", encoding="utf-8")


def _comments_only(folder: Path) -> None:
    (folder / "oic.yaml").write_text("# nothing here yet\n", encoding="utf-8")


def _not_mapping(folder: Path) -> None:
    (folder / "oic.yaml").write_text("- id: oic\n- title: OIC\n", encoding="utf-8")


def _scalar_top(folder: Path) -> None:
    (folder / "oic.yaml").write_text("just a sentence\n", encoding="utf-8")


def _bad_utf8(folder: Path) -> None:
    path = folder / "ukraine.yaml"
    path.write_bytes(path.read_bytes().replace(b"Kyiv", b"K\xffyiv", 1))


def _latin1(folder: Path) -> None:
    path = folder / "ukraine.yaml"
    path.write_bytes("id: ukraine\ntitle:\n  en: Fran\u00e7ois\n".encode("latin-1"))


def _missing_id(folder: Path) -> None:
    edit_data(folder, "iran", lambda d: d.pop("id"))


def _duplicate_topic(folder: Path) -> None:
    shutil.copy(folder / "iran.yaml", folder / "zz_iran_copy.yaml")


def _duplicate_fact_same_file(folder: Path) -> None:
    edit_data(folder, "iran", lambda d: d["facts"][1].update(id=d["facts"][0]["id"]))


def _duplicate_fact_across_files(folder: Path) -> None:
    edit_data(folder, "oic", lambda d: d["facts"][0].update(id="jcpoa"))


def _missing_english_fact(folder: Path) -> None:
    edit_data(folder, "unsc", lambda d: _fact(d, "priorities")["text"].pop("en"))


def _missing_english_title(folder: Path) -> None:
    edit_data(folder, "unsc", lambda d: d["title"].pop("en"))


def _blank_english(folder: Path) -> None:
    edit_data(folder, "unsc", lambda d: _fact(d, "priorities")["text"].update(en="   "))


def _missing_title(folder: Path) -> None:
    edit_data(folder, "unsc", lambda d: d.pop("title"))


def _bad_date(folder: Path) -> None:
    edit_data(folder, "syria", lambda d: _fact(d, "first_round_2015").update(date="May 2015"))


def _impossible_date(folder: Path) -> None:
    edit_data(folder, "syria", lambda d: _fact(d, "first_round_2015").update(date="2015-02-30"))


def _backwards_range(folder: Path) -> None:
    edit_data(folder, "unsc", lambda d: _fact(d, "term_2017_2018").update(date="2018/2017"))


def _unknown_related(folder: Path) -> None:
    edit_data(folder, "ukraine", lambda d: d["related"].append("mars"))


def _unknown_topic_field(folder: Path) -> None:
    edit_data(folder, "oic", lambda d: d.update(summery={"en": "typo"}))


def _unknown_fact_field(folder: Path) -> None:
    edit_data(folder, "oic", lambda d: d["facts"][0].update(dates="2016"))


def _unknown_role(folder: Path) -> None:
    who = {"mediator": {"en": "Kazakhstan"}}  # a role the schema does not know: never dropped
    edit_data(folder, "oic", lambda d: d["facts"][0].update(who=who))


def _no_role(folder: Path) -> None:
    edit_data(folder, "oic", lambda d: d["facts"][0].update(who={}))


def _people_field(folder: Path) -> None:
    # the old single field mixed up host, parties and mediator: refused, not read
    edit_data(folder, "oic", lambda d: d["facts"][0].update(people={"en": "Kazakhstan"}))


def _no_facts(folder: Path) -> None:
    edit_data(folder, "oic", lambda d: d.update(facts=[]))


def _long_short_title(folder: Path) -> None:
    edit_data(
        folder, "oic", lambda d: d["short_title"].update(ru="Организация исламского сотрудничества")
    )


def _bad_topic_id(folder: Path) -> None:
    edit_data(folder, "oic", lambda d: d.update(id="Islamic Cooperation!"))


BROKEN_CASES = [
    BrokenCase("yaml_syntax", _yaml_syntax, "iran.yaml", ("YAML",), line=2),
    BrokenCase("empty_file", _empty, "oic.yaml", ("empty",)),
    BrokenCase("comments_only", _comments_only, "oic.yaml", ("empty",)),
    BrokenCase("top_level_list", _not_mapping, "oic.yaml", ("mapping",)),
    BrokenCase("top_level_scalar", _scalar_top, "oic.yaml", ("mapping",)),
    BrokenCase("invalid_utf8", _bad_utf8, "ukraine.yaml", ("UTF-8",)),
    BrokenCase("latin1_file", _latin1, "ukraine.yaml", ("UTF-8",)),
    BrokenCase("missing_topic_id", _missing_id, "iran.yaml", ("id",)),
    BrokenCase(
        "duplicate_topic_id", _duplicate_topic, "zz_iran_copy.yaml", ("duplicate", "'iran'")
    ),
    BrokenCase("duplicate_fact_id", _duplicate_fact_same_file, "iran.yaml", ("duplicate",)),
    BrokenCase(
        "duplicate_fact_id_across_files",
        _duplicate_fact_across_files,
        "oic.yaml",
        ("duplicate", "jcpoa", "iran.yaml"),
    ),
    BrokenCase("missing_english_fact_text", _missing_english_fact, "unsc.yaml", ("en",)),
    BrokenCase("missing_english_title", _missing_english_title, "unsc.yaml", ("title", "en")),
    BrokenCase("blank_english_text", _blank_english, "unsc.yaml", ("empty",)),
    BrokenCase("missing_title", _missing_title, "unsc.yaml", ("title",)),
    BrokenCase("unknown_date_format", _bad_date, "syria.yaml", ("date", "May 2015")),
    BrokenCase("impossible_date", _impossible_date, "syria.yaml", ("date",)),
    BrokenCase("backwards_date_range", _backwards_range, "unsc.yaml", ("date",)),
    BrokenCase("unknown_related_topic", _unknown_related, "ukraine.yaml", ("related", "mars")),
    BrokenCase("unknown_topic_field", _unknown_topic_field, "oic.yaml", ("summery", "unknown")),
    BrokenCase("unknown_fact_field", _unknown_fact_field, "oic.yaml", ("dates", "unknown")),
    BrokenCase("unknown_who_role", _unknown_role, "oic.yaml", ("mediator",)),
    BrokenCase("who_without_a_role", _no_role, "oic.yaml", ("who", "actor", "host")),
    BrokenCase("old_people_field", _people_field, "oic.yaml", ("people",)),
    BrokenCase("topic_without_facts", _no_facts, "oic.yaml", ("facts",)),
    BrokenCase("topic_id_not_a_command", _bad_topic_id, "oic.yaml", ("id",)),
    BrokenCase("short_title_too_long", _long_short_title, "oic.yaml", ("short_title", "30")),
]


def broken_fact_base(tmp_path: Path, case: BrokenCase) -> Path:
    folder = copy_knowledge(tmp_path / case.name)
    case.breaks(folder)
    return folder


def minimal_fact_base(folder: Path) -> Path:
    """A one-topic fact base that shares no words with the shipped one."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "widgets.yaml").write_text(
        """\
id: widgets
title:
  en: The widget congress
  ru: Конгресс виджетов
  kk: Виджеттер конгресі
summary:
  en: Kazakhstan hosted the widget congress in Kokshetau in March 2019.
  ru: Казахстан принял конгресс виджетов в Кокшетау в марте 2019 года.
  kk: Қазақстан 2019 жылғы наурызда Көкшетауда виджеттер конгресін қабылдады.
source: {en: A test document, ru: Тестовый документ, kk: Сынақ құжаты}
keywords:
  en: [widget, widgets, gadget congress]
facts:
- id: congress_2019
  date: 2019-03
  text:
    en: In March 2019 Kazakhstan hosted the widget congress in Kokshetau.
    ru: В марте 2019 года Казахстан принял конгресс виджетов в Кокшетау.
    kk: 2019 жылғы наурызда Қазақстан Көкшетауда виджеттер конгресін қабылдады.
  place:
    en: Kokshetau
    ru: Кокшетау
    kk: Көкшетау
""",
        encoding="utf-8",
    )
    return folder


# --- the command line ------------------------------------------------------------------------


def run_cli(
    *args: str,
    stdin: str | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`python -m bot ARGS` from the repository root, as a user would run it."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("KNOWLEDGE_DIR",)}
    full_env["PYTHONIOENCODING"] = "utf-8"
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=REPO_ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=full_env,
        timeout=timeout,
    )


def telegram_modules_imported(body: str) -> list[str]:
    """Run `body` (with bot.cli's main at hand, its output swallowed) in a fresh interpreter,
    and return the Telegram modules it imported: the command line must import none."""
    code = (
        "import io, json, sys, contextlib\n"
        "from bot.cli import main\n"
        f"{body}\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'telegram'"
        " or m.startswith('bot.telegram'))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)
