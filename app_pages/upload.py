"""/upload — placeholder until sign-in and browser upload arrive (a later issue).

CONTRACT: without a login this page shows a sign-in form and no file uploader.
"""
import streamlit as st

from ui.i18n import t

st.title(t("upload.title"))
st.info(t("upload.coming"), icon=":material/construction:")
with st.form("upload_sign_in"):
    st.subheader(t("upload.sign_in"))
    st.text_input(t("upload.username"), disabled=True, key="upload_username")
    st.text_input(t("upload.password"), type="password", disabled=True, key="upload_password")
    st.form_submit_button(t("upload.sign_in"), disabled=True, help=t("upload.sign_in_disabled"))
