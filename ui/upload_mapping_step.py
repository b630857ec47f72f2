"""The mapping step of /upload: which column is which and what each unknown status
word means, as a form over the header the loader found."""
from __future__ import annotations

import zlib

import streamlit as st

from loaders.mapping import Mapping
from loaders.problems import Problem
from present import format as fmt
from present.catalogue import STRINGS as _STRINGS
from ui import upload as up
from ui.i18n import labels as i18n_labels, lang, t
from ui.upload_check import KEY, explicit as _explicit, forget as _forget
from ui.upload_report import join as _join

WORD_CHOICES = ("completed", "in_progress", "not_started")  # what an unknown status word may mean


def mapping_step(upload, layout, problems: list[Problem], applied: Mapping | None, needed: bool) -> None:
    """Which column is which and what each unknown status word means, as a form:
    applying it stores the clerk's mapping for this file and checks the file again.
    Open when the file cannot be loaded without it; closed otherwise."""
    current = lang()
    cells = up.header_cells(layout)
    unknown = up.unknown_words(problems)
    known = dict((applied.words if applied else {}).items())
    words = [*unknown, *(w for w in known if w not in unknown)]
    explicit = _explicit(upload)
    # The widgets' keys follow what the loader found, so the presets follow a new check.
    found = "|".join(f"{c.col}:{c.found}" for c in cells) + "|" + "|".join(words)
    form_key = f"{KEY}map_{upload.file_id}_{zlib.crc32(f'{layout.sheet}|{found}'.encode()):08x}"
    fields = sorted({f for c in cells for f in up.field_options(c.found)})
    field_names = i18n_labels("up.field.", [f for f in fields if f"up.field.{f}" in _STRINGS])
    status_names = i18n_labels("status.", WORD_CHOICES)
    with st.expander(t("up.map.title_needed") if needed else t("up.map.title"), expanded=needed,
                     icon=":material/table_edit:"):
        if unknown:
            st.markdown(t("up.map.intro_words", n=len(unknown), words=fmt.md(_join(f"“{w}”" if current == "zh"
                                                                                     else f"'{w}'" for w in unknown))))
        elif not needed:
            st.caption(t("up.map.intro"))
        with st.form(form_key, border=False, enter_to_submit=False):
            st.markdown(f"**{t('up.map.columns', sheet=fmt.md(layout.sheet), row=layout.header_row_excel())}**")
            chosen: dict[int, str] = {}
            for i, cell in enumerate(cells):
                if i % 3 == 0:  # a row of three at a time, so a phone stacks them in sheet order
                    grid = st.columns(3)
                options = up.field_options(cell.found)
                chosen[cell.col] = grid[i % 3].selectbox(
                    t("up.map.column_label", letter=cell.letter, header=fmt.md(cell.text)), options,
                    index=options.index(cell.found), key=f"{form_key}_col_{cell.col}",
                    format_func=lambda f, names=field_names: names.get(f, f))
            picked: dict[str, str | None] = {}
            if words:
                st.markdown(f"**{t('up.map.words')}**")
                for i, word in enumerate(words):
                    if i % 3 == 0:
                        grid = st.columns(3)
                    preset = known.get(word)
                    picked[word] = grid[i % 3].selectbox(
                        t("up.map.word_label", word=fmt.md(word)), WORD_CHOICES,
                        index=WORD_CHOICES.index(preset) if preset in WORD_CHOICES else None,
                        placeholder=t("up.map.pick"), key=f"{form_key}_word_{i}",
                        format_func=lambda s, names=status_names: names.get(s, s))
            st.caption(t("up.map.remember"))
            apply = st.form_submit_button(t("up.map.apply"), type="primary", icon=":material/refresh:")
        if not apply:
            return
        duplicates = up.duplicate_fields(cells, chosen)
        if duplicates:
            for field, letters in duplicates.items():
                st.error(t("up.map.duplicate", field=field_names.get(field, field), columns=_join(letters)),
                         icon=":material/error:")
            return
    mapping = up.mapping_from(cells, chosen, picked, explicit)
    st.session_state.setdefault(KEY + "mapping", {})[upload.file_id] = mapping or None
    _forget(upload.file_id)
    st.rerun()
