"""UI words for each taizhang.accounts.AccountError code: "account.<code>".

The command line prints the error's own English text; the dashboard shows these,
filled with the error's params (escaped by the caller, ui.format.md). Merged into
present.catalogue.STRINGS; a key defined twice is an error there, never a silent overwrite.
"""
from __future__ import annotations

STRINGS: dict[str, tuple[str, str]] = {
    "account.bad_username": ("用户名须为 2–64 个字母、数字或 . _ @ -。", "A user name is 2-64 letters, digits or . _ @ -."),
    "account.bad_role": ("角色须为以下之一：{roles}。", "Role must be one of {roles}."),
    "account.short_password": ("密码至少需要 8 个字符。", "A password needs at least 8 characters."),
    "account.exists": ("账号 {username} 已存在。", "Account {username} exists already."),
    "account.no_user": ("没有账号 {username}。", "There is no account {username}."),
    "account.uploader_needs_unit": ("填报员至少要绑定一个单位。", "An uploader needs at least one unit."),
    "account.not_yourself": ("不能停用自己的账号或取消自己的管理员角色。",
                             "You cannot disable your own account or take away your own admin role."),
    "account.throttled": ("密码输错次数过多，请 {seconds} 秒后再试。", "Too many wrong passwords; try again in {seconds} s."),
}
