"""The one catalogue of words (present/catalogue.py and the present/strings_*.py it
merges, issue 16): every key has Chinese and English with the same placeholders, is
defined in one place only, and is used somewhere in the project."""
from __future__ import annotations

import ast
import collections
import re
import string
from pathlib import Path

import pytest

from present import catalogue
from present.catalogue import STRINGS

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "present" / "catalogue.py", *sorted((ROOT / "present").glob("strings_*.py"))]
CODE = [ROOT / "dashboard.py", *(path for package in ("app_pages", "ui", "present", "reports", "loaders", "metrics",
                                                      "taizhang") for path in sorted((ROOT / package).rglob("*.py")))]
TEMPLATES = sorted((ROOT / "templates").glob("*.j2"))

# Keys the code builds from a literal prefix and a value (t(f"m.{key}"), labels("m.", keys),
# PROBLEM_PREFIX + code ...): a key under one of these counts as used. Each prefix names a
# file that builds it; the test checks that it really does.
DYNAMIC_PREFIXES = {
    "m.": "ui/frame.py",                          # t(f"m.{key}"), a measure; also labels("m.", ...) on the pages
    "help.": "ui/frame.py",                       # t(f"help.{key}"), a measure's tooltip; ui/tables.py
    "col.": "ui/league.py",                       # t(f"col.{name_col}"); present/excel.py, ui/admin_mappings.py
    "status.": "ui/frame.py",                     # t(f"status.{status}"); ui/upload_files.py, reports/document.py
    "role.": "ui/auth.py",                        # t(f"role.{user.role}")
    "rating.": "ui/upload.py",                    # t(f"rating.{v}"), the ledger's 群众满意度 level
    "fb.rating.": "ui/feedback_view.py",          # t(f"fb.rating.{rating}"); ui/admin_ratings.py, reports/...
    "audit.": "ui/admin_audit.py",                # t(f"audit.{a}"), an audit log action
    "account.": "ui/auth.py",                     # f"account.{error.code}", an AccountError code
    "missing.": "present/missing.py",             # text(f"missing.{code}"), text(f"missing.entity.{entity}")
    "rankings.reason.": "ui/league.py",           # t(f"rankings.reason.{code}"); present/excel.py
    "rankings.level.": "app_pages/rankings.py",   # t(f"rankings.level.{level}"), labels("rankings.level.", LEVELS)
    "rankings.one.": "app_pages/rankings.py",     # t(f"rankings.one.{level}"): "open that unit"
    "cli.account.": "loaders/accounts_cli.py",    # text(f"cli.account.{args.action}")
    "rankings.rules.": "ui/league.py",            # t(f"rankings.rules.{result.not_reported_rule}")
    "slide.": "reports/exports.py",               # say(f"slide.{key}"), a slide's title; f"slide.{which}_sub"
    "sub.status.": "app_pages/submissions.py",    # t(f"sub.status.{s}")
    "up.field.": "ui/upload_mapping_step.py",     # i18n_labels("up.field.", fields)
    "up.problem.": "ui/upload.py",                # t(f"up.problem.{problem.code}"), the browser's own wording
    "up.skip.": "ui/upload_report.py",            # t(f"up.skip.{k}"), rows left out as not tasks
    "up.stage.": "ui/upload_check.py",            # t(f"up.stage.{stage}"), the progress bar
    "up.state.": "ui/upload_history.py",          # t(f"up.state.{s}"), an upload's state
    "cli.status.": "loaders/__main__.py",         # _m(f"cli.status.{report.status}"), a file's outcome
    "problem.": "loaders/problems.py",            # PROBLEM_PREFIX: loaders.problems.CATALOGUE, by problem code
    "status_source.": "loaders/problems.py",      # SOURCE_PREFIX: describe_sources, how progress was read
}

# Keys whose two languages need different values: English starts the sentence with the
# entity ({entity_cap}) or does without it; the summary names the measure in each language.
PLACEHOLDERS_DIFFER = {"rankings.rules", "rankings.black_empty", "rankings.none", "problem.summary_mismatch"}


def _definitions(path: Path) -> list[str]:
    """The keys of the STRINGS dict literal a catalogue file defines, repeats included."""
    keys: list[str] = []
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
        if isinstance(target, ast.Name) and target.id == "STRINGS" and isinstance(node.value, ast.Dict):
            keys += [k.value for k in node.value.keys if isinstance(k, ast.Constant)]
    return keys


def _code_strings() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Every string literal in the project's code ({text: files}), and every literal
    that starts an f-string or a + concatenation ({prefix: files}). The keys a catalogue
    file defines are not uses."""
    literals: dict[str, set[str]] = collections.defaultdict(set)
    starts: dict[str, set[str]] = collections.defaultdict(set)
    for path in CODE:
        name = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        defined = set()
        if path in SOURCES:
            for node in tree.body:
                value = getattr(node, "value", None)
                if isinstance(value, ast.Dict):
                    defined |= {id(k) for k in value.keys}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in defined:
                literals[node.value].add(name)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                starts[node.values[0].value].add(name)
            elif (isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and isinstance(node.left, ast.Constant)
                  and isinstance(node.left.value, str)):
                starts[node.left.value].add(name)
    for path in TEMPLATES:
        for quoted in re.findall(r"""["']([\w.:-]+)["']""", path.read_text(encoding="utf-8")):
            literals[quoted].add(path.relative_to(ROOT).as_posix())
    return literals, starts


def _placeholders(template: str) -> set[str]:
    return {re.split(r"[.\[]", field)[0] for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_every_key_has_chinese_and_english():
    empty = [key for key, words in STRINGS.items()
             if len(words) != 2 or not all(isinstance(w, str) and w.strip() for w in words)]
    assert not empty, empty


def test_no_key_is_defined_twice():
    """Within one file a repeated key would silently win in the dict literal, and across
    files the merge accepts the same words twice: neither may happen."""
    where = collections.defaultdict(list)
    for path in SOURCES:
        for key in _definitions(path):
            where[key].append(path.name)
    # each measure's label and help are defined with the measure (metrics/definitions.py)
    from metrics.definitions import MEASURES
    for measure in MEASURES.values():
        where[f"m.{measure.key}"].append("metrics/definitions.py")
        if measure.help:
            where[f"help.{measure.key}"].append("metrics/definitions.py")
    twice = {key: files for key, files in where.items() if len(files) > 1}
    assert not twice, twice
    assert set(where) == set(STRINGS), "a key comes from a file this test does not read"


def test_a_key_redefined_with_other_words_is_refused():
    before = dict(STRINGS)
    with pytest.raises(ValueError, match="fb.title"):
        catalogue._merge({"fb.title": ("别的", "Other")}, "test")
    catalogue._merge({"fb.title": before["fb.title"]}, "test")  # the same words twice are harmless
    assert STRINGS == before


def test_the_same_placeholders_in_both_languages():
    differ = {key for key, (zh, en) in STRINGS.items() if _placeholders(zh) != _placeholders(en)}
    assert differ == PLACEHOLDERS_DIFFER


def test_every_dynamic_prefix_is_built_where_it_says():
    literals, starts = _code_strings()
    missing = {prefix: path for prefix, path in DYNAMIC_PREFIXES.items()
               if path not in starts.get(prefix, set()) | literals.get(prefix, set())}
    assert not missing, missing
    assert all(any(key.startswith(prefix) for key in STRINGS) for prefix in DYNAMIC_PREFIXES)


def test_every_key_is_used():
    literals, _ = _code_strings()
    unused = [key for key in STRINGS if key not in literals and not key.startswith(tuple(DYNAMIC_PREFIXES))]
    assert not unused, unused


def test_every_account_error_has_its_words():
    """taizhang cannot import the catalogue; its AccountError codes (taizhang.accounts.MESSAGES,
    the command line's English) each have the pages' words, "account.<code>", and no more."""
    from taizhang.accounts import MESSAGES

    assert {f"account.{code}" for code in MESSAGES} == {key for key in STRINGS if key.startswith("account.")}


def test_every_problem_code_is_in_the_catalogue():
    from loaders.problems import CATALOGUE

    assert CATALOGUE == {key.removeprefix("problem."): words for key, words in STRINGS.items()
                         if key.startswith("problem.")}
    assert "blank_title" in CATALOGUE and "foreign_unit" in CATALOGUE


def test_feedback_words_are_translated():
    """Residents' feedback, the notice and the ratings say everything in both languages."""
    same = [key for key, (zh, en) in STRINGS.items() if key.startswith(("fb.", "notice.", "ratings.")) and zh == en]
    assert not same, same
