"""/briefing — placeholder: the monthly bulletin as PDF (a later issue)."""
import streamlit as st

from ui.i18n import t

st.title(t("briefing.title"))
st.info(t("briefing.coming"), icon=":material/construction:")
