"""Problems found in an uploaded file: collected, never thrown one at a time.

Each problem has a code from CATALOGUE, a place (file, sheet, row, column) and
parameters for its message template, which exists in Chinese and English.
Row numbers are 1-based as the clerk sees them in Excel; columns are letters.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# code -> (Chinese template, English template). Templates may use the problem's
# params and {value}. Keep them short and say what to fix.
CATALOGUE: dict[str, tuple[str, str]] = {
    # Whole-file problems
    "file_too_large": ("文件过大（{size_mb} MB），上限为 {limit_mb} MB；请拆分后再上传。",
                       "The file is too large ({size_mb} MB, limit {limit_mb} MB); split it and upload again."),
    "empty_file": ("文件是空的（0 字节）。", "The file is empty (0 bytes)."),
    "unsupported_format": ("不支持的文件类型“{suffix}”；请上传 .xlsx、.xlsm、.xls 或 .csv 文件。",
                           "Unsupported file type '{suffix}'; upload an .xlsx, .xlsm, .xls or .csv file."),
    "not_a_spreadsheet": ("文件名像表格，但内容不是表格（{detail}）；请上传台账本身：Excel 文件（.xlsx、.xls）或 CSV。若它是表格软件另存的其他格式，请用 Excel 或 WPS 打开后另存为 .xlsx。",
                          "The file has a spreadsheet name but is not a spreadsheet ({detail}); upload the ledger itself: an Excel file (.xlsx, .xls) or a CSV. If a spreadsheet program saved it in another format, open it in Excel or WPS and save it as .xlsx."),
    "encrypted": ("文件设置了打开密码，无法读取；请在 Excel 或 WPS 中取消密码后另存再上传。",
                  "The workbook is password-protected; remove the password in Excel or WPS, save and upload again."),
    "zip_bomb": ("文件结构异常（{detail}），为安全起见拒绝读取；请在 Excel 或 WPS 中打开后另存为 .xlsx。",
                 "The file's structure is abnormal ({detail}) and was refused for safety; open it in Excel or WPS and save it as .xlsx."),
    "corrupt_file": ("文件已损坏，无法读取（{detail}）；请重新导出或另存后上传。",
                     "The file is damaged and cannot be read ({detail}); export or save it again and upload."),
    "absurd_dimensions": ("工作表“{sheet}”的范围异常（{detail}）；请删除多余的行列后另存。",
                          "Sheet '{sheet}' has an abnormal extent ({detail}); delete the stray rows and columns and save again."),
    "empty_workbook": ("工作簿中没有任何数据。", "The workbook holds no data."),
    "csv_binary": ("CSV 文件中含有二进制内容，不是文本表格；请从原系统重新导出。",
                   "The CSV file contains binary data, not a text table; export it again from the source system."),
    "csv_encoding": ("无法识别 CSV 文件的编码（已尝试 UTF-8 和 GB18030）；请另存为“CSV UTF-8”。",
                     "The CSV file's encoding was not recognised (tried UTF-8 and GB18030); save it as 'CSV UTF-8'."),
    "no_ledger_sheet": ("没有找到台账表：各工作表中都没有“项目名称”“进展情况”等表头（已查看：{sheets}）。",
                        "No ledger found: no sheet has headers such as 项目名称 and 进展情况 (looked at: {sheets})."),
    "hidden_ledger_sheet": ("台账在隐藏的工作表“{sheet}”中；请取消隐藏后另存再上传，以免误报。",
                            "The ledger is on the hidden sheet '{sheet}'; unhide it, save and upload again so nothing is reported by mistake."),
    "missing_column": ("表头中缺少必需的列“{column_name}”；请补上该列（可用的名称：{aliases}）。",
                       "The header lacks the required column '{column_name}'; add it (accepted names: {aliases})."),
    "no_month": ("无法确定报送月份：标题和文件名中都没有“2021年4月”之类的字样；请在命令中加 --month YYYY-MM，或在网页上选择月份。",
                 "The report month is unknown: neither the title nor the file name says e.g. '2021年4月'; pass --month YYYY-MM or pick the month on the page."),
    "no_unit": ("无法确定填报单位：表中没有“单位”“县区”或“乡镇”列，也没有“填报单位：”一行；请在命令中加 --unit 单位名称。",
                "The reporting unit is unknown: the sheet has no 单位, 县区 or 乡镇 column and no '填报单位：' line; pass --unit NAME."),
    "no_rows": ("台账中没有任何任务行。", "The ledger holds no task rows."),
    "formula_without_value": ("单元格 {cell} 是公式但没有保存计算结果；请在 Excel 或 WPS 中打开文件并保存一次后再上传。",
                              "Cell {cell} holds a formula with no saved result; open the file in Excel or WPS, save it once and upload again."),
    "read_error": ("读取文件时出错（{detail}）；请在 Excel 或 WPS 中另存为 .xlsx 后再上传。",
                   "The file could not be read ({detail}); save it as .xlsx in Excel or WPS and upload again."),
    # Warnings: shown beside the result, never refusing a file
    "summary_mismatch": ("汇总表写“{unit}”{measure} {stated}，而导入的台账中是 {loaded}；请核对汇总表或台账。",
                         "The summary says {unit} has {stated} {measure_en}, but the ledger loaded has {loaded}; check the summary or the ledger."),
    "summary_unit_missing": ("汇总表列出“{unit}”（{stated} 项），但文件中没有它的台账。",
                             "The summary lists {unit} ({stated} tasks), but the file holds no ledger for it."),
    "region_differs": ("表中“{unit}”的县区写作“{region}”，而该单位已知属于“{known}”；仍按“{known}”统计（如需更改，请管理员在单位名单中修改）。",
                       "The sheet puts {unit} in '{region}', but the unit is known to be in '{known}'; it is counted under '{known}' (an admin can change it in the units list)."),
    # Row problems
    "blank_title": ("项目名称为空。", "The task name is blank."),
    "blank_unit": ("单位为空。", "The unit is blank."),
    "blank_status": ("进展情况为空；请填写“已完成”“推进中”或“未启动”。",
                     "The progress is blank; fill in 已完成, 推进中 or 未启动."),
    "bad_status": ("进展情况“{value}”无法识别；请填写“已完成”“推进中”或“未启动”。",
                   "Progress '{value}' is not recognised; use 已完成, 推进中 or 未启动."),
    "status_conflict": ("进展情况“{value}”与是否完成“{flag}”相互矛盾；请更正其中之一。",
                        "Progress '{value}' contradicts 是否完成 '{flag}'; correct one of them."),
    "bad_flag": ("是否完成“{value}”无法识别；请填写“是”或“否”。",
                 "是否完成 '{value}' is not recognised; use 是 or 否."),
    "bad_amount": ("金额“{value}”无法识别；请填写数字，单位为万元（如 350 或 1.2亿元）。",
                   "Amount '{value}' is not recognised; enter a number in 万元 (e.g. 350 or 1.2亿元)."),
    "negative_amount": ("金额“{value}”为负数；投资额不能小于 0。", "Amount '{value}' is negative; investment cannot be below 0."),
    "bad_count": ("人数“{value}”无法识别；请填写整数（如 1200）。",
                  "Head count '{value}' is not recognised; enter a whole number (e.g. 1200)."),
    "bad_date": ("日期“{value}”无法识别；请填写如 2021-06-30 或“2021年6月底前”，长期任务填“长期”。",
                 "Date '{value}' is not recognised; write e.g. 2021-06-30 or 2021年6月底前, or 长期 for ongoing tasks."),
    "ambiguous_date": ("日期“{value}”存成了数字，无法区分 1 月和 10 月；请把该列设为日期或文本格式，写成 2021-10-31。",
                       "Date '{value}' is stored as a number, so January and October look the same; format the column as date or text and write 2021-10-31."),
    "date_as_number": ("日期“{value}”存成了普通数字；请把该列设为日期格式。",
                       "Date '{value}' is stored as a plain number; format the column as a date."),
    "bad_satisfaction": ("群众满意度“{value}”无法识别；请填写“满意”“基本满意”“不满意”，或 0–100 的分数（如 95）。",
                         "Satisfaction '{value}' is not recognised; write 满意, 基本满意 or 不满意, or a score from 0 to 100 (e.g. 95)."),
    "bad_percent": ("完成进度“{value}”无法识别；请填写 0% 到 100% 之间的百分比（如 60%）。",
                    "Completion '{value}' is not recognised; enter a percentage from 0% to 100% (e.g. 60%)."),
    "foreign_unit": ("单位“{value}”不在您的账号可报送的单位之内（{allowed}）。",
                     "Unit '{value}' is not one your account may report for ({allowed})."),
}

PLACE_TEMPLATES = {
    "zh": {"file": "文件“{}”", "sheet": "工作表“{}”", "row": "第 {} 行", "column": "{} 列", "sep": "，", "end": "："},
    "en": {"file": "file '{}'", "sheet": "sheet '{}'", "row": "row {}", "column": "column {}", "sep": ", ", "end": ": "},
}


def column_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A, 26 -> AA)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class Problem:
    code: str
    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None  # Excel letter
    column_name: str | None = None  # the header as written in the sheet
    params: dict = field(default_factory=dict, compare=False, hash=False)

    def place(self, lang: str = "zh") -> str:
        t = PLACE_TEMPLATES[lang]
        parts = []
        if self.file:
            parts.append(t["file"].format(self.file))
        if self.sheet:
            parts.append(t["sheet"].format(self.sheet))
        if self.row is not None:
            parts.append(t["row"].format(self.row))
        if self.column:
            label = t["column"].format(self.column)
            if self.column_name:
                label += f"（{self.column_name}）" if lang == "zh" else f" ({self.column_name})"
            parts.append(label)
        return t["sep"].join(parts)

    def text(self, lang: str = "zh") -> str:
        """The message without its place."""
        zh, en = CATALOGUE[self.code]
        template = zh if lang == "zh" else en
        params = {"sheet": self.sheet or "", "column_name": self.column_name or "", **self.params}
        try:
            return template.format(**params)
        except (KeyError, IndexError):
            return template

    def message(self, lang: str = "zh") -> str:
        place = self.place(lang)
        return f"{place}{PLACE_TEMPLATES[lang]['end']}{self.text(lang)}" if place else self.text(lang)

    def to_dict(self) -> dict:
        return {
            "code": self.code,
            "file": self.file,
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "column_name": self.column_name,
            "message_zh": self.message("zh"),
            "message_en": self.message("en"),
        }


class FileRefused(Exception):
    """The file cannot be loaded at all. Carries every problem found."""

    def __init__(self, problems: list[Problem], layout=None):
        self.problems = list(problems)
        # The header the loader found, when it found one: what the mapping step shows.
        self.layout = layout
        super().__init__("; ".join(p.message("en") for p in self.problems))


def refuse(code: str, **kwargs) -> FileRefused:
    """Shorthand: `raise refuse("encrypted", file=name)`."""
    place = {k: kwargs.pop(k) for k in ("file", "sheet", "row", "column", "column_name") if k in kwargs}
    return FileRefused([Problem(code, params=kwargs, **place)])


# How rows' statuses were decided (pipeline.Prepared.status_sources), said with
# the result in the browser and on the command line, so a clerk sees what was
# read and what a rule inferred: key -> (zh, en) templates.
STATUS_SOURCES: dict[str, tuple[str, str]] = {
    "line": ("进展判断：{parts}", "How progress was read: {parts}"),
    "word": ("按状态词 {n} 行", "{n} rows by status word"),
    "flag": ("按是否完成 {n} 行", "{n} by 是否完成 (completed yes/no)"),
    "percent": ("按完成进度 {n} 行", "{n} by completion %"),
    "rule": ("按文字规则 {n} 行（其中{detail}）", "{n} by rules on the written text ({detail})"),
    "rule:negation_not_started": ("“尚未完成，未开工”类视为未启动 {n} 行",
                                  "{n} like 尚未完成，未开工 (not done, not begun): not started"),
    "rule:negation": ("“尚未完成…”类视为推进中 {n} 行", "{n} like 尚未完成… (not done yet): in progress"),
    "rule:percent": ("按文字中的百分比 {n} 行", "{n} by a percentage in the text"),
    "rule:pending_acceptance": ("“待验收”类视为推进中 {n} 行", "{n} like 待验收 (awaiting acceptance): in progress"),
    "rule:not_started_words": ("“未启动、待开工”类视为未启动 {n} 行", "{n} like 待启动 (yet to begin): not started"),
    "rule:completed_words": ("“已完成…”类 {n} 行", "{n} like 已完成… (done): completed"),
    "rule:other_text": ("其他文字视为推进中 {n} 行", "{n} other text: in progress"),
}


def describe_sources(sources: dict[str, int], lang: str = "zh") -> str | None:
    """"进展判断：按状态词 12 行，按文字规则 4 行（其中…）" from Prepared.status_sources."""
    def say(key: str, **values) -> str:
        zh, en = STATUS_SOURCES[key]
        return (zh if lang == "zh" else en).format(**values)

    sep, inner = ("，", "、") if lang == "zh" else (", ", ", ")
    parts = [say(name, n=sources[name]) for name in ("word", "flag", "percent") if sources.get(name)]
    order = list(STATUS_SOURCES)
    rules = sorted((k for k in sources if k.startswith("rule:") and sources[k]),
                   key=lambda k: order.index(k) if k in order else len(order))
    if rules:
        detail = inner.join(say(k, n=sources[k]) if k in STATUS_SOURCES else f"{k[5:]} {sources[k]}" for k in rules)
        parts.append(say("rule", n=sum(sources[k] for k in rules), detail=detail))
    return say("line", parts=sep.join(parts)) if parts else None
