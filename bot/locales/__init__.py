"""Every user-facing string, one module per language, with English as the fallback."""

from __future__ import annotations

from . import en, kk, ru

STRINGS: dict[str, dict[str, str]] = {"en": en.STRINGS, "ru": ru.STRINGS, "kk": kk.STRINGS}


def t(lang: str, key: str, **values: object) -> str:
    """The string `key` in `lang` (English when missing), formatted with `values`."""
    template = STRINGS.get(lang, en.STRINGS).get(key) or en.STRINGS[key]
    return template.format(**values) if values else template
