"""How a unit is named, one rule for the loader and the accounts (a layer both stand on)."""
from __future__ import annotations

# A town or county is one unit however its sheet names it: "城关镇人民政府" on a
# 填报单位 line, "城关镇" in a 乡镇 column. The government's own name is dropped
# where what is left names the place; a department's name ("市教育局") is kept.
UNIT_NAME_TAILS = ("人民政府", "政府", "办事处")
PLACE_ENDINGS = ("镇", "乡", "街道", "县", "区", "市", "旗", "苏木")


def canonical_unit(name: str | None) -> str | None:
    """"城关镇人民政府" -> "城关镇", "东街街道办事处" -> "东街街道"; other names as they are."""
    if not name:
        return name
    for tail in UNIT_NAME_TAILS:
        if name.endswith(tail):
            place = name[: -len(tail)].rstrip()
            if len(place) >= 2 and place.endswith(PLACE_ENDINGS):
                return place
    return name
