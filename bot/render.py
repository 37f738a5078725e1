"""Turn answers, topics and the timeline into reply text, as plain text or Telegram HTML.

One layout everywhere: what was asked first, then the topic title, the matched fact
with its date, the topic's other facts in date order, related topics, and the source.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from .dates import DateQuery
from .engine import Answer, fact_detail
from .loader import KnowledgeBase
from .locales import t
from .schema import Fact, Localized, Topic

BULLET = "•"
DECLINE_TOPICS = 12  # a decline lists this many topics at most; /topics has them all


class Plain:
    """Plain text for the terminal and JSON output."""

    @staticmethod
    def escape(text: str) -> str:
        return text

    @staticmethod
    def bold(text: str) -> str:
        return text

    @staticmethod
    def italic(text: str) -> str:
        return text


class Html(Plain):
    """Telegram HTML: every piece of text from a user or the fact base is escaped."""

    @staticmethod
    def escape(text: str) -> str:
        return html.escape(text, quote=False)

    @staticmethod
    def bold(text: str) -> str:
        return f"<b>{html.escape(text, quote=False)}</b>"

    @staticmethod
    def italic(text: str) -> str:
        return f"<i>{html.escape(text, quote=False)}</i>"


Markup = type[Plain]


def fact_line(fact: Fact, lang: str, markup: Markup = Plain) -> str:
    date = fact.date.label(lang) if fact.date else None
    text = markup.escape(fact.text.get(lang))
    return f"{BULLET} {markup.bold(date)} — {text}" if date else f"{BULLET} {text}"


def _lead(answer: Answer, fact: Fact, lang: str) -> str | None:
    """The sentence that answers the asked-for detail, from the matched fact alone.

    Where the fact does not hold the detail, it says so: a date, place or person taken
    from another fact would be a false answer. A date in the question that the fact does
    not bear is corrected, never echoed.
    """
    focus = answer.focus
    asked = _wrong_dates(answer, fact, lang)
    if focus == "when" and fact.date:
        value = fact.date.label(lang)
        if asked:
            return t(lang, "focus_when_not", value=value, asked=asked)
        if answer.dates and all(query.label(lang) == value for query in answer.dates):
            return None  # "what was agreed in 2015?": its own year, echoed, answers nothing
        return t(lang, "focus_when", value=value)
    if focus == "who":
        line = _who_lead(fact, answer.role, lang)
    elif focus in ("when", "where", "why", "how_many"):
        detail = fact_detail(fact, focus)
        line = t(lang, f"focus_{focus}", value=_value(detail, lang)) if detail else None
        line = line or t(lang, f"focus_{focus}_unknown")
    else:
        line = None
    note = t(lang, "focus_date_not", value=fact.date.label(lang), asked=asked) if asked else None
    return " ".join(part for part in (line, note) if part) or None


def _value(text: Localized, lang: str) -> str:
    return text.get(lang).rstrip(".!? ")


def _who_lead(fact: Fact, role: str | None, lang: str) -> str:
    """The asked role; without a role, the actor, or else every role the fact names, each
    tagged with its name: "Kazakhstan (host); Iran and the P5+1 (participants)"."""
    who = fact.who
    if role:
        text = getattr(who, role) if who else None
        if text is None:
            return t(lang, f"focus_who_unknown_{role}")
        return t(lang, "focus_who", value=_value(text, lang))  # the role asked: no tag needed
    if who is None:
        return t(lang, "focus_who_unknown")
    named = [("actor", who.actor)] if who.actor else who.named()
    value = "; ".join(
        _value(text, lang) + ("" if name == "actor" else f" ({t(lang, f'role_{name}')})")
        for name, text in named
    )
    return t(lang, "focus_who", value=value)


def _wrong_dates(answer: Answer, fact: Fact, lang: str) -> str | None:
    """The question's dates, when the fact bears a date none of them fits: a false premise."""
    if not answer.dates or fact.date is None:
        return None
    if any(query.overlap(fact.date) for query in answer.dates):
        return None
    return ", ".join(query.label(lang) for query in answer.dates)


def topic_block(
    kb: KnowledgeBase, topic: Topic, lang: str, markup: Markup, first: Fact | None = None
) -> list[str]:
    """Title, the matched fact, then the topic's other facts in date order."""
    lines = [markup.bold(topic.title.get(lang))]
    if first is not None:
        lines.append(fact_line(first, lang, markup))
        others = [f for f in topic.facts_by_date() if f.id != first.id]
        if others:
            lines.append(markup.italic(t(lang, "other_facts")))
    else:
        lines.append(markup.escape(topic.summary.get(lang)))
        others = topic.facts_by_date()
    lines += [fact_line(f, lang, markup) for f in others]
    return lines


def _footer(kb: KnowledgeBase, topics: Iterable[Topic], lang: str, markup: Markup) -> list[str]:
    topics = list(topics)
    shown = {t.id for t in topics}
    related = [r for topic in topics for r in topic.related if r not in shown]
    lines = []
    if related:
        titles = "; ".join(kb.topics[r].title.get(lang) for r in dict.fromkeys(related))
        lines.append(markup.escape(t(lang, "related", value=titles)))
    sources = dict.fromkeys(topic.source for topic in topics)
    lines.append(markup.italic(t(lang, "source", value="; ".join(sources))))
    return lines


def render_answer(answer: Answer, kb: KnowledgeBase, markup: Markup = Plain) -> str:
    lang = answer.lang
    if not answer.answered:
        return render_decline(answer, kb, markup)
    if answer.kind == "date":
        return render_date_answer(answer, kb, markup)
    parts: list[str] = []
    lead_done = False
    shown: list[Topic] = []
    for topic_id, fact_id in zip(answer.topics, answer.facts, strict=True):
        topic = kb.topics[topic_id]
        fact = kb.fact(fact_id)
        block = topic_block(kb, topic, lang, markup, fact)
        if not lead_done:
            lead = _lead(answer, fact, lang)
            if lead:
                block.insert(0, markup.bold(lead))
            lead_done = True
        parts.append("\n".join(block))
        shown.append(topic)
    parts.append("\n".join(_footer(kb, shown, lang, markup)))
    return "\n\n".join(parts)


def _period_label(dates: Iterable[DateQuery], lang: str) -> str:
    return ", ".join(q.label(lang) for q in dates)


def render_date_answer(answer: Answer, kb: KnowledgeBase, markup: Markup = Plain) -> str:
    lang = answer.lang
    lines = [markup.bold(t(lang, "on_date", value=_period_label(answer.dates, lang)))]
    for fact_id in answer.facts:
        topic = kb.topic_of(fact_id)
        lines.append(
            f"{fact_line(kb.fact(fact_id), lang, markup)} ({markup.escape(topic.title.get(lang))})"
        )
    footer = _footer(kb, [kb.topics[t_id] for t_id in answer.topics], lang, markup)
    return "\n".join(lines) + "\n\n" + "\n".join(footer[-1:])


def topic_list(
    kb: KnowledgeBase, lang: str, markup: Markup = Plain, limit: int | None = None
) -> str:
    """One line per topic with its command; past `limit`, a pointer to /topics."""
    topics = list(kb.topics.values())
    shown = topics if limit is None else topics[:limit]
    lines = [f"/{topic.id} — {markup.escape(topic.title.get(lang))}" for topic in shown]
    if len(shown) < len(topics):
        lines.append(markup.escape(t(lang, "more_topics", value=len(topics) - len(shown))))
    return "\n".join(lines)


def _any_fact_dated(kb: KnowledgeBase, dates: Iterable[DateQuery]) -> bool:
    dates = list(dates)
    return any(q.overlap(f.date) for _, f in kb.facts.values() if f.date for q in dates)


def render_decline(answer: Answer, kb: KnowledgeBase, markup: Markup = Plain) -> str:
    lang = answer.lang
    # one of our topics, asked about what none of its facts holds: say so, and offer the topic
    detail = answer.declined == "detail_not_in_facts"
    if answer.dates and not answer.candidates and not _any_fact_dated(kb, answer.dates):
        first = markup.escape(t(lang, "no_date", value=_period_label(answer.dates, lang)))
    else:
        first = markup.escape(t(lang, "decline_detail" if detail else "decline"))
    lines = [first]
    if answer.candidates:
        titles = ", ".join(kb.topics[c].title.get(lang) for c in answer.candidates)
        offer = "known_about" if detail else "did_you_mean"
        lines.append(markup.escape(t(lang, offer, value=titles)))
    topics = topic_list(kb, lang, markup, DECLINE_TOPICS)
    lines += ["", markup.escape(t(lang, "topics_intro")), topics]
    return "\n".join(lines)


def render_topic(kb: KnowledgeBase, topic_id: str, lang: str, markup: Markup = Plain) -> str:
    topic = kb.topics[topic_id]
    block = topic_block(kb, topic, lang, markup)
    return "\n".join(block) + "\n\n" + "\n".join(_footer(kb, [topic], lang, markup))


def dated_facts(kb: KnowledgeBase, year: int | None = None) -> list[tuple[Topic, Fact]]:
    """Every dated fact in date order, or those whose dates touch one year."""
    pairs = [(topic, fact) for topic, fact in kb.facts.values() if fact.date]
    if year is not None:
        pairs = [p for p in pairs if p[1].date.first_day.year <= year <= p[1].date.last_day.year]
    return sorted(pairs, key=lambda p: (p[1].date.first_day, p[1].date.last_day))


def render_timeline(
    kb: KnowledgeBase, lang: str, year: int | None = None, markup: Markup = Plain
) -> str:
    pairs = dated_facts(kb, year)
    if not pairs:
        every = dated_facts(kb)
        first = every[0][1].date.first_day.year if every else "-"
        last = max((f.date.last_day.year for _, f in every), default="-")
        return markup.escape(t(lang, "timeline_empty", value=year, first=first, last=last))
    title = t(lang, "timeline_year_title", value=year) if year else t(lang, "timeline_title")
    lines = [markup.bold(title)]
    lines += [f"{fact_line(f, lang, markup)} (/{topic.id})" for topic, f in pairs]
    return "\n".join(lines)
