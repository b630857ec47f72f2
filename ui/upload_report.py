"""What /upload says about a checked file: what was found, its problems (with the
clerk's sheet back, the bad cells marked), what confirming would replace, and what
the commit did."""
from __future__ import annotations

import dataclasses

import streamlit as st

from loaders import pipeline
from loaders.annotate import annotated_workbook
from loaders.problems import Problem, describe_sources
from present import format as fmt
from ui import upload as up
from ui.i18n import lang, t
from ui.upload_check import KEY


def join(names) -> str:
    return ("、" if lang() == "zh" else ", ").join(names)


def labels() -> dict[str, str]:
    """Column headings of the preview and problem tables, in the user's language."""
    return {
        "sheet": t("up.col.sheet"), "row": t("up.col.row"), "column": t("up.col.column"),
        "problem": t("up.col.problem"), "source_row": t("up.col.row"), "unit": t("col.unit"),
        "region": t("col.region"), "title": t("col.title"), "category": t("col.category"),
        "status": t("col.status"), "deadline": t("col.deadline"), "planned_investment": t("col.planned_wan"),
        "actual_investment": t("col.actual_wan"), "beneficiaries": t("col.beneficiaries"),
        "progress_pct": t("up.field.progress_pct"), "progress_note": t("up.field.progress"),
        "satisfaction": t("up.field.satisfaction"),
    }


def problems_block(problems: list[Problem], data: bytes, name: str, index: int) -> None:
    """Every problem with its place: a list to read (also on a phone), a table when there are many,
    and the clerk's own sheet back with the bad cells marked."""
    current = lang()
    st.error(t("up.problems", n=len(problems)), icon=":material/error:")
    if len(problems) <= up.PROBLEMS_LISTED:
        st.markdown("\n".join(f"- **{fmt.md(place)}**{t('up.place_end')}{fmt.md(text)}" if place
                              else f"- {fmt.md(text)}"
                              for place, text in up.problem_lines(problems, current)))
    else:
        headings = labels()
        st.dataframe(up.problem_frame(problems, current, headings), hide_index=True, width="stretch",
                     key=f"{KEY}problems_{index}", height=320, column_config={
                         headings["sheet"]: st.column_config.TextColumn(width="small"),
                         headings["row"]: st.column_config.NumberColumn(width="small"),
                         headings["problem"]: st.column_config.TextColumn(width="large")})
    if up.has_placed_problems(problems):
        stem = name.rsplit(".", 1)[0]
        st.download_button(t("up.download_marked"), lambda: annotated_workbook(data, name, problems, current),
                           file_name=f"{stem}_{t('up.marked_suffix')}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           icon=":material/download:", key=f"{KEY}marked_{index}", on_click="ignore")


def skipped_text(skipped: dict[str, int]) -> str:
    return t("scope.sep").join(t(f"up.skip.{k}", n=v) for k, v in skipped.items() if v)


def months_text(months, lang_: str) -> str:
    return join(fmt.month(m, lang_) for m in months)


def warnings(found: list[Problem], lang_: str) -> None:
    """Summary-sheet mismatches: said beside the preview and the result, never refusing."""
    for warning in found:  # the card names the file already
        st.warning(fmt.md(dataclasses.replace(warning, file=None).message(lang_)), icon=":material/rule:")


def summary(prepared: pipeline.Prepared, detected_month, lang_: str) -> None:
    """Sheets, months, units, rows and what was skipped, as a list."""
    per_unit = up.rows_per_unit(prepared)
    units = join(f"{u}（{n}）" if lang_ == "zh" else f"{u} ({n})" for u, n in per_unit.items())
    skipped = skipped_text(prepared.skipped) or t("up.none")
    if len(prepared.parts) == 1:
        layout = prepared.layout
        sheets = t("up.found.sheet", sheet=fmt.md(layout.sheet), row=layout.header_row_excel())
    else:
        sheets = t("up.found.sheets", n=len(prepared.parts), sheets=join(
            t("up.found.sheet_item", sheet=fmt.md(p.layout.sheet), row=p.layout.header_row_excel())
            for p in prepared.parts))
    months = prepared.months
    lines = [
        sheets,
        t("up.found.month", month=fmt.month(months[0], lang_)) if len(months) == 1
        else t("up.found.months", n=len(months), months=months_text(months, lang_)),
        t("up.found.units", n=len(per_unit), units=fmt.md(units)),
        t("up.found.rows", n=prepared.table.num_rows),
        t("up.found.skipped", skipped=skipped),
    ]
    sources = describe_sources(prepared.status_sources, lang_)
    if sources:
        lines.append(fmt.md(sources))
    st.markdown("\n".join(f"- {line}" for line in lines))
    if detected_month and detected_month != prepared.report_month:
        st.warning(t("up.month_differs", found=fmt.month(detected_month, lang_),
                     chosen=fmt.month(prepared.report_month, lang_)), icon=":material/event:")


def result(upload) -> None:
    """What the commit of this file did (kept in the session by upload_check.commit)."""
    done = st.session_state[KEY + "results"][upload.file_id]
    report = done["report"]
    current = lang()
    if report is None:
        st.warning(t("msg.busy"), icon=":material/hourglass_top:")
    elif report.status == "unchanged":
        st.info(t("up.unchanged"), icon=":material/check_circle:")
    elif report.status == "loaded":
        skipped = skipped_text(done["skipped"])
        parts = [t("up.loaded", rows=report.rows_loaded, month=months_text(done["months"], current),
                   units=fmt.md(join(report.units)))]
        if report.rows_rejected:
            parts.append(t("up.loaded_rejected", n=report.rows_rejected))
        parts.append(t("up.replaced", n=report.replaced_rows) if report.replaced_rows else t("up.replaced_none"))
        if skipped:
            parts.append(t("up.skipped", skipped=skipped))
        st.success(t("scope.sep").join(parts), icon=":material/task_alt:")
    else:
        st.error(t("up.rejected"), icon=":material/error:")
    if report is None or report.status == "rejected":
        return
    sources = describe_sources(report.status_sources, current)
    if sources:
        st.caption(fmt.md(sources))
    if done["saved_applied"]:
        st.caption(t("up.map.saved_applied"))
    if done["mapping_saved"] == "ok":
        st.caption(t("up.map.saved"))
    elif done["mapping_saved"]:
        st.warning(t("up.map.save_failed", reason=fmt.md(done["mapping_saved"])), icon=":material/warning:")
    warnings(done["warnings"], current)


def impact_block(prepared: pipeline.Prepared, lang_: str) -> bool:
    """What confirming would replace, above the button. True when the file is loaded already."""
    found = prepared.impact
    if found is None:
        return False
    if found.identical_upload:
        st.info(t("up.identical", when=f"{found.identical_loaded_at:%Y-%m-%d %H:%M}",
                  file=fmt.md(found.identical_file)),
                icon=":material/check_circle:")
        return True
    for r in found.replacements:
        values = dict(unit=fmt.md(r.unit), month=fmt.month(r.month, lang_), now=r.rows_now, new=r.rows_new,
                      gone=r.rows_now - r.rows_new)
        if r.shrinks:
            st.warning(t("up.replaces_fewer", **values), icon=":material/warning:")
        else:
            st.info(t("up.replaces", **values), icon=":material/swap_horiz:")
    return False
