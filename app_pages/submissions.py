"""/submissions — for a month: which units reported on time, late, or not at all.

Units expected are those in the `units` table (a units sheet loaded by an
admin, or units learned from their first upload); the deadline day comes from
[submissions] deadline_day in config/taizhang.toml.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow.compute as pc
import streamlit as st

from metrics.submissions import Submissions
from present import format as fmt
from ui import auth, data, frame, notice, upload as up
from ui.i18n import lang, t
from ui.sidebar import filters

STATUSES = ("missing", "late", "on_time")
MONTH_KEY = "submissions_month"


def month_choices(today: dt.date, known: list[dt.date], sidebar_month: dt.date | None) -> tuple[list[str], str]:
    """This month and every month with uploads or data, newest first; the sidebar's month first chosen."""
    months = {today.replace(day=1), *known}
    if sidebar_month:
        months.add(sidebar_month)
    keys = [fmt.month_key(m) for m in sorted(months, reverse=True)]
    default = fmt.month_key(sidebar_month) if sidebar_month else keys[0]
    return keys, default


@frame.guarded
def main() -> None:
    current = lang()
    st.title(t("submissions.title"))
    settings, settings_error = data.settings()
    if settings_error:
        st.warning(t("msg.config_error", error=settings_error))
    f = filters()
    keys, default = month_choices(dt.date.today(), up.submission_months(), f.month)
    # Follows the sidebar's month when that changes; also offers this month, before anyone reports.
    if st.session_state.get(MONTH_KEY) not in keys or st.session_state.get(MONTH_KEY + "_sidebar") != default:
        st.session_state[MONTH_KEY] = default
    st.session_state[MONTH_KEY + "_sidebar"] = default
    chosen = st.selectbox(t("sub.month"), keys, key=MONTH_KEY,
                          format_func=lambda k: fmt.month(fmt.parse_month_key(k), current), width=240)
    month = fmt.parse_month_key(chosen)
    result = up.submissions(month, settings.deadline_day)
    if result is None:
        st.info(t("msg.no_database", target=data.catalog().target), icon=":material/database:")
        return
    due = result.deadline
    due = f"{due.month}月{due.day}日" if current == "zh" else f"{due.day} {due:%b}"
    st.caption(t("sub.caption", month=fmt.month(month, current), due=due, day=settings.deadline_day))
    table = result.table.to_pandas()
    if f.region:
        table = table[table["region"] == f.region].reset_index(drop=True)
    if table.empty:
        st.info(t("sub.no_units" if not f.region else "sub.no_units_region", region=f.region or ""),
                icon=":material/groups:")
        return

    counts = {s: int((table["status"] == s).sum()) for s in STATUSES}
    with frame.tile_row("submissions", 4, [str(len(table))]):
        st.metric(t("sub.expected"), len(table), border=True, width="stretch")
        st.metric(t("sub.status.on_time"), counts["on_time"], border=True, width="stretch")
        st.metric(t("sub.status.late"), counts["late"], border=True, width="stretch")
        st.metric(t("sub.status.missing"), counts["missing"], border=True, width="stretch")

    st.subheader(t("sub.reminder"), anchor=False)
    reminder = result.reminder(current) if not f.region else _region_reminder(result, f.region, current)
    st.code(reminder, language=None, wrap_lines=True)
    st.caption(t("sub.reminder_help"))

    st.subheader(t("sub.table"), anchor=False)
    # unit and status first and pinned: on a phone they stay in view without scrolling sideways
    shown = pd.DataFrame({
        t("col.unit"): table["unit"],
        t("sub.col.status"): [t(f"sub.status.{s}") for s in table["status"]],
        t("col.region"): [r if isinstance(r, str) else t("unknown_region") for r in table["region"]],
        t("sub.col.first"): table["first_submitted"],
        t("sub.col.uploads"): table["uploads"],
    })
    st.dataframe(shown, hide_index=True, width="stretch", key="submissions_table", placeholder="—", column_config={
        t("col.unit"): st.column_config.TextColumn(t("col.unit"), pinned=True, width=140),
        t("sub.col.status"): st.column_config.TextColumn(t("sub.col.status"), pinned=True, width=80),
        t("sub.col.first"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
    })


def _region_reminder(result: Submissions, region: str, lang_: str) -> str:
    """The reminder limited to one region (the sidebar's)."""
    narrowed = Submissions(result.month, result.deadline,
                           result.table.filter(pc.equal(result.table.column("region"), region)))
    return narrowed.reminder(lang_)


@frame.guarded
def notices() -> None:
    """The notice-board PDF with the unit's QR code, for admins and the unit's uploaders."""
    st.divider()
    notice.download(auth.current_user(), "submissions_notice_")


main()
notices()
