"""Rendering: one layout everywhere, Telegram HTML that is always escaped, and the timeline."""

from __future__ import annotations

import re
from datetime import date

import pytest
from helpers_core import copy_knowledge, edit_data
from tdlib import EXPANDABLE, message_problem, parse_html

from bot.engine import Answer, Engine
from bot.loader import load_knowledge
from bot.render import (
    Html,
    Plain,
    dated_facts,
    render_answer,
    render_reply,
    render_timeline,
    render_topic,
    topic_list,
)

LANGS = ("en", "ru", "kk")
PHONE_SCREEN = 400  # visible characters before the fold, at most
SOURCE = "“Kazakhstan’s global diplomacy initiatives” (undated; early 2017)"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


def _problem(markup: str) -> list[str]:
    """Telegram's refusal of `markup` as a message, as TDLib reads it ([] when it is fine)."""
    problem = message_problem(markup)
    return [problem] if problem else []


def _index(lines: list[str], needle: str) -> int:
    found = [i for i, line in enumerate(lines) if needle in line]
    assert found, f"{needle!r} not in {lines}"
    return found[0]


def _date_of(line: str, engine: Engine, lang: str = "en"):
    """The first day of the fact a bullet line shows, or None for an undated fact."""
    for _, fact in engine.kb.facts.values():
        if fact.text.get(lang) in line:
            return fact.date.first_day if fact.date else None
    raise AssertionError(f"no fact in {line!r}")


# --- the layout ------------------------------------------------------------------------------


def test_layout_lead_fact_next_then_the_fold(engine: Engine) -> None:
    answer = engine.answer("When did Kazakhstan host the talks with the Syrian opposition?")
    reply = render_reply(answer, engine.kb, Plain)
    fact = engine.kb.fact(answer.fact)
    label = fact.date.label("en")
    assert reply.short.splitlines() == [
        f"When: {label}.",
        f"• {fact.text.en}",  # the lead gives the date: the bullet does not repeat it
        "The whole topic: /syria",
    ]
    lines = reply.more.splitlines()
    title = _index(lines, engine.kb.topics["syria"].title.en)
    related = _index(lines, "Related:")
    source = _index(lines, "Source:")
    assert title == 0 < related < source == len(lines) - 1
    assert fact.text.en not in reply.more
    assert render_answer(answer, engine.kb, Plain) == f"{reply.short}\n\n{reply.more}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize(
    "question",
    [
        "When were the Astana talks on Syria?",
        "Where were the Syria talks held?",
        "Who reconciled Russia and Turkey?",
        "Why was Astana chosen for the Syria talks?",
        "How many rounds of Syrian talks did Astana host in 2015?",
        "Iran and Ukraine",
        "What happened in 2015?",
    ],
)
def test_the_short_part_fits_a_phone_screen(engine: Engine, question: str, lang: str) -> None:
    answer = engine.answer(question, lang)
    reply = render_reply(answer, engine.kb, Html)
    assert reply.more
    short = parse_html(reply.message(Html)).outside(EXPANDABLE)
    assert len(short) <= PHONE_SCREEN
    assert short.strip() == parse_html(reply.short).text.strip()
    assert "/" in short.splitlines()[-1]  # where to go next: a command


def test_a_date_label_is_not_repeated_in_the_short_part(engine: Engine) -> None:
    for lang in LANGS:
        for question in ("When were the Astana talks on Syria?", "What happened in May 2015?"):
            short = render_reply(engine.answer(question, lang), engine.kb).short
            for _, fact in engine.kb.facts.values():
                if fact.date and fact.text.get(lang) in short:
                    label = fact.date.label(lang)
                    assert f"{label} — " not in short, short


def test_other_facts_are_in_date_order_then_undated(engine: Engine) -> None:
    answer = engine.answer("Where were the Syria talks held in January 2017?")
    lines = render_answer(answer, engine.kb, Plain).splitlines()
    start = _index(lines, engine.kb.topics["syria"].title.en) + 1
    end = lines.index("", start)
    others = lines[start:end]
    topic = engine.kb.topics["syria"]
    assert len(others) == len(topic.facts) - 1
    dates = [_date_of(line, engine) for line in others]
    dated = [d for d in dates if d is not None]
    assert dated == sorted(dated)
    assert dates == dated + [None] * (len(dates) - len(dated))  # undated facts come last
    assert all(line.startswith("• ") for line in others)


def test_every_fact_of_the_topic_is_shown_once(engine: Engine) -> None:
    answer = engine.answer("UN Security Council")
    text = render_answer(answer, engine.kb, Plain)
    for fact in engine.kb.topics["unsc"].facts:
        assert text.count(fact.text.en) == 1


def test_related_and_source(engine: Engine) -> None:
    answer = engine.answer("Iran nuclear deal")
    lines = render_answer(answer, engine.kb, Plain).splitlines()
    related = lines[_index(lines, "Related:")]
    for topic_id in engine.kb.topics["iran"].related:
        assert engine.kb.topics[topic_id].title.en in related
    assert lines[-1] == f"Source: {SOURCE}"


@pytest.mark.parametrize(
    ("lang", "line"),
    [
        ("ru", "Источник: «Глобальные дипломатические инициативы Казахстана»"),
        ("kk", "Дереккөз: «Қазақстанның жаһандық дипломатиялық бастамалары»"),
    ],
)
def test_the_source_is_named_in_the_reply_language(engine: Engine, lang: str, line: str) -> None:
    last = render_answer(engine.answer("Iran nuclear deal", lang), engine.kb).splitlines()[-1]
    assert last.startswith(line)
    assert not any(word in last for word in ("Kazakhstan", "January", "global"))


def test_two_topic_answer_has_both_blocks_and_one_footer(engine: Engine) -> None:
    answer = engine.answer("Iran and Ukraine")
    assert answer.topics == ("iran", "ukraine")
    text = render_answer(answer, engine.kb, Plain)
    iran, ukraine = (engine.kb.topics[t].title.en for t in answer.topics)
    assert text.index(iran) < text.index(ukraine) < text.index("Related:")
    assert text.count("Source:") == 1
    related = text[text.index("Related:") :].splitlines()[0]
    assert iran not in related and ukraine not in related


@pytest.mark.parametrize(
    ("lang", "lead", "date_label"),
    [("en", "When:", "2013"), ("ru", "Когда:", "2013"), ("kk", "Қашан:", "2013")],
)
def test_layout_is_the_same_in_every_language(
    engine: Engine, lang: str, lead: str, date_label: str
) -> None:
    answer = engine.answer("When did Kazakhstan host the Iran talks?", lang=lang)
    lines = render_answer(answer, engine.kb, Plain).splitlines()
    assert lines[0].startswith(lead) and date_label in lines[0]
    assert lines[1] == f"• {engine.kb.fact(answer.fact).text.get(lang)}"
    assert lines[2].endswith(": /iran")
    assert lines[4] == engine.kb.topics["iran"].title.get(lang)


def test_dates_are_written_in_the_reply_language(engine: Engine) -> None:
    question = "When were the Astana talks on Syria?"
    texts = {lang: render_answer(engine.answer(question, lang), engine.kb) for lang in LANGS}
    assert "23 January 2017" in texts["en"][:150]
    assert "23 января 2017" in texts["ru"][:150]
    assert "2017 жылғы 23 қаңтар" in texts["kk"][:150]
    assert "• Май 2015 года — " in texts["ru"]  # a label opening a bullet takes a capital
    assert "May 2015" in texts["en"]


def test_lead_sentence_has_one_full_stop(engine: Engine) -> None:
    answer = engine.answer("Why was Astana chosen for the Syria talks?")
    first = render_answer(answer, engine.kb, Plain).splitlines()[0]
    assert not first.endswith("..")


def test_declined_answer_lists_the_topics(engine: Engine) -> None:
    answer = engine.answer("Ankara hotels")
    text = render_answer(answer, engine.kb, Plain)
    assert text.startswith("Sorry")
    for topic_id in engine.kb.topics:
        assert f"/{topic_id} — " in text


def test_date_answer_heading_and_topic_names(engine: Engine) -> None:
    answer = engine.answer("What happened in 2016?")
    lines = render_answer(answer, engine.kb, Plain).splitlines()
    assert lines[0] == "Events of 2016:"
    assert "(/russia_turkey)" in lines[1] + lines[2]
    assert "The timeline: /timeline 2016" in lines
    assert lines[-1] == f"Source: {SOURCE}"


def test_render_topic_title_summary_facts_related_source(engine: Engine) -> None:
    text = render_topic(engine.kb, "syria", "en")
    lines = text.splitlines()
    topic = engine.kb.topics["syria"]
    assert lines[0] == topic.title.en
    assert lines[1] == topic.summary.en
    bullets = [line for line in lines if line.startswith("• ")]
    assert len(bullets) == len(topic.facts)
    dated = [d for d in (_date_of(b, engine) for b in bullets) if d]
    assert dated == sorted(dated)
    assert lines[-2].startswith("Related:")
    assert lines[-1] == f"Source: {SOURCE}"


def test_topic_list_has_every_command(engine: Engine) -> None:
    lines = topic_list(engine.kb, "ru").splitlines()
    assert [line.split(" ")[0] for line in lines] == [f"/{t}" for t in engine.kb.topics]


# --- Telegram HTML ---------------------------------------------------------------------------


def test_html_bolds_title_and_dates_and_is_valid(engine: Engine) -> None:
    answer = engine.answer("When were the Astana talks on Syria?")
    markup = render_answer(answer, engine.kb, Html)
    assert _problem(markup) == []
    assert f"<b>{engine.kb.topics['syria'].title.en}</b>" in markup
    assert "<b>May 2015</b>" in markup
    assert markup.splitlines()[0].startswith("<b>When:")
    assert markup.count("<blockquote expandable>") == 1 and markup.endswith("</blockquote>")


class _MarkupPeriod:
    """A period whose label carries markup, standing in for any text taken from a question."""

    def label(self, lang: str) -> str:
        return "<b>1990</b> & R&D"

    def overlap(self, span: object) -> float:
        return 0.0  # a period no fact falls in


def test_html_escapes_question_derived_text(engine: Engine) -> None:
    answer = Answer(
        question="<b>1990</b> & R&D", lang="en", kind="declined", dates=(_MarkupPeriod(),)
    )
    markup = render_answer(answer, engine.kb, Html)
    assert "&lt;b&gt;1990&lt;/b&gt; &amp; R&amp;D" in markup
    assert "<b>1990" not in markup
    assert _problem(markup) == []
    assert "<b>1990</b> & R&D" in render_answer(answer, engine.kb, Plain)


@pytest.mark.parametrize(
    "question",
    [
        "<b>Syria</b> & Iran",
        "<script>alert(1)</script> Iran",
        'Iran <a href="http://x">deal</a>',
        "R&D in Ukraine &amp; Minsk",
        "<i>1995</i>",
        "Syria & 2015 <",
    ],
)
def test_html_answers_to_markup_questions_are_valid(engine: Engine, question: str) -> None:
    markup = render_answer(engine.answer(question), engine.kb, Html)
    assert _problem(markup) == []
    assert "<script" not in markup and "href" not in markup


def test_html_escapes_fact_base_text(tmp_path) -> None:
    folder = copy_knowledge(tmp_path / "kb")

    def inject(data: dict) -> None:
        data["title"]["en"] = "Iran <b>&</b> the P5+1"
        data["facts"][0]["text"]["en"] = "Talks <i>R&D</i> & more <script>"

    edit_data(folder, "iran", inject)
    kb = load_knowledge(folder)
    engine = Engine(kb)
    answer = engine.answer("When did Kazakhstan host the Iran talks?")
    markup = render_answer(answer, kb, Html)
    assert "Iran &lt;b&gt;&amp;&lt;/b&gt; the P5+1" in markup
    assert "Talks &lt;i&gt;R&amp;D&lt;/i&gt; &amp; more &lt;script&gt;" in markup
    assert _problem(markup) == []
    assert _problem(render_topic(kb, "iran", "en", Html)) == []
    assert _problem(render_timeline(kb, "en", markup=Html)) == []
    assert _problem(topic_list(kb, "en", Html)) == []
    # related titles in other topics' footers are escaped too
    assert _problem(render_topic(kb, "oic", "en", Html)) == []


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_every_topic_renders_valid_html(engine: Engine, lang: str) -> None:
    for topic_id in engine.kb.topics:
        assert _problem(render_topic(engine.kb, topic_id, lang, Html)) == []


# --- timeline --------------------------------------------------------------------------------


def _timeline_dates(text: str, engine: Engine, lang: str = "en") -> list[tuple[date, date]]:
    spans = []
    for line in text.splitlines()[1:]:
        for _, fact in engine.kb.facts.values():
            if fact.text.get(lang) in line:
                spans.append((fact.date.first_day, fact.date.last_day))
    return spans


def test_timeline_lists_every_dated_fact_in_date_order(engine: Engine) -> None:
    text = render_timeline(engine.kb, "en")
    lines = text.splitlines()
    dated = [f for _, f in engine.kb.facts.values() if f.date]
    assert len(lines) == 1 + len(dated)
    spans = _timeline_dates(text, engine)
    assert len(spans) == len(dated)
    assert spans == sorted(spans)
    assert all(re.search(r"\(/[a-z_]+\)$", line) for line in lines[1:])


def test_timeline_for_one_year(engine: Engine) -> None:
    text = render_timeline(engine.kb, "en", 2015)
    lines = text.splitlines()
    assert "2015" in lines[0]
    spans = _timeline_dates(text, engine)
    assert spans == sorted(spans)
    assert all(first.year <= 2015 <= last.year for first, last in spans)
    expected = [f for _, f in dated_facts(engine.kb, 2015)]
    assert len(lines) - 1 == len(expected) >= 3
    assert "(/syria)" in text and "(/ukraine)" in text
    assert "(/iran)" not in text


def test_timeline_for_a_year_inside_a_range(engine: Engine) -> None:
    text = render_timeline(engine.kb, "en", 2018)
    assert "2017–2018" in text
    assert "(/unsc)" in text


@pytest.mark.parametrize("lang", ["en", "ru", "kk"])
def test_timeline_for_a_year_without_facts(engine: Engine, lang: str) -> None:
    text = render_timeline(engine.kb, lang, 1999)
    assert "1999" in text
    assert "2013" in text and "2018" in text
    assert "•" not in text


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_timeline_in_other_languages(engine: Engine, lang: str) -> None:
    text = render_timeline(engine.kb, lang, 2017)
    spans = _timeline_dates(text, engine, lang)
    assert spans and spans == sorted(spans)
    label = {"ru": "23 января 2017", "kk": "2017 жылғы 23 қаңтар"}[lang]
    assert label in text


def test_timeline_html_is_valid(engine: Engine) -> None:
    for year in (None, 2015, 1999):
        assert _problem(render_timeline(engine.kb, "en", year, Html)) == []
