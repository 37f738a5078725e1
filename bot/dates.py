"""Dates: the fact base's date specs, their display in three languages, and dates in questions.

A fact's date is a point ("2017", "2015-05", "2017-01-23", "early 2015") or an
ISO-8601-style interval of two points ("2017/2018", "2014/early 2015"). Every
point knows its first and last day, so facts and questions compare as day ranges.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

PARTS = {"early": (1, 4), "mid": (5, 8), "late": (9, 12)}

MONTHS_EN = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
MONTHS_RU_NOM = [
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
]  # fmt: skip
MONTHS_RU_GEN = [
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
]  # fmt: skip
MONTHS_KK = [
    "қаңтар", "ақпан", "наурыз", "сәуір", "мамыр", "маусым",
    "шілде", "тамыз", "қыркүйек", "қазан", "қараша", "желтоқсан",
]  # fmt: skip
PART_LABELS = {
    "en": {"early": "early {y}", "mid": "mid-{y}", "late": "late {y}"},
    "ru": {"early": "начало {y} года", "mid": "середина {y} года", "late": "конец {y} года"},
    "kk": {"early": "{y} жылдың басы", "mid": "{y} жылдың ортасы", "late": "{y} жылдың соңы"},
}
SCHEDULED_LABELS = {"en": "scheduled", "ru": "запланированная дата", "kk": "жоспарланған күн"}
# Kazakh parts of a year in the locative, for "when" answers: "2015 жылдың басында"
PART_LOCATIVES_KK = {
    "early": "{y} жылдың басында",
    "mid": "{y} жылдың ортасында",
    "late": "{y} жылдың соңында",
}
# A bare year in a sentence: "2016 год", "2016 жыл"; two years: "2017–2018 годы"
YEAR_LABELS = {
    "en": ("{y}", "{a}–{b}"),
    "ru": ("{y} год", "{a}–{b} годы"),
    "kk": ("{y} жыл", "{a}–{b} жылдар"),
}


@dataclass(frozen=True, order=True)
class DatePoint:
    """One calendar point with year, month or day precision, or a part of a year."""

    year: int
    month: int | None = None
    day: int | None = None
    part: str | None = None  # "early" | "mid" | "late", only with year precision

    def __post_init__(self) -> None:
        # ValueError for 30 February, month 0 and the like
        date(
            self.year, 1 if self.month is None else self.month, 1 if self.day is None else self.day
        )

    @cached_property
    def first_day(self) -> date:
        if self.part:
            return date(self.year, PARTS[self.part][0], 1)
        return date(self.year, self.month or 1, self.day or 1)

    @cached_property
    def last_day(self) -> date:
        month = PARTS[self.part][1] if self.part else self.month or 12
        if self.day:
            return date(self.year, month, self.day)
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def label(self, lang: str, *, with_year: bool = True) -> str:
        """The point as a native reader writes it in a sentence or a chronology.

        '23 January 2017', '23 января 2017 года', '2017 жылғы 23 қаңтар'; 'май 2015 года';
        '2016 год', '2016 жыл'. Without the year, only the day and month ('23 января', 'май'),
        for the first end of a range within one year.
        """
        lang = lang if lang in YEAR_LABELS else "en"
        y = self.year
        if self.part:
            return PART_LABELS[lang][self.part].format(y=y)
        if self.month is None:
            return YEAR_LABELS[lang][0].format(y=y)
        m = self.month - 1
        if lang == "ru":
            day_month = f"{self.day} {MONTHS_RU_GEN[m]}" if self.day else MONTHS_RU_NOM[m]
            return f"{day_month} {y} года" if with_year else day_month
        if lang == "kk":
            day_month = f"{self.day} {MONTHS_KK[m]}" if self.day else MONTHS_KK[m]
            return f"{y} жылғы {day_month}" if with_year else day_month
        day_month = f"{self.day} {MONTHS_EN[m]}" if self.day else MONTHS_EN[m]
        return f"{day_month} {y}" if with_year else day_month

    def locative_kk(self, *, with_year: bool = True) -> str:
        """The point as Kazakh says "in" it, for a "when" answer: "2016 жылы",
        "2017 жылғы 23 қаңтарда", "2015 жылдың басында"."""
        if self.part:
            return PART_LOCATIVES_KK[self.part].format(y=self.year)
        if self.month is None:
            return f"{self.year} жылы"
        return kazakh_locative(self.label("kk", with_year=with_year))


@dataclass(frozen=True)
class DateSpan:
    """A fact's date: one point, or an interval between two points.

    `scheduled`: the source gives the date something was planned for, and nothing of whether
    it happened ("scheduled for February 8"); the label says so wherever the date is shown.
    """

    start: DatePoint
    end: DatePoint | None = None
    scheduled: bool = field(default=False, compare=False)  # the same days, however qualified

    @cached_property
    def first_day(self) -> date:
        return self.start.first_day

    @cached_property
    def last_day(self) -> date:
        return (self.end or self.start).last_day

    def label(self, lang: str, *, when: bool = False) -> str:
        """A point, or a range as written in the language: '2017–2018 годы',
        '2014 – начало 2015 года', '2014 жыл – 2015 жылдың басы', 'May–October 2015'.

        `when`: as the answer to "when" (in Kazakh the locative: '2016 жылы', '2014 жылы және
        2015 жылдың басында'); the other languages write it alike.
        """
        label = self._locative_kk() if when and lang == "kk" else self._label(lang)
        if self.scheduled:
            return f"{label} ({SCHEDULED_LABELS.get(lang, SCHEDULED_LABELS['en'])})"
        return label

    def _label(self, lang: str) -> str:
        start, end = self.start, self.end
        if end is None:
            return start.label(lang)
        lang = lang if lang in YEAR_LABELS else "en"
        if start.month is None and start.part is None and end.month is None and end.part is None:
            return YEAR_LABELS[lang][1].format(a=start.year, b=end.year)
        same_year = start.year == end.year and start.month and end.month
        if lang == "kk":
            # the year leads in Kazakh: "2015 жылғы мамыр – қазан"
            right = end.label(lang, with_year=not same_year)
            return f"{start.label(lang)} – {right}"
        if lang == "ru":
            # one "года" for both ends: "2014 – начало 2015 года", "май – октябрь 2015 года"
            left = start.label(lang, with_year=not same_year)
            left = left.removesuffix(" года").removesuffix(" год")
            return f"{left} – {end.label(lang)}"
        left = start.label(lang, with_year=not same_year)
        dash = " – " if same_year and (start.day or end.day) else "–"  # "May–October 2015"
        return f"{left}{dash}{end.label(lang)}"

    def _locative_kk(self) -> str:
        start, end = self.start, self.end
        if end is None:
            return start.locative_kk()
        whole = start.month is None and start.part is None
        if whole and end.month is None and end.part is None:
            return f"{start.year}–{end.year} жылдары"
        if whole:  # a year and part of the next: "2014 жылы және 2015 жылдың басында"
            return f"{start.locative_kk()} және {end.locative_kk()}"
        return f"{self._label('kk')} аралығында"  # "2015 жылғы мамыр – қазан аралығында"

    def __str__(self) -> str:
        return self.label("en")

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: object) -> object:
        """How pydantic reads a fact's date from YAML: a string, or a bare year."""
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(_span_from_yaml)


_KK_BACK_VOWELS = set("аоұыя")
_KK_FRONT_VOWELS = set("әеөүіэию")
_KK_VOICELESS = set("кқпстфхцчшщ")


def kazakh_locative(phrase: str) -> str:
    """A Kazakh phrase with the locative on its last word, by vowel harmony and the last
    sound: "қаңтар" → "қаңтарда", "шілде" → "шілдеде", "қыркүйек" → "қыркүйекте"."""
    vowels = [ch for ch in phrase.lower() if ch in _KK_BACK_VOWELS | _KK_FRONT_VOWELS]
    front = bool(vowels) and vowels[-1] in _KK_FRONT_VOWELS
    voiceless = phrase[-1:].lower() in _KK_VOICELESS
    return phrase + ("т" if voiceless else "д") + ("е" if front else "а")


def _span_from_yaml(value: object) -> DateSpan:
    if isinstance(value, DateSpan):
        return value
    if isinstance(value, str | int) and not isinstance(value, bool):
        return parse_date_spec(value)
    raise ValueError(f"unknown date format {value!r}")


_POINT = re.compile(
    r"^(?:(?P<part>early|mid|late)\s+(?P<py>\d{4})"
    r"|(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?)$"
)


def parse_point(text: str) -> DatePoint:
    """Parse 'YYYY', 'YYYY-MM', 'YYYY-MM-DD' or 'early|mid|late YYYY'; ValueError otherwise."""
    match = _POINT.match(text.strip().lower())
    if not match:
        raise ValueError(
            f"unknown date format {text!r}: use YYYY, YYYY-MM, YYYY-MM-DD, "
            "'early|mid|late YYYY', or START/END, each after 'scheduled ' for a planned date"
        )
    if match["part"]:
        return DatePoint(int(match["py"]), part=match["part"])
    return DatePoint(
        int(match["y"]),
        int(match["m"]) if match["m"] else None,
        int(match["d"]) if match["d"] else None,
    )


def parse_date_spec(text: str | int) -> DateSpan:
    """Parse a fact's date: a point or 'START/END', after 'scheduled ' for a planned date."""
    raw = str(text).strip()
    if raw.lower().startswith("scheduled "):
        span = parse_date_spec(raw[len("scheduled ") :])
        return DateSpan(span.start, span.end, scheduled=True)
    if "/" in raw:
        left, _, right = raw.partition("/")
        span = DateSpan(parse_point(left), parse_point(right))
        if span.last_day < span.first_day:
            raise ValueError(f"date range {raw!r} ends before it starts")
        return span
    return DateSpan(parse_point(raw))


# --- dates in questions -------------------------------------------------------------------


@dataclass(frozen=True)
class DateQuery:
    """A period a question asks about; without a year, that month (and day) of any year."""

    span: DateSpan | None = None
    month: int | None = None
    day: int | None = None

    @property
    def first_day(self) -> date | None:
        return self.span.first_day if self.span else None

    @property
    def last_day(self) -> date | None:
        return self.span.last_day if self.span else None

    def overlap(self, span: DateSpan) -> float:
        """How well a fact's date answers this period: 1.2 exact, 1 inside, 0.5 overlapping, 0."""
        if self.span is None:
            if span.end is not None or span.start.month != self.month:
                return 0.0
            if self.day and span.start.day not in (None, self.day):
                return 0.0
            return 1.0
        first, last = self.span.first_day, self.span.last_day
        if span.first_day == first and span.last_day == last:
            return 1.2
        if first <= span.first_day and span.last_day <= last:
            return 1.0
        if span.first_day <= last and first <= span.last_day:
            return 0.5
        return 0.0

    def label(self, lang: str) -> str:
        """The period as the reply names it; a month without a year: 'январь', '23 қаңтар'."""
        if self.span is not None:
            return self.span.label(lang)
        return DatePoint(2000, self.month, self.day).label(lang, with_year=False)


def _month_words() -> dict[str, int]:
    """Month names as written in questions: English names and abbreviations, Russian cases."""
    table: dict[str, int] = {}
    for number, (en, ru) in enumerate(zip(MONTHS_EN, MONTHS_RU_NOM, strict=True), start=1):
        stem = ru[:-1] if ru.endswith(("ь", "й")) else ru
        table.update({stem + ending: number for ending in ("", "ь", "я", "е", "ю", "й", "а")})
        if en != "May":  # "may" is also a verb: a month only next to a number
            table[en.lower()] = number
            table[en[:3].lower()] = number
    del table["mar"]  # "mar" is a word; "mar." is March
    # "май" makes stray forms: "ма" is a Kazakh question particle, "маь" and "маа" nothing
    for stray in ("ма", "маь", "маа"):
        del table[stray]
    table["sept"] = 9
    return table


_MONTH_WORDS = _month_words()
_KAZAKH_MONTHS = tuple(MONTHS_KK)
_MONTH_WORD = r"[a-zа-яёәғқңөұүһі]+\.?"
_MONTH_WORD_RE = re.compile(_MONTH_WORD)
_YEAR = r"(?:1[89]\d\d|20\d\d)"
_RANGE = re.compile(rf"\b({_YEAR})\s*(?:-|–|—|to|until|till|по|до|and|и|бен|мен)\s*({_YEAR})\b")
_DAY_MONTH = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th|-?го|-?ші|-?шы)?\s+(?:of\s+)?({_MONTH_WORD})"
)
_MONTH_DAY = re.compile(rf"\b({_MONTH_WORD})\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?!\d)")
_ISO = re.compile(rf"\b({_YEAR})-(\d{{2}})(?:-(\d{{2}}))?\b")
_YEAR_ONLY = re.compile(rf"(?<![\d+])({_YEAR})(?![\d+])")
_YEAR_WORD = re.compile(
    r"\s*(?:-?(?:м|й|го)\s+)?(?:год(?:а|у|ом|е|ы|ов|ах|ам)?|гг?\.|жыл(?:ы|ғы|дың|дары|дардағы|"
    r"дан|ға|да|дар|дардың|дарда)?|ж\.)(?![а-яёәғқңөұүһі])"
)


def month_number(word: str, *, beside_number: bool = False) -> int | None:
    """The month a word names in English, Russian or Kazakh ('Jan', 'январе', 'қаңтарда')."""
    bare = word.lower().rstrip(".")
    if beside_number and bare in ("may", "мая", "мае", "май"):
        return 5
    if bare in _MONTH_WORDS:
        return _MONTH_WORDS[bare]
    if word.lower() == "mar.":
        return 3
    # Kazakh endings pile up on the name: "қаңтарда", "қазанның"
    if not bare.startswith(_KAZAKH_MONTHS):
        return None
    return next(n for n, name in enumerate(MONTHS_KK, start=1) if bare.startswith(name))


def find_dates(text: str) -> tuple[list[DateQuery], str]:
    """Find the periods a normalised question asks about; return them and the text without them."""
    found: list[DateQuery] = []
    rest = text

    def cut(start: int, end: int) -> None:
        """Blank out a span; the text keeps its length, so later positions stay valid.

        A year takes the word "year" after it along ("в 2015 году", "2015 жылы"): that word
        is part of the date, not a "when" question ("в каком году?" has no number).
        """
        nonlocal rest
        if rest[start:end].rstrip()[-1:].isdigit():
            year_word = _YEAR_WORD.match(rest, end)
            end = year_word.end() if year_word else end
        rest = rest[:start] + " " * (end - start) + rest[end:]

    for match in list(_ISO.finditer(rest)):
        year, month, day = int(match[1]), int(match[2]), match[3]
        if not 1 <= month <= 12:
            continue
        try:
            point = DatePoint(year, month, int(day) if day else None)
            found.append(DateQuery(DateSpan(point)))
        except ValueError:
            continue
        cut(*match.span())
    for match in list(_RANGE.finditer(rest)):
        a, b = int(match[1]), int(match[2])
        if a < b:
            found.append(DateQuery(DateSpan(DatePoint(a), DatePoint(b))))
            cut(*match.span())
    day_months: list[tuple[re.Match[str], int, int]] = []
    for match in _DAY_MONTH.finditer(rest):
        month = month_number(match[2], beside_number=True)
        if month and 1 <= int(match[1]) <= 31:
            day_months.append((match, int(match[1]), month))
    for match in _MONTH_DAY.finditer(rest):
        month = month_number(match[1], beside_number=True)
        if month and 1 <= int(match[2]) <= 31 and not _YEAR_ONLY.fullmatch(match[2]):
            day_months.append((match, int(match[2]), month))
    years = list(_YEAR_ONLY.finditer(rest))
    for match, day, month in day_months:
        cut(*match.span())
        if len(years) == 1:
            try:
                point = DatePoint(int(years[0][1]), month, day)
            except ValueError:
                continue
            found.append(DateQuery(DateSpan(point)))
            cut(*years[0].span())
            years = []
        elif day <= calendar.monthrange(2000, month)[1]:  # a leap year: 29 February is a date
            found.append(DateQuery(month=month, day=day))
    # month + year, or a month alone
    for match in list(_MONTH_WORD_RE.finditer(rest)):
        if not month_number(match[0], beside_number=True):
            continue  # most words: not a month whatever is beside them
        near_year = _YEAR_ONLY.search(rest, match.end(), match.end() + 16) or _YEAR_ONLY.search(
            rest, max(0, match.start() - 16), match.start()
        )
        month = month_number(match[0], beside_number=bool(near_year))
        if not month:
            continue
        if near_year:
            year = int(near_year[1])
            found.append(DateQuery(DateSpan(DatePoint(year, month))))
            cut(*near_year.span())
        else:
            found.append(DateQuery(month=month))
        cut(*match.span())
    for match in list(_YEAR_ONLY.finditer(rest)):
        year = int(match[1])
        found.append(DateQuery(DateSpan(DatePoint(year))))
        cut(*match.span())
    return found, rest
