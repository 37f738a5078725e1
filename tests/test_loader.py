"""The loader: every broken fact base is refused with a message naming the file (and line);
the shipped fact base is complete, sourced and states past events as past."""

from __future__ import annotations

import re

import pytest
from helpers_core import (
    BROKEN_CASES,
    KNOWLEDGE_DIR,
    SHIPPED_TOPICS,
    BrokenCase,
    broken_fact_base,
    copy_knowledge,
    edit_data,
    minimal_fact_base,
)

from bot.loader import KnowledgeBase, KnowledgeError, load_knowledge
from bot.text import LANGS


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge()


def _every_text(kb: KnowledgeBase, lang: str) -> list[tuple[str, str]]:
    """(where, text) for every user-visible text of the fact base in one language."""
    found = []
    for topic in kb.topics.values():
        found += [(f"{topic.id} title", topic.title.get(lang))]
        found += [(f"{topic.id} summary", topic.summary.get(lang))]
        for fact in topic.facts:
            found.append((f"{fact.id} text", fact.text.get(lang)))
            found += [(f"{fact.id} {name}", value.get(lang)) for name, value in fact.details()]
    return found


# --- broken fact bases -----------------------------------------------------------------------


@pytest.mark.parametrize("case", BROKEN_CASES, ids=lambda c: c.name)
def test_broken_fact_base_is_refused_naming_the_file(tmp_path, case: BrokenCase) -> None:
    folder = broken_fact_base(tmp_path, case)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    message = str(caught.value)
    assert case.file in message.splitlines()[0]
    assert "Traceback" not in message
    for word in case.says:
        assert word.lower() in message.lower(), f"{word!r} not in {message!r}"


CASCADE = "a topic that fails to load also makes every related: reference to it an error"


@pytest.mark.parametrize(
    "name",
    [
        "duplicate_topic_id",
        "duplicate_fact_id",
        "unknown_related_topic",
        "yaml_syntax",
        "unknown_date_format",
        "missing_english_fact_text",
    ],
)
def test_only_the_broken_file_is_blamed(tmp_path, name: str) -> None:
    case = next(c for c in BROKEN_CASES if c.name == name)
    folder = broken_fact_base(tmp_path, case)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    blamed = [line for line in str(caught.value).splitlines() if line.strip()]
    assert all(line.startswith(str(folder / case.file)) for line in blamed), blamed


def test_yaml_syntax_error_names_the_line(tmp_path) -> None:
    case = next(c for c in BROKEN_CASES if c.name == "yaml_syntax")
    folder = broken_fact_base(tmp_path, case)
    with pytest.raises(KnowledgeError, match=r"iran\.yaml:2\b"):
        load_knowledge(folder)


def test_yaml_syntax_error_deep_in_a_file_names_that_line(tmp_path) -> None:
    folder = copy_knowledge(tmp_path / "kb")
    path = folder / "syria.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    # an unterminated quoted string: the error is reported where the string starts
    bad_line = len(lines) - 3
    lines[bad_line - 1] = '    en: "an unterminated string'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    match = re.search(r"syria\.yaml:(\d+)", str(caught.value))
    assert match, str(caught.value)
    assert abs(int(match[1]) - bad_line) <= 4


def test_schema_errors_name_the_line_of_the_bad_value(tmp_path) -> None:
    folder = copy_knowledge(tmp_path / "kb")
    path = folder / "syria.yaml"
    text = path.read_text(encoding="utf-8")
    line_no = text[: text.index("date: 2015-05")].count("\n") + 1
    path.write_text(text.replace("date: 2015-05", "date: May-2015"), encoding="utf-8")
    with pytest.raises(KnowledgeError, match=rf"syria\.yaml:{line_no}\b.*date"):
        load_knowledge(folder)


def test_all_problems_are_reported_at_once(tmp_path) -> None:
    folder = copy_knowledge(tmp_path / "kb")
    (folder / "oic.yaml").write_text("", encoding="utf-8")
    edit_data(folder, "ukraine", lambda d: d["related"].append("mars"))
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(folder)
    assert "oic.yaml" in str(caught.value)
    assert "ukraine.yaml" in str(caught.value)


def test_missing_folder_and_empty_folder_are_refused(tmp_path) -> None:
    with pytest.raises(KnowledgeError, match="no-such-folder"):
        load_knowledge(tmp_path / "no-such-folder")
    (tmp_path / "empty").mkdir()
    with pytest.raises(KnowledgeError, match="empty"):
        load_knowledge(tmp_path / "empty")


# --- translations fall back to English -------------------------------------------------------


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_missing_translation_loads_with_a_warning_and_falls_back_to_english(
    tmp_path, lang: str
) -> None:
    folder = copy_knowledge(tmp_path / "kb")

    def drop(data: dict) -> None:
        data["facts"][0]["text"].pop(lang)

    edit_data(folder, "iran", drop)
    kb = load_knowledge(folder)
    fact = kb.topics["iran"].facts[0]
    assert fact.text.get(lang) == fact.text.en
    assert len(kb.warnings) == 1
    warning = kb.warnings[0]
    assert "iran.yaml" in warning
    assert lang in warning
    assert fact.id in warning
    assert lang not in kb.languages()


def test_a_missing_translation_of_a_detail_is_named_in_its_warning(tmp_path) -> None:
    """Translations are checked first without naming each text: a detail's gap still gets
    its own warning, and a base translated throughout gets none."""
    folder = copy_knowledge(tmp_path / "kb")
    assert load_knowledge(folder).warnings == ()

    def drop(data: dict) -> None:
        fact = next(fact for fact in data["facts"] if "place" in fact)
        fact["place"].pop("kk")

    edit_data(folder, "iran", drop)
    kb = load_knowledge(folder)
    (warning,) = kb.warnings
    fact = next(fact for fact in kb.topics["iran"].facts if fact.place is not None)
    assert f"fact {fact.id} place: missing kk text" in warning and "iran.yaml" in warning


def test_other_languages_still_complete_when_one_text_is_missing(tmp_path) -> None:
    folder = copy_knowledge(tmp_path / "kb")
    edit_data(folder, "oic", lambda d: d["title"].pop("kk"))
    kb = load_knowledge(folder)
    assert kb.languages() == ["en", "ru"]
    assert kb.topics["oic"].title.get("kk") == kb.topics["oic"].title.en


def test_a_maintainer_can_add_a_topic(tmp_path) -> None:
    folder = copy_knowledge(tmp_path / "kb")
    minimal_fact_base(folder)
    kb = load_knowledge(folder)
    assert set(kb.topics) == SHIPPED_TOPICS | {"widgets"}
    assert kb.warnings == ()


def test_a_fact_base_of_one_topic_loads(tmp_path) -> None:
    kb = load_knowledge(minimal_fact_base(tmp_path / "kb"))
    assert list(kb.topics) == ["widgets"]
    assert str(kb.fact("congress_2019").date) == "March 2019"


# --- the shipped fact base -------------------------------------------------------------------


def test_shipped_fact_base_has_exactly_the_six_topics(kb: KnowledgeBase) -> None:
    assert set(kb.topics) == SHIPPED_TOPICS
    assert kb.directory == KNOWLEDGE_DIR


def test_shipped_fact_base_has_complete_translations(kb: KnowledgeBase) -> None:
    assert kb.warnings == ()
    assert kb.languages() == list(LANGS)


def test_topic_ids_are_file_names_and_commands(kb: KnowledgeBase) -> None:
    for topic_id in kb.topics:
        assert (KNOWLEDGE_DIR / f"{topic_id}.yaml").is_file()
        assert re.fullmatch(r"[a-z][a-z0-9_]{0,31}", topic_id)


def test_every_fact_has_a_source(kb: KnowledgeBase) -> None:
    for topic, fact in kb.facts.values():
        source = topic.source_of(fact)
        assert not source.missing(), fact.id  # named in every reply language
        assert "global diplomacy" in source.en.lower()


def test_every_topic_has_a_title_summary_and_facts(kb: KnowledgeBase) -> None:
    for topic in kb.topics.values():
        assert topic.title.en and topic.summary.en
        assert topic.facts


def test_related_topics_are_other_shipped_topics(kb: KnowledgeBase) -> None:
    for topic in kb.topics.values():
        assert topic.id not in topic.related
        assert set(topic.related) <= SHIPPED_TOPICS


def test_key_dated_events_of_the_document_are_facts(kb: KnowledgeBase) -> None:
    labels = {str(fact.date) for _, fact in kb.facts.values() if fact.date}
    for expected in ["23 January 2017", "8 February 2017 (scheduled)", "May 2015", "October 2015"]:
        assert expected in labels
    assert {"2013", "2016", "2017–2018"} <= labels
    assert "2014–early 2015" in labels


def test_some_statements_carry_no_date(kb: KnowledgeBase) -> None:
    assert any(fact.date is None for _, fact in kb.facts.values())


@pytest.mark.parametrize("lang", LANGS)
def test_no_turley_typo(kb: KnowledgeBase, lang: str) -> None:
    for where, text in _every_text(kb, lang):
        assert "turley" not in text.lower(), where


def test_no_turley_typo_in_the_files() -> None:
    for path in KNOWLEDGE_DIR.glob("*.yaml"):
        assert "turley" not in path.read_text(encoding="utf-8").lower(), path.name


FUTURE_PHRASES = [
    " will ",
    "is scheduled",
    "are scheduled",
    "is due",
    "are due",
    "upcoming",
    "is to be held",
    "will be held",
    "next month",
    "this year",
    "is expected to",
    "will serve",
    "is going to",
]


def test_no_english_text_presents_past_events_as_upcoming(kb: KnowledgeBase) -> None:
    for where, text in _every_text(kb, "en"):
        low = f" {text.lower()} "
        for phrase in FUTURE_PHRASES:
            assert phrase not in low, f"{where}: {phrase!r} in {text!r}"


def test_geneva_talks_were_scheduled_in_the_past_tense(kb: KnowledgeBase) -> None:
    """The source writes "scheduled for February 8": no year, and nothing of whether they met."""
    texts = kb.fact("geneva_talks_2017").text
    assert "were scheduled for 8 February;" in texts.en
    assert "были назначены на 8 февраля;" in texts.ru
    assert "8 ақпанға белгіленген болатын;" in texts.kk
    for lang in ("en", "ru", "kk"):
        assert "2017" not in texts.get(lang).split(";")[0]


def test_russian_and_kazakh_texts_are_in_cyrillic(kb: KnowledgeBase) -> None:
    for lang in ("ru", "kk"):
        for where, text in _every_text(kb, lang):
            assert re.search("[а-яё]", text.lower()), f"{lang} {where}: {text!r}"
