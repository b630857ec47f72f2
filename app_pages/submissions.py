"""/submissions — placeholder: who has reported each month (a later issue)."""
import streamlit as st

from ui.i18n import t

st.title(t("submissions.title"))
st.info(t("submissions.coming"), icon=":material/construction:")
