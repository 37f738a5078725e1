"""Dates: the fact base's date specs, their display in three languages, and dates in questions.

A fact's date is a point ("2017", "2015-05", "2017-01-23", "early 2015") or an
ISO-8601-style interval of two points ("2017/2018", "2014/early 2015"). Every
point knows its first and last day, so facts and questions compare as day ranges.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
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
    "ru": {"early": "начало {y}", "mid": "середина {y}", "late": "конец {y}"},
    "kk": {"early": "{y} жылдың басы", "mid": "{y} жылдың ортасы", "late": "{y} жылдың соңы"},
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

    def label(self, lang: str) -> str:
        """The point as people write it: '23 January 2017', 'май 2015', '2017 жылғы 23 қаңтар'."""
        y = self.year
        if self.part:
            return PART_LABELS.get(lang, PART_LABELS["en"])[self.part].format(y=y)
        if self.month is None:
            return str(y)
        m = self.month - 1
        if lang == "ru":
            if self.day:
                return f"{self.day} {MONTHS_RU_GEN[m]} {y}"
            return f"{MONTHS_RU_NOM[m]} {y}"
        if lang == "kk":
            if self.day:
                return f"{y} жылғы {self.day} {MONTHS_KK[m]}"
            return f"{y} жылғы {MONTHS_KK[m]}"
        if self.day:
            return f"{self.day} {MONTHS_EN[m]} {y}"
        return f"{MONTHS_EN[m]} {y}"


@dataclass(frozen=True)
class DateSpan:
    """A fact's date: one point, or an interval between two points."""

    start: DatePoint
    end: DatePoint | None = None

    @cached_property
    def first_day(self) -> date:
        return self.start.first_day

    @cached_property
    def last_day(self) -> date:
        return (self.end or self.start).last_day

    def label(self, lang: str) -> str:
        if self.end is None:
            return self.start.label(lang)
        return f"{self.start.label(lang)}–{self.end.label(lang)}"

    def __str__(self) -> str:
        return self.label("en")

    @classmethod
    def __get_pydantic_core_schema__(cls, source: object, handler: object) -> object:
        """How pydantic reads a fact's date from YAML: a string, or a bare year."""
        from pydantic_core import core_schema

        return core_schema.no_info_plain_validator_function(_span_from_yaml)


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
            "'early|mid|late YYYY', or START/END"
        )
    if match["part"]:
        return DatePoint(int(match["py"]), part=match["part"])
    return DatePoint(
        int(match["y"]),
        int(match["m"]) if match["m"] else None,
        int(match["d"]) if match["d"] else None,
    )


def parse_date_spec(text: str | int) -> DateSpan:
    """Parse a fact's date: a point or 'START/END'."""
    raw = str(text).strip()
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
        if self.span is not None:
            return self.span.label(lang)
        label = DatePoint(2000, self.month, self.day).label(lang)
        return label.replace("2000 жылғы ", "").replace(" 2000", "")


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
        """Blank out a span; the text keeps its length, so later positions stay valid."""
        nonlocal rest
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
