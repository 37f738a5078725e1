"""Turn answers, topics and the timeline into reply text, as plain text or Telegram HTML.

A question's reply is short and complete on a phone screen: the asked-for detail first
(the lead), the fact it comes from with its date (shown once), and a line saying where the
whole topic is (its command, e.g. /syria). The rest of the topic (its other facts in date
order, related topics, the source) follows in the same message, folded: in Telegram an
expandable blockquote (`<blockquote expandable>`, Bot API 7.4), in plain text a paragraph
after a blank line. A fold rather than a "More" button because the message stays complete in
one piece: it forwards, searches and reads the same in inline results and after a restart,
with no callback round trip and nothing to keep on the server. A topic command (/syria)
shows the whole topic unfolded, in date order. A decline that names the topics it may have
meant folds the list of every topic.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .dates import DateQuery
from .engine import Answer
from .fact_details import fact_detail
from .loader import KnowledgeBase
from .locales import t
from .schema import Fact, Localized, Topic

BULLET = "•"
DECLINE_TOPICS = 12  # a decline lists this many topics at most; /topics has them all
SHORT_CHARS = 400  # visible characters before the fold: about one phone screen
_TAG = re.compile(r"<[^<>]*>")


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

    @staticmethod
    def fold(text: str) -> str:
        """The folded rest of a reply: here a paragraph of its own."""
        return f"\n{text}"

    @staticmethod
    def visible(text: str) -> int:
        """How many characters a reader sees."""
        return len(text)


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

    @staticmethod
    def fold(text: str) -> str:
        return f"<blockquote expandable>{text}</blockquote>"

    @staticmethod
    def visible(text: str) -> int:
        return len(html.unescape(_TAG.sub("", text)))  # all text is escaped: any "<" is a tag


Markup = type[Plain]


@dataclass(frozen=True)
class Reply:
    """A reply in two parts: what a reader sees first, and the rest, folded ("" for none)."""

    short: str
    more: str = ""

    def message(self, markup: Markup) -> str:
        """The one message that carries both parts."""
        return f"{self.short}\n{markup.fold(self.more)}" if self.more else self.short


def fact_line(fact: Fact, lang: str, markup: Markup = Plain, dated: bool = True) -> str:
    """A bullet: the fact's date in bold (unless `dated` is False), then its text."""
    date = fact.date.label(lang) if fact.date and dated else None
    text = markup.escape(fact.text.get(lang))
    if not date:
        return f"{BULLET} {text}"
    # a label opens the bullet: «Май 2015 года», not «май 2015 года»
    return f"{BULLET} {markup.bold(date[:1].upper() + date[1:])} — {text}"


def _says_its_date(fact: Fact, lang: str, lead: str | None) -> bool:
    """Whether the lead or the fact's own text already gives its date, so a label repeats it."""
    if fact.date is None:
        return False
    label, lead = fact.date.label(lang).lower(), (lead or "").lower()
    said = label in lead or fact.date.label(lang, when=True).lower() in lead
    return said or label in fact.text.get(lang).lower()


def _lead(answer: Answer, fact: Fact, lang: str) -> str | None:
    """The sentence that answers the asked-for detail, from the matched fact alone.

    Where the fact does not hold the detail, it says so: a date, place or person taken
    from another fact would be a false answer. A date in the question that the fact does
    not bear is corrected, never echoed.
    """
    focus = answer.focus
    # a date withheld as another event's is no date to correct the question's by
    withheld = answer.detail_withheld and focus == "when"
    asked = None if withheld else _wrong_dates(answer, fact, lang)
    if focus == "when" and fact.date and not withheld:
        value = fact.date.label(lang, when=True)
        if asked:
            return t(lang, "focus_when_not", value=value, asked=asked)
        if answer.no_day:
            return t(lang, "focus_when_no_day", value=value)
        if answer.dates and all(q.label(lang) == fact.date.label(lang) for q in answer.dates):
            return None  # "what was agreed in 2015?": its own year, echoed, answers nothing
        return t(lang, "focus_when", value=value)
    if focus == "who":
        line = _who_lead(fact, answer.role, lang)
    elif focus in ("when", "where", "why", "how_many"):
        detail = None if answer.detail_withheld else fact_detail(fact, focus)
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
    kb: KnowledgeBase, topic: Topic, lang: str, markup: Markup, shown: set[str] | None = None
) -> list[str]:
    """The title, then the summary and every fact in date order, or the facts not yet `shown`."""
    lines = [markup.bold(topic.title.get(lang))]
    if shown is None:
        lines.append(markup.escape(topic.summary.get(lang)))
    lines += [
        fact_line(f, lang, markup) for f in topic.facts_by_date() if f.id not in (shown or ())
    ]
    return lines


def _footer(kb: KnowledgeBase, topics: Iterable[Topic], lang: str, markup: Markup) -> list[str]:
    topics = list(topics)
    shown = {t.id for t in topics}
    related = [r for topic in topics for r in topic.related if r not in shown]
    lines = []
    if related:
        titles = "; ".join(kb.topics[r].title.get(lang) for r in dict.fromkeys(related))
        lines.append(markup.escape(t(lang, "related", value=titles)))
    sources = dict.fromkeys(topic.source.get(lang) for topic in topics)
    lines.append(markup.italic(t(lang, "source", value="; ".join(sources))))
    return lines


def _within(head: list[str], bullets: list[str], tail: str, markup: Markup) -> int:
    """How many of `bullets` fit between `head` and `tail` in SHORT_CHARS (always one)."""
    used = sum(markup.visible(line) + 1 for line in (*head, tail))
    count = 0
    for bullet in bullets:
        used += markup.visible(bullet) + 1
        if count and used > SHORT_CHARS:
            break
        count += 1
    return count


def render_reply(answer: Answer, kb: KnowledgeBase, markup: Markup = Plain) -> Reply:
    """A reply in its two parts: see the module docstring."""
    if not answer.answered:
        return _decline_reply(answer, kb, markup)
    if answer.kind == "date":
        return _date_reply(answer, kb, markup)
    lang = answer.lang
    topics = [kb.topics[topic_id] for topic_id in answer.topics]
    facts = [kb.fact(fact_id) for fact_id in answer.facts]
    lead = _lead(answer, facts[0], lang)
    head = [markup.bold(lead)] if lead else []
    bullets = [fact_line(f, lang, markup, not _says_its_date(f, lang, lead)) for f in facts]
    if not lead:  # nothing asked for: each fact under its topic's title
        titles = [markup.bold(topic.title.get(lang)) for topic in topics]
        bullets = [f"{title}\n{b}" for title, b in zip(titles, bullets, strict=True)]
    commands = ", ".join(f"/{topic.id}" for topic in topics)
    key = "whole_topic" if len(topics) == 1 else "whole_topics"
    tail = markup.escape(t(lang, key, value=commands))
    fits = _within(head, bullets, tail, markup)
    shown = {f.id for f in facts[:fits]}
    more = []
    for number, topic in enumerate(topics):
        block = topic_block(kb, topic, lang, markup, shown)
        if not lead and number < fits:  # its title is already above
            block[0] = markup.italic(t(lang, "other_facts"))
        if len(block) > 1:
            more.append("\n".join(block))
    more.append("\n".join(_footer(kb, topics, lang, markup)))
    return Reply("\n".join([*head, *bullets[:fits], tail]), "\n\n".join(more))


def render_answer(answer: Answer, kb: KnowledgeBase, markup: Markup = Plain) -> str:
    """The whole reply as one message: the short part, then the rest folded."""
    return render_reply(answer, kb, markup).message(markup)


def _period_label(dates: Iterable[DateQuery], lang: str) -> str:
    return ", ".join(q.label(lang) for q in dates)


def _timeline_command(dates: Iterable[DateQuery]) -> str:
    """/timeline for the one year asked about, or the whole timeline."""
    years = {d.year for q in dates for d in (q.first_day, q.last_day) if d is not None}
    return f"/timeline {years.pop()}" if len(years) == 1 else "/timeline"


def _date_reply(answer: Answer, kb: KnowledgeBase, markup: Markup) -> Reply:
    """The facts of a period, each with its topic's command, as many as fit before the fold."""
    lang = answer.lang
    heading = t(lang, "on_date", value=_period_label(answer.dates, lang))
    head = [markup.bold(heading)]
    facts = [(kb.topic_of(fact_id), kb.fact(fact_id)) for fact_id in answer.facts]
    short = [
        f"{fact_line(f, lang, markup, not _says_its_date(f, lang, heading))} (/{topic.id})"
        for topic, f in facts
    ]
    tail = markup.escape(t(lang, "whole_timeline", value=_timeline_command(answer.dates)))
    fits = _within(head, short, tail, markup)
    more = [f"{fact_line(f, lang, markup)} (/{topic.id})" for topic, f in facts[fits:]]
    topics = [kb.topics[t_id] for t_id in answer.topics]
    more += _footer(kb, topics, lang, markup)[-1:]
    return Reply("\n".join([*head, *short[:fits], tail]), "\n".join(more))


def _topic_line(topic: Topic, lang: str, markup: Markup) -> str:
    return f"/{topic.id} — {markup.escape(topic.title.get(lang))}"


def topic_list(
    kb: KnowledgeBase, lang: str, markup: Markup = Plain, limit: int | None = None
) -> str:
    """One line per topic with its command; past `limit`, a pointer to /topics."""
    topics = list(kb.topics.values())
    shown = topics if limit is None else topics[:limit]
    lines = [_topic_line(topic, lang, markup) for topic in shown]
    if len(shown) < len(topics):
        lines.append(markup.escape(t(lang, "more_topics", value=len(topics) - len(shown))))
    return "\n".join(lines)


def _any_fact_dated(kb: KnowledgeBase, dates: Iterable[DateQuery]) -> bool:
    dates = list(dates)
    return any(q.overlap(f.date) for _, f in kb.facts.values() if f.date for q in dates)


def _decline_reply(answer: Answer, kb: KnowledgeBase, markup: Markup) -> Reply:
    """Sorry, and the topics it may have meant; every topic, folded when there are some."""
    lang = answer.lang
    # one of our topics, asked about what none of its facts holds: say so, and offer the topic
    detail = answer.declined == "detail_not_in_facts"
    if answer.dates and not answer.candidates and not _any_fact_dated(kb, answer.dates):
        first = markup.escape(t(lang, "no_date", value=_period_label(answer.dates, lang)))
    else:
        first = markup.escape(t(lang, "decline_detail" if detail else "decline"))
    lines = [first]
    if answer.candidates:
        key = "maybe_topic" if len(answer.candidates) == 1 else "maybe_topics"
        key = "known_about" if detail else key
        lines.append(markup.escape(t(lang, key)))
        lines += [_topic_line(kb.topics[c], lang, markup) for c in answer.candidates]
    topics = [markup.escape(t(lang, "topics_intro")), topic_list(kb, lang, markup, DECLINE_TOPICS)]
    if answer.candidates:
        return Reply("\n".join(lines), "\n".join(topics))
    return Reply("\n".join([*lines, "", *topics]))


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
