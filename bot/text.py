"""Text handling shared by the index and the questions: normalising, words, language, stems.

Both sides go through the same functions, so a word in a fact and the same word
in a question always meet in the same form.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

LANGS = ("en", "ru", "kk")
KAZAKH_LETTERS = frozenset("әғқңөұүһі")
_CYRILLIC = re.compile(r"[а-яё]")
# letters and digits, "+" joining them; "_" is no part of a word, and words() reads it as a
# space first, as \w is quicker to match than [^\W_]
_WORD = re.compile(r"\w++(?:\+\w++)*+\+?")
# control characters but tab and newline, DEL, zero-width spaces and joiners, BOM
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff]")
# (str.translate with a table is several times slower than these replaces on short texts)
_FOLDS = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("`", "'"), ("‐", "-"), ("‑", "-"), ("ё", "е"))


def normalise(text: str) -> str:
    """NFKC, lower case, no invisible characters, one kind of apostrophe and hyphen, ё as е."""
    if not text.isprintable():  # a quicker test than the search: _INVISIBLE are unprintable
        text = _INVISIBLE.sub("", text)
    text = unicodedata.normalize("NFKC", text).lower()
    for variant, usual in _FOLDS:
        if variant in text:
            text = text.replace(variant, usual)
    return text


def words(text: str) -> list[str]:
    """The words of an already normalised text; 'p5+1' stays one word, apostrophes split."""
    return _WORD.findall(text.replace("_", " ") if "_" in text else text)


# Common Kazakh words as typed on a Russian keyboard, without the Kazakh letters:
# they mark a Cyrillic question as Kazakh even when no ә, қ or і appears in it.
KAZAKH_WITHOUT_LETTERS = frozenset(
    [
        "туралы",
        "бойынша",
        "жайлы",
        "жылы",
        "жылдары",
        "жылгы",
        "кашан",
        "кайда",
        "кандай",
        "калай",
        "неге",
        "ушин",
        "жане",
        "болды",
        "болган",
        "келиссоздер",
        "келиссоз",
        "кенеси",
        "кенесинде",
        "казакстан",
        "казакстанныц",
        "жумыс",
        "айтып",
        "бериниз",
        "бериниздши",
        "керек",
        "емес",
        "деген",
        "ше",
        "ал",
        "кимнин",
        # "and", "between", and country names that only Kazakh spells this way
        "мен",
        "бен",
        "пен",
        "арасында",
        "арасындагы",
        "ресей",
        "туркия",
    ]
)


def detect_language(text: str) -> str:
    """Kazakh-specific letters (or common Kazakh words) mean Kazakh, other Cyrillic Russian."""
    low = normalise(text)
    if any(ch in KAZAKH_LETTERS for ch in low):
        return "kk"
    if _CYRILLIC.search(low):
        return "kk" if KAZAKH_WITHOUT_LETTERS.intersection(words(low)) else "ru"
    return "en"


_KAZAKH_FOLD = str.maketrans("әғқңөұүһі", "агкноуухи")


def fold_kazakh(word: str) -> str:
    """The word as typed on a Russian keyboard: Kazakh letters replaced by their look-alikes."""
    return word.translate(_KAZAKH_FOLD)


def is_cyrillic(word: str) -> bool:
    return bool(_CYRILLIC.search(word)) or any(ch in KAZAKH_LETTERS for ch in word)


# --- stems ---------------------------------------------------------------------------------

_EN = snowballstemmer.stemmer("english")
_RU = snowballstemmer.stemmer("russian")

# Kazakh is agglutinative: plural, possessive and case endings pile up on the stem
# ("келісім-дер-і-нде"). No Snowball stemmer exists for it, so strip known endings,
# longest first, while a stem of at least four letters remains.
_KK_SUFFIXES = sorted(
    [
        "лар",
        "лер",
        "дар",
        "дер",
        "тар",
        "тер",
        "ымыз",
        "іміз",
        "ыңыз",
        "іңіз",
        "мыз",
        "міз",
        "ңыз",
        "ңіз",
        "ым",
        "ім",
        "ың",
        "ің",
        "сы",
        "сі",
        "ы",
        "і",
        "ның",
        "нің",
        "дың",
        "дің",
        "тың",
        "тің",
        "ға",
        "ге",
        "қа",
        "ке",
        "на",
        "не",
        "ны",
        "ні",
        "ды",
        "ді",
        "ты",
        "ті",
        "да",
        "де",
        "та",
        "те",
        "нда",
        "нде",
        "нан",
        "нен",
        "дан",
        "ден",
        "тан",
        "тен",
        "мен",
        "бен",
        "пен",
        "ымен",
        "імен",
        "дағы",
        "дегі",
        "тағы",
        "тегі",
        "ндағы",
        "ндегі",
        "лық",
        "лік",
        "дық",
        "дік",
        "тық",
        "тік",
        "шы",
        "ші",
        "ған",
        "ген",
        "қан",
        "кен",
        "ып",
        "іп",
        "п",
        "ды",
        "ді",
        "ты",
        "ті",
    ],
    key=len,
    reverse=True,
)
_KK_MIN_STEM = 3


def _by_length(suffixes: list[str]) -> tuple[tuple[int, frozenset[str]], ...]:
    """Endings grouped by length, longest first: a word ends in at most one of each length,
    so looking each length up is the same as trying every ending, longest first."""
    lengths = sorted({len(suffix) for suffix in suffixes}, reverse=True)
    return tuple((n, frozenset(s for s in suffixes if len(s) == n)) for n in lengths)


def _strip_ending(stem: str, endings: tuple[tuple[int, frozenset[str]], ...]) -> str | None:
    """The stem without its longest ending that leaves _KK_MIN_STEM letters; None if none."""
    for n, suffixes in endings:
        if len(stem) - n >= _KK_MIN_STEM and stem[-n:] in suffixes:
            return stem[:-n]
    return None


_KK_ENDINGS = _by_length(_KK_SUFFIXES)
KAZAKH_ENDINGS = frozenset(_KK_SUFFIXES)  # what a Kazakh word may end in beyond its stem


@lru_cache(maxsize=65536)
def stem_kazakh(word: str) -> str:
    stem: str | None = word
    while stem is not None:
        word, stem = stem, _strip_ending(stem, _KK_ENDINGS)
    return word


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, ...]:
    """Every stem a word may have, likeliest first: English, Kazakh, or Russian and Kazakh."""
    if not is_cyrillic(word):
        return (_EN.stemWord(word),) if word.isalpha() else (word,)
    kk = stem_kazakh(word)
    if any(ch in KAZAKH_LETTERS for ch in word):
        return (kk,)  # Kazakh letters: not a Russian word, whatever Snowball would make of it
    ru = _RU.stemWord(word)
    return (ru, kk) if kk != ru else (ru,)


@lru_cache(maxsize=262144)  # indexing stems every word of every fact; the vocabulary is small
def stem_for(word: str, lang: str) -> str:
    """The stem of a word in a text of a known language (used when indexing the fact base)."""
    if not is_cyrillic(word):
        return _EN.stemWord(word) if word.isalpha() else word
    return stem_kazakh(word) if lang == "kk" else _RU.stemWord(word)


# --- Russian typed in Latin letters -----------------------------------------------------------

_TRANSLIT = [
    ("shch", "щ"), ("sch", "щ"), ("yo", "е"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"),
    ("ch", "ч"), ("sh", "ш"), ("yu", "ю"), ("ju", "ю"), ("ya", "я"), ("ja", "я"),
    ("ye", "е"), ("iy", "ий"), ("yi", "ый"), ("ij", "ий"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"),
    ("i", "и"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"),
    ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"),
    ("c", "к"), ("w", "в"), ("x", "кс"), ("y", "ы"), ("q", "к"), ("'", "ь"),
]  # fmt: skip
_TRANSLIT_RE = re.compile("|".join(re.escape(latin) for latin, _ in _TRANSLIT))
_TRANSLIT_MAP = dict(_TRANSLIT)


@lru_cache(maxsize=65536)
def latin_to_cyrillic(word: str) -> str:
    """Read a Latin-typed word as Russian ('peregovory' -> 'переговоры', 'minske' -> 'минске')."""
    return _TRANSLIT_RE.sub(lambda m: _TRANSLIT_MAP[m.group(0)], word)


# --- Kazakh in Latin letters ----------------------------------------------------------------
# Kazakh is typed in Latin letters three ways: the 2021 alphabet (á ǵ ı ń ó ú ş ç, or ä ğ ñ ö ü
# ū), the 2017 apostrophe variant (a' g' n' o' u' s' c'), and informal ASCII that drops the
# diacritics ("Qazaqstan", "boiynsha", "kelissozder"). None of them keeps every distinction of
# Cyrillic, so both sides meet in a skeleton: Kazakh Cyrillic and Kazakh Latin are each reduced
# to the letters all spellings share (қ and к one letter, і ы й и one, ө and о one...), with
# doubled letters single ("Siriia", "Sırıa" and "Сирия" are all "сириа").

_SKELETON_CYRILLIC = {
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
    "і": "и", "ы": "и", "й": "и", "э": "е", "ё": "ио", "ю": "иу", "я": "иа", "щ": "ш",
    "ц": "тс", "ь": "", "ъ": "",
}  # fmt: skip
_SKELETON_LATIN = [
    ("s'", "ш"), ("c'", "ч"), ("y'", "у"), ("sh", "ш"), ("ch", "ч"), ("zh", "ж"), ("kh", "х"),
    ("ts", "тс"), ("'", ""),
    ("á", "а"), ("ä", "а"), ("ǵ", "г"), ("ğ", "г"), ("ı", "и"), ("ń", "н"), ("ñ", "н"),
    ("ó", "о"), ("ö", "о"), ("ú", "у"), ("ü", "у"), ("ū", "у"), ("ý", "у"), ("ş", "ш"),
    ("ç", "ч"), ("i̇", "и"),
    ("a", "а"), ("b", "б"), ("c", "к"), ("d", "д"), ("e", "е"), ("f", "ф"), ("g", "г"),
    ("h", "х"), ("i", "и"), ("j", "ж"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"),
    ("o", "о"), ("p", "п"), ("q", "к"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"),
    ("v", "в"), ("w", "у"), ("x", "кс"), ("y", "и"), ("z", "з"),
]  # fmt: skip
_SKELETON_LATIN_RE = re.compile("|".join(re.escape(latin) for latin, _ in _SKELETON_LATIN))
_SKELETON_LATIN_MAP = dict(_SKELETON_LATIN)
_DOUBLED = re.compile(r"(\w)\1+")
# Letters only Kazakh Latin uses (Turkish shares ş ç ü ö ğ, so those alone prove nothing)
KAZAKH_LATIN_LETTERS = frozenset("áǵıńóúý")
# A Latin word written with the 2017 apostrophes: "kelis'so'zder", "s'ar'"
KAZAKH_APOSTROPHE = re.compile(r"[a-z]'(?!(?:s|t|d|m|re|ll|ve)\b)[a-z]")


@lru_cache(maxsize=65536)
def kazakh_skeleton(word: str) -> str:
    """A Kazakh Cyrillic word reduced to the letters every Latin spelling of it keeps."""
    reduced = "".join(_SKELETON_CYRILLIC.get(ch, ch) for ch in word)
    return _DOUBLED.sub(r"\1", reduced)


@lru_cache(maxsize=65536)
def kazakh_latin_skeleton(word: str) -> str:
    """A Kazakh word typed in Latin letters, in any of its alphabets, as a Cyrillic skeleton."""
    reduced = _SKELETON_LATIN_RE.sub(lambda m: _SKELETON_LATIN_MAP[m.group(0)], word)
    return _DOUBLED.sub(r"\1", reduced)


_LATIN_KK_WORD = re.compile(r"[^\W_]+(?:['+][^\W_]+)*['+]?")


def latin_words(text: str) -> list[str]:
    """The words of a normalised Latin text, apostrophes kept inside words ("s'ar'")."""
    return _LATIN_KK_WORD.findall(text)


_KK_SKELETON_ENDINGS = _by_length([kazakh_skeleton(s) for s in _KK_SUFFIXES])


@lru_cache(maxsize=65536)
def skeleton_stems(skeleton: str) -> tuple[str, ...]:
    """A Kazakh skeleton and the forms left as its endings come off, one at a time."""
    forms = [skeleton]
    while (stem := _strip_ending(forms[-1], _KK_SKELETON_ENDINGS)) is not None:
        forms.append(stem)
    return tuple(forms)
