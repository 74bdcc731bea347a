"""Characters: text that is not what it looks like.

A notice is read by people, and checked by rules that match words (the recipient-name
rule finds "HMRC" in prose). Two kinds of text defeat both, and are located errors:

- characters a reader cannot see: control characters, bidirectional overrides and
  isolates (which reorder what is shown), zero-width characters, line and paragraph
  separators;
- words that mix scripts, such as "HMRC" written with a Cyrillic "Н": they look like
  the word and are not it. Detection uses the Unicode confusables data through the
  confusable-homoglyphs library, imported only when a text has a non-ASCII letter.
"""

from __future__ import annotations

import re
import unicodedata

_ALLOWED_CONTROLS = {"\t", "\n", "\r"}
_PLAIN = re.compile(r"[\t\n\r\x20-\x7e]*")
"""Text made only of printable ASCII and tabs and line breaks: nothing hidden in it."""
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def plain(text: str) -> bool:
    """Whether ``text`` is only printable ASCII, tabs and line breaks."""
    return _PLAIN.fullmatch(text) is not None


def hidden(text: str) -> list[tuple[int, str]]:
    """(offset, description) for each character in ``text`` a reader cannot see."""
    if _PLAIN.fullmatch(text):
        return []
    return _scan(text)


def _scan(text: str) -> list[tuple[int, str]]:
    found = []
    for offset, char in enumerate(text):
        if char in _ALLOWED_CONTROLS:
            continue
        if unicodedata.category(char) in ("Cc", "Cf", "Co", "Cs", "Zl", "Zp"):
            found.append((offset, describe(char)))
    return found


def describe(char: str) -> str:
    """'U+202E (RIGHT-TO-LEFT OVERRIDE)'."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def mixed_scripts(text: str) -> list[tuple[int, str]]:
    """(offset, word) for each word of ``text`` that mixes scripts (Latin and Cyrillic,
    say): a look-alike of another word."""
    if text.isascii():
        return []
    from confusable_homoglyphs import confusables

    return [(match.start(), match[0]) for match in _WORD.finditer(text)
            if not match[0].isascii() and confusables.is_mixed_script(match[0])]


def printable(text: str) -> str:
    """``text`` with every invisible or control character written as an escape, so
    that no value can forge or hide a line of noticegen's own output."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(c if c == " " or unicodedata.category(c) not in
                   ("Cc", "Cf", "Co", "Cs", "Zl", "Zp") else
                   (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
                   for c in text)


def foreign_letters(word: str) -> list[str]:
    """The letters of ``word`` not in its main script (the script most letters are in)."""
    scripts = [unicodedata.name(c, "?").split(" ")[0] for c in word if c.isalpha()]
    main = max(set(scripts), key=scripts.count) if scripts else ""
    return [c for c, s in zip((c for c in word if c.isalpha()), scripts) if s != main]


def join_names(letters: list[str]) -> str:
    return ", ".join(f"'{c}' is {describe(c)}" for c in dict.fromkeys(letters))
