"""Japanese first: every catalogue entry is translated, none is left fuzzy."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(p for p in ROOT.glob("**/locale/ja/LC_MESSAGES/django.po") if ".venv" not in p.parts)
ENTRY = re.compile(r'^(#, [^\n]*fuzzy[^\n]*\n)?(?:#[^\n]*\n)*msgid ((?:"[^\n]*"\n)+)msgstr ((?:"[^\n]*"\n?)+)', re.M)


def test_catalogues_exist():
    assert len(CATALOGUES) >= 2


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_string_has_a_japanese_translation(path):
    problems = []
    for entry in path.read_text(encoding="utf-8").split("\n\n"):
        match = ENTRY.search(entry + "\n")
        if not match or match.group(2).strip() == '""':
            continue
        if match.group(1) or match.group(3).strip() == '""':
            problems.append(match.group(2).strip())
    assert problems == []
