"""Synthetic fact bases in the real schema, made by cloning the shipped topics.

Every clone gets new topic and fact ids, its years shifted, adjacent words swapped in
its texts, and a made-up name of its own (Latin in English, Cyrillic in Russian and
Kazakh) added to its title, keywords and facts, so the vocabulary grows with the base
the way a real one would.
"""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import yaml

from benchmarks.common import REPO

KNOWLEDGE = REPO / "knowledge"
FACTS_PER_TOPIC = 10  # clones of one topic are grouped this many facts to a topic file
_YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
_SYLLABLES = [c + v for c in "bdgklmnprstvz" for v in "aeiou"]
_TO_CYRILLIC = str.maketrans("bdgklmnprstvzaeiou", "бдгклмнпрствзаеиоу")


def shipped_topics() -> list[dict[str, Any]]:
    return [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(KNOWLEDGE.glob("*.yaml"))
    ]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4)))


def _swap_words(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    for _ in range(2):
        if len(words) > 3:
            i = rng.randrange(len(words) - 1)
            words[i], words[i + 1] = words[i + 1], words[i]
    return " ".join(words)


def _shift_years(value: Any, shift: int) -> Any:
    if isinstance(value, str):
        return _YEAR.sub(lambda m: str(int(m.group(0)) + shift), value)
    if isinstance(value, list):
        return [_shift_years(v, shift) for v in value]
    if isinstance(value, dict):
        return {k: _shift_years(v, shift) for k, v in value.items()}
    return value


def _localized(value: dict[str, str] | None, name: str, rng: random.Random) -> dict | None:
    if value is None:
        return None
    out = {}
    for lang, text in value.items():
        label = name if lang == "en" else name.translate(_TO_CYRILLIC)
        out[lang] = f"{_swap_words(text, rng)} {label.capitalize()}"
    return out


def _keywords(value: dict[str, list] | None, name: str, rng: random.Random) -> dict:
    out = {}
    for lang, items in (value or {}).items():
        label = name if lang == "en" else name.translate(_TO_CYRILLIC)
        kept = [str(item) for item in items if rng.random() < 0.8]
        out[lang] = [*kept, label, f"{label} {rng.choice(kept) if kept else 'talks'}"]
    return out


def _clone_fact(fact: dict, serial: int, name: str, rng: random.Random) -> dict:
    clone = dict(fact)
    clone["id"] = f"{fact['id'][:20]}_{serial}"
    clone.pop("date", None)
    if fact.get("date") is not None:
        clone["date"] = str(fact["date"])
    clone["text"] = _localized(fact["text"], name, rng)
    for detail in ("place", "reason", "count"):
        if fact.get(detail):
            clone[detail] = _localized(fact[detail], name, rng)
    if fact.get("who"):  # roles: who acted, hosted, took part...
        clone["who"] = {role: _localized(text, name, rng) for role, text in fact["who"].items()}
    clone["keywords"] = _keywords(fact.get("keywords"), name, rng)
    return clone


def generate(directory: Path, facts: int, seed: int = 4) -> int:
    """Write a fact base of about `facts` facts into `directory`; return the exact count."""
    rng = random.Random(seed)
    originals = shipped_topics()
    directory.mkdir(parents=True, exist_ok=True)
    written = 0
    serial = 0
    clone_no = 0
    while written < facts:
        original = originals[clone_no % len(originals)]
        clone_no += 1
        name = _name(rng)
        topic = _shift_years(dict(original), rng.randint(-15, 8))
        topic["id"] = f"{original['id'][:20]}_{clone_no}"
        topic["title"] = _localized(original["title"], name, rng)
        topic["summary"] = _localized(original["summary"], name, rng)
        topic["keywords"] = _keywords(original.get("keywords"), name, rng)
        topic["order"] = 100 + clone_no
        topic["related"] = []
        cloned_facts = []
        while len(cloned_facts) < FACTS_PER_TOPIC and written < facts:
            fact = topic["facts"][len(cloned_facts) % len(topic["facts"])]
            serial += 1
            cloned_facts.append(_clone_fact(fact, serial, _name(rng), rng))
            written += 1
        topic["facts"] = cloned_facts
        path = directory / f"{topic['id']}.yaml"
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        text = yaml.dump(topic, Dumper=dumper, allow_unicode=True, sort_keys=False)
        path.write_text(text, encoding="utf-8")
    return written


def synthetic_questions(directory: Path, count: int, seed: int = 5) -> list[str]:
    """Questions naming clones by their made-up names, some with a typo in the name."""
    rng = random.Random(seed)
    paths = sorted(directory.glob("*.yaml"))
    questions = []
    for path in rng.sample(paths, min(count, len(paths))):
        topic = yaml.safe_load(path.read_text(encoding="utf-8"))
        name = topic["keywords"]["en"][-2]
        if rng.random() < 0.3:
            i = rng.randrange(1, len(name))
            name = name[:i] + name[i + 1 :]  # a dropped letter
        pattern = rng.choice(["What happened at {}?", "{} talks", "Tell me about {}"])
        questions.append(pattern.format(name))
    return questions
