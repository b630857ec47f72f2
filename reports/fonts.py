"""Where the CJK fonts are: Noto Sans / Serif CJK SC from Debian's fonts-noto-cjk.

The PDF embeds subsets of them (fpdf2 reads the OpenType/CFF collections and
writes CID-keyed CFF subsets), so a reader needs no Chinese font of their own.
Nothing is downloaded: a machine without the package gets FontMissing, whose
message says what to install.

$TAIZHANG_CJK_FONT_DIR points at another folder holding the same four files.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path

SEARCH_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),   # Debian / Ubuntu fonts-noto-cjk
    Path("/usr/share/fonts/noto-cjk"),        # Fedora / Arch
    Path("/usr/share/fonts/google-noto-cjk"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
)
# role -> (file name, family name inside the collection)
FACES = {
    "sans": ("NotoSansCJK-Regular.ttc", "Noto Sans CJK SC"),
    "sans_bold": ("NotoSansCJK-Bold.ttc", "Noto Sans CJK SC Bold"),
    "serif": ("NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC"),
    "serif_bold": ("NotoSerifCJK-Bold.ttc", "Noto Serif CJK SC Bold"),
}


class FontMissing(Exception):
    """No CJK font file where one is expected; the message names the package to install."""


@dataclass(frozen=True)
class Face:
    path: Path
    index: int      # the font's number inside the .ttc collection
    name: str


def _dirs() -> list[Path]:
    override = os.environ.get("TAIZHANG_CJK_FONT_DIR")
    return ([Path(override)] if override else []) + list(SEARCH_DIRS)


def _index_of(path: Path, family: str) -> int:
    """The number of `family` inside a collection (SC is not always the same number)."""
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(path), lazy=True)
    try:
        for number, font in enumerate(collection.fonts):
            if font["name"].getDebugName(4) == family:
                return number
    finally:
        collection.close()
    raise FontMissing(f"{path} holds no face named {family!r}; reinstall fonts-noto-cjk.")


@functools.cache
def face(role: str) -> Face:
    file_name, family = FACES[role]
    for folder in _dirs():
        path = folder / file_name
        if path.is_file():
            return Face(path, _index_of(path, family), family)
    looked = ", ".join(str(d) for d in _dirs())
    raise FontMissing(
        f"The Chinese font {file_name} ({family}) was not found in {looked}. Install it with "
        f"`apt-get install fonts-noto-cjk` (Debian/Ubuntu), or set TAIZHANG_CJK_FONT_DIR to a folder holding it.")


def all_faces() -> dict[str, Face]:
    return {role: face(role) for role in FACES}
