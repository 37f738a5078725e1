"""Dates: the fact base's date specs, their labels in three languages, and dates in questions."""

from __future__ import annotations

from datetime import date

import pytest

from bot.dates import DateSpan, find_dates, parse_date_spec
from bot.text import normalise

# --- parsing specs ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "first", "last"),
    [
        ("2016", date(2016, 1, 1), date(2016, 12, 31)),
        (2016, date(2016, 1, 1), date(2016, 12, 31)),
        ("2015-05", date(2015, 5, 1), date(2015, 5, 31)),
        ("2016-02", date(2016, 2, 1), date(2016, 2, 29)),  # a leap year
        ("2017-02", date(2017, 2, 1), date(2017, 2, 28)),
        ("2017-01-23", date(2017, 1, 23), date(2017, 1, 23)),
        ("2017/2018", date(2017, 1, 1), date(2018, 12, 31)),
        ("2014/early 2015", date(2014, 1, 1), date(2015, 4, 30)),
        ("early 2015", date(2015, 1, 1), date(2015, 4, 30)),
        ("mid 2015", date(2015, 5, 1), date(2015, 8, 31)),
        ("late 2015", date(2015, 9, 1), date(2015, 12, 31)),
        ("Early 2015", date(2015, 1, 1), date(2015, 4, 30)),
        ("  2013  ", date(2013, 1, 1), date(2013, 12, 31)),
        ("2015-05/2015-10", date(2015, 5, 1), date(2015, 10, 31)),
        ("2017-01-23/2017-02-08", date(2017, 1, 23), date(2017, 2, 8)),
    ],
)
def test_parse_date_spec_gives_first_and_last_day(spec, first: date, last: date) -> None:
    span = parse_date_spec(spec)
    assert isinstance(span, DateSpan)
    assert (span.first_day, span.last_day) == (first, last)


@pytest.mark.parametrize(
    "spec",
    [
        "",
        "17",
        "20155",
        "May 2015",
        "January 2017",
        "23 January 2017",
        "23.01.2017",
        "01/23/2017",
        "2017-13",
        "2017-00",
        "2017-05-00",
        "2017-02-30",
        "2017-1-5",
        "2017-01-23T10:00",
        "spring 2015",
        "early",
        "mid 15",
        "2018/2017",
        "2017/",
        "/2017",
        "2017/2018/2019",
        "soon",
    ],
)
def test_bad_date_specs_raise_value_error(spec: str) -> None:
    with pytest.raises(ValueError):
        parse_date_spec(spec)


def test_bad_date_message_shows_the_formats() -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date_spec("next Tuesday")


# --- labels ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "en", "ru", "kk"),
    [
        ("2017-01-23", "23 January 2017", "23 января 2017 года", "2017 жылғы 23 қаңтар"),
        ("2017-02-08", "8 February 2017", "8 февраля 2017 года", "2017 жылғы 8 ақпан"),
        ("2015-05", "May 2015", "май 2015 года", "2015 жылғы мамыр"),
        ("2015-10", "October 2015", "октябрь 2015 года", "2015 жылғы қазан"),
        ("2016", "2016", "2016 год", "2016 жыл"),
        ("2017/2018", "2017–2018", "2017–2018 годы", "2017–2018 жылдар"),
        ("early 2015", "early 2015", "начало 2015 года", "2015 жылдың басы"),
        ("late 2016", "late 2016", "конец 2016 года", "2016 жылдың соңы"),
        # one "года" for a range; Kazakh labels both ends in full
        (
            "2014/early 2015",
            "2014–early 2015",
            "2014 – начало 2015 года",
            "2014 жыл – 2015 жылдың басы",
        ),
        # a range within one year names the year once
        (
            "2015-05/2015-10",
            "May–October 2015",
            "май – октябрь 2015 года",
            "2015 жылғы мамыр – қазан",
        ),
        (
            "2017-01-23/2017-02-08",
            "23 January – 8 February 2017",
            "23 января – 8 февраля 2017 года",
            "2017 жылғы 23 қаңтар – 8 ақпан",
        ),
        (
            "2015-05/2016-10",
            "May 2015–October 2016",
            "май 2015 – октябрь 2016 года",
            "2015 жылғы мамыр – 2016 жылғы қазан",
        ),
    ],
)
def test_labels_in_three_languages(spec: str, en: str, ru: str, kk: str) -> None:
    span = parse_date_spec(spec)
    assert span.label("en") == en
    assert span.label("ru") == ru
    assert span.label("kk") == kk
    assert str(span) == en


@pytest.mark.parametrize(
    ("spec", "en", "ru", "kk"),
    [
        (
            "scheduled 2017-02-08",
            "8 February 2017 (scheduled)",
            "8 февраля 2017 года (запланированная дата)",
            "2017 жылғы 8 ақпан (жоспарланған күн)",
        ),
        (
            "Scheduled 2017/2018",
            "2017–2018 (scheduled)",
            "2017–2018 годы (запланированная дата)",
            None,
        ),
    ],
)
def test_a_scheduled_date_says_so(spec: str, en: str, ru: str, kk: str | None) -> None:
    """A date something was planned for is never shown as the date it happened."""
    span = parse_date_spec(spec)
    assert span.scheduled
    assert (span.label("en"), span.label("ru")) == (en, ru)
    if kk:
        assert span.label("kk") == kk
    plain = parse_date_spec(spec.split(" ", 1)[1])
    assert not plain.scheduled
    assert (span.first_day, span.last_day) == (plain.first_day, plain.last_day)


def test_unknown_language_label_falls_back_to_english() -> None:
    assert parse_date_spec("2017-01-23").label("de") == "23 January 2017"
    assert parse_date_spec("late 2016").label("de") == "late 2016"


def test_every_month_has_a_label_in_every_language() -> None:
    labels = {lang: set() for lang in ("en", "ru", "kk")}
    for month in range(1, 13):
        for lang in labels:
            labels[lang].add(parse_date_spec(f"2016-{month:02d}").label(lang))
    assert all(len(found) == 12 for found in labels.values())


# --- dates in questions ----------------------------------------------------------------------


def _periods(question: str) -> list[tuple[date | None, date | None, int | None, int | None]]:
    found, _ = find_dates(normalise(question))
    return [(q.first_day, q.last_day, q.month, q.day) for q in found]


@pytest.mark.parametrize(
    ("question", "first", "last"),
    [
        ("What happened in January 2017?", date(2017, 1, 1), date(2017, 1, 31)),
        ("january 2017", date(2017, 1, 1), date(2017, 1, 31)),
        ("Jan 2017", date(2017, 1, 1), date(2017, 1, 31)),
        ("What did Kazakhstan do in 2015?", date(2015, 1, 1), date(2015, 12, 31)),
        ("anything about 2017-2018?", date(2017, 1, 1), date(2018, 12, 31)),
        ("2017–2018", date(2017, 1, 1), date(2018, 12, 31)),
        ("from 2014 to 2015", date(2014, 1, 1), date(2015, 12, 31)),
        ("23 January 2017", date(2017, 1, 23), date(2017, 1, 23)),
        ("January 23, 2017", date(2017, 1, 23), date(2017, 1, 23)),
        ("on the 8th of February 2017", date(2017, 2, 8), date(2017, 2, 8)),
        ("2017-01-23", date(2017, 1, 23), date(2017, 1, 23)),
        ("2015-10", date(2015, 10, 1), date(2015, 10, 31)),
        ("May 2015", date(2015, 5, 1), date(2015, 5, 31)),
        ("Что было в январе 2017?", date(2017, 1, 1), date(2017, 1, 31)),
        ("в январе 2017 года", date(2017, 1, 1), date(2017, 1, 31)),
        ("23 января 2017", date(2017, 1, 23), date(2017, 1, 23)),
        ("в мае 2015", date(2015, 5, 1), date(2015, 5, 31)),
        ("в 2016 году", date(2016, 1, 1), date(2016, 12, 31)),
        ("2013 жылы", date(2013, 1, 1), date(2013, 12, 31)),
        ("2013 жылы не болды?", date(2013, 1, 1), date(2013, 12, 31)),
        ("2017 жылғы қаңтарда", date(2017, 1, 1), date(2017, 1, 31)),
        ("2015 жылғы мамырда", date(2015, 5, 1), date(2015, 5, 31)),
    ],
)
def test_find_dates_finds_the_period(question: str, first: date, last: date) -> None:
    periods = _periods(question)
    assert len(periods) == 1, periods
    assert periods[0][:2] == (first, last)


@pytest.mark.parametrize(
    ("question", "month", "day"),
    [
        ("What happened on 23 January?", 1, 23),
        ("23 january", 1, 23),
        ("8th of February", 2, 8),
        ("February 8", 2, 8),
        ("Что было 23 января?", 1, 23),
        ("anything in October?", 10, None),
        ("что было в октябре?", 10, None),
    ],
)
def test_find_dates_day_and_month_without_a_year(question: str, month: int, day) -> None:
    periods = _periods(question)
    assert periods == [(None, None, month, day)]


@pytest.mark.parametrize(
    "question",
    [
        "May I ask about Iran?",
        "Tell me about the P5+1",
        "Syria talks",
        "the second round",
        "Minsk-2 agreements",
        "Su-24 jet crisis",
        "",
    ],
)
def test_find_dates_finds_nothing_where_there_is_no_date(question: str) -> None:
    assert _periods(question) == []


@pytest.mark.parametrize(
    "question", ["what happened on 31 february 2016?", "30 feb 2017", "31 april 2015"]
)
def test_find_dates_ignores_a_day_the_month_does_not_have(question: str) -> None:
    found, _ = find_dates(normalise(question))
    assert all(q.first_day is None or q.first_day.day <= 30 for q in found)


def test_find_dates_ignores_a_day_the_month_does_not_have_without_a_year() -> None:
    found, _ = find_dates(normalise("what happened on 31 april?"))
    assert all(q.first_day is None for q in found)


def test_find_dates_removes_the_date_from_the_rest() -> None:
    found, rest = find_dates(normalise("Syria talks in January 2017"))
    assert len(found) == 1
    assert "2017" not in rest
    assert "january" not in rest
    assert "syria talks" in rest


def test_find_dates_finds_two_years() -> None:
    found, _ = find_dates(normalise("what happened in 2013 and in 2016?"))
    years = sorted(q.first_day.year for q in found if q.first_day)
    assert years in ([2013, 2016], [2013])  # "2013 and 2016" may also read as a range
    assert any(q.last_day and q.last_day.year == 2016 for q in found)


def _query(question: str):
    found, _ = find_dates(normalise(question))
    assert len(found) == 1, found
    return found[0]


@pytest.mark.parametrize(
    ("question", "spec", "fit"),
    [
        ("in 2017", "2017-01-23", 1.0),
        ("in 2016", "2016", 1.2),
        ("in 2017", "2017/2018", 0.5),
        ("in 2013", "2016", 0.0),
        ("in may 2015", "2015-05", 1.2),
        ("in 2015", "2015-05", 1.0),
        ("on 23 january", "2017-01-23", 1.0),
        ("on 24 january", "2017-01-23", 0.0),
        ("in february", "2017-02-08", 1.0),
    ],
)
def test_query_overlap_with_a_fact_date(question: str, spec: str, fit: float) -> None:
    assert _query(question).overlap(parse_date_spec(spec)) == pytest.approx(fit)


@pytest.mark.parametrize(
    ("question", "lang", "label"),
    [
        ("on 23 january", "en", "23 January"),
        ("on 23 january", "ru", "23 января"),
        ("on 23 january", "kk", "23 қаңтар"),
        ("in january", "ru", "январь"),
        ("in january", "kk", "қаңтар"),
        ("in 2016", "ru", "2016 год"),
        ("in 2016", "kk", "2016 жыл"),
        ("2013-2014", "ru", "2013–2014 годы"),
        ("in 2016", "en", "2016"),
        ("in january 2017", "en", "January 2017"),
        ("2017-2018", "en", "2017–2018"),
    ],
)
def test_query_label(question: str, lang: str, label: str) -> None:
    assert _query(question).label(lang) == label


@pytest.mark.parametrize(
    ("question", "left"),
    [
        ("Какие договорённости были достигнуты в Астане в 2015 году?", "какие договор"),
        ("Что было в 2013–2014 годах?", "что было в"),
        ("2015 жылы Астанада қандай келісімдерге қол жеткізілді?", "астанада қандай"),
        ("2015 жылғы мамырда не болды?", "не болды"),
        ("Что было в 2015-м году?", "что было в"),
    ],
)
def test_the_word_year_after_a_year_belongs_to_the_date(question: str, left: str) -> None:
    """ "в 2015 году" is a date, not a "when" question: the year word goes with the number."""
    found, rest = find_dates(normalise(question))
    assert found
    assert left in rest
    assert not any(word in rest for word in ("год", "жыл"))


def test_a_year_word_without_a_number_stays() -> None:
    _, rest = find_dates(normalise("В каком году Казахстан избрали в Совбез?"))
    assert "году" in rest


@pytest.mark.parametrize(
    ("spec", "label"),
    [
        ("2016", "2016 жылы"),
        ("2017-01-23", "2017 жылғы 23 қаңтарда"),
        ("2015-05", "2015 жылғы мамырда"),
        ("2017-09", "2017 жылғы қыркүйекте"),
        ("2017-07", "2017 жылғы шілдеде"),
        ("2017-04", "2017 жылғы сәуірде"),
        ("early 2015", "2015 жылдың басында"),
        ("2014/early 2015", "2014 жылы және 2015 жылдың басында"),
        ("2017/2018", "2017–2018 жылдары"),
        ("2015-05/2015-10", "2015 жылғы мамыр – қазан аралығында"),
        ("scheduled 2017-02-08", "2017 жылғы 8 ақпанда (жоспарланған күн)"),
    ],
)
def test_kazakh_when_label_is_in_the_locative(spec: str, label: str) -> None:
    span = parse_date_spec(spec)
    assert span.label("kk", when=True) == label
    assert span.label("ru", when=True) == span.label("ru")  # Russian writes it alike


def test_the_plain_kazakh_label_stays_nominative() -> None:
    assert parse_date_spec("2016").label("kk") == "2016 жыл"
