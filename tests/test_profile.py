"""Requirements profiles: examples load, errors carry line and column, writes are atomic."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from buyer import actions
from buyer._atomic import atomic_write
from buyer._text import token
from buyer.cli import main
from buyer.errors import InputError, OutputError
from buyer.formats.toml_models import ProfileErrors, dump_profile, parse_profile

EXAMPLES = sorted((Path(__file__).parent.parent / "requirements_profiles").glob("*.toml"))

GOOD = """\
name = "Cloud RFP"

[interop]
guideline = "2020.06"
program = "compute"
add_ons = ["dns"]

[[shortlist]]
name = "Acme"
evidence = [{ file = "acme.json", kind = "published", date = 2030-01-02 }]
"""


def test_there_are_three_realistic_examples_and_they_load():
    assert len(EXAMPLES) >= 3
    for path in EXAMPLES:
        loaded = actions.load_profile(path)
        assert loaded.profile.name and loaded.profile.interop.guideline
        assert len(loaded.sha256) == 64
        for product in loaded.profile.shortlist:
            for ref in product.evidence:
                assert (path.parent / ref.file).is_file(), ref.file


def test_typo_key_gives_line_column_and_suggestion():
    text = GOOD.replace("[interop]", "[interop]\nadd_on = []")
    with pytest.raises(ProfileErrors) as err:
        parse_profile(text, "p.toml")
    assert str(err.value) == "p.toml:4:1: unknown key 'add_on' (did you mean 'add_ons'?) in [interop]"


def test_bad_value_inside_an_inline_table_points_at_the_key():
    text = GOOD.replace('kind = "published"', 'kind = "rumour"')
    with pytest.raises(ProfileErrors) as err:
        parse_profile(text, "p.toml")
    line = GOOD.splitlines()[9]
    assert err.value.line == 10 and err.value.column == line.index("kind") + 1
    assert "shortlist[0].evidence[0].kind: should be 'self-reported'" in str(err.value)


def test_every_problem_is_listed_in_file_order():
    text = GOOD.replace('program = "compute"', 'program = "hpc"').replace('name = "Cloud RFP"', 'nmae = "x"')
    with pytest.raises(ProfileErrors) as err:
        parse_profile(text, "p.toml")
    lines = err.value.lines()
    assert set(lines[:2]) == {
        "p.toml:1:1: unknown key 'nmae' (did you mean 'name'?)",
        "p.toml:1:1: missing required key 'name'",
    }
    assert any(line.startswith("p.toml:5:1: interop.program: must be one of platform") for line in lines)
    assert "(and 2 more problems)" in str(err.value)


def test_toml_syntax_error_has_position():
    with pytest.raises(InputError) as err:
        parse_profile('name = "x"\n[interop\n', "p.toml")
    assert (err.value.line, err.value.column) == (2, 9)
    assert "not valid TOML" in str(err.value)


def test_duplicate_products_and_empty_kinds_are_refused():
    twice = GOOD + '\n[[shortlist]]\nname = "Acme"\n'
    with pytest.raises(ProfileErrors, match="names product 'Acme' twice"):
        parse_profile(twice, "p.toml")
    # Names that read the same are refused as the response forms' are: the scorecard would show
    # two rows nobody can tell apart
    for other, hidden in (("ac\u200bme", ": U+200B draws nothing"), ("ACME", ""), (" A c m e", "")):
        alike = GOOD + f'\n[[shortlist]]\nname = "{other}"\n'
        with pytest.raises(ProfileErrors) as told:
            parse_profile(alike, "p.toml")
        assert told.value.errors[0].message == (
            f"shortlist: names products 'Acme' and {token(other)}, which look alike (they differ in case, "
            f"spaces or characters that draw nothing{hidden}); name them apart"
        )
    assert len(parse_profile(GOOD + '\n[[shortlist]]\nname = "Acme 2"\n', "p.toml").shortlist) == 2
    with pytest.raises(ProfileErrors, match="must accept at least one kind"):
        parse_profile(GOOD + "\n[evidence_policy]\naccepted_kinds = []\n", "p.toml")


def test_round_trip_through_dump():
    profile = parse_profile(GOOD, "p.toml")
    assert parse_profile(dump_profile(profile), "again.toml") == profile


def test_a_saved_profile_writes_dates_as_toml_dates():
    import datetime as dt
    import tomllib

    written = tomllib.loads(dump_profile(parse_profile(GOOD, "p.toml")))
    assert written["shortlist"][0]["evidence"][0]["date"] == dt.date(2030, 1, 2)  # a date, not "2030-01-02"
    assert written["shortlist"][0]["evidence"][0]["kind"] == "published"


def test_save_is_atomic_and_replaces_whole(tmp_path, monkeypatch):
    target = tmp_path / "profile.toml"
    target.write_text("original\n")
    profile = parse_profile(GOOD, "p.toml")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OutputError, match=r"profile\.toml: not written: disk full"):
        actions.save_profile(profile, target)
    assert target.read_text() == "original\n"
    assert [p.name for p in tmp_path.iterdir()] == ["profile.toml"]  # no temporary file left
    monkeypatch.undo()
    actions.save_profile(profile, target)
    assert actions.load_profile(target).profile == profile


def test_atomic_write_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "x.txt"
    target.write_text("a")
    target.chmod(0o600)
    atomic_write(target, "b")
    assert target.read_text() == "b" and (target.stat().st_mode & 0o777) == 0o600


ANNOTATED = """\
# Procurement 2031: agreed with the architecture board on 2030-11-02.
name = "Cloud RFP"  # the name the report's cover shows

[interop]
guideline = "2020.06"
program = "compute"
add_ons = ["dns"]    # DNS is in scope since the last review

# Candidates from the first round.
[[shortlist]]
name = "Acme"
evidence = [{ file = "acme.json", kind = "published", date = 2030-01-02 }]

[[shortlist]]
name = "Borealis"  # asked for a tempest run
"""


def test_a_save_keeps_the_comments_and_layout_of_what_did_not_change():
    original = parse_profile(ANNOTATED, "p.toml")
    edited = original.model_copy(update={"buyer": "City of Example", "name": "Cloud RFP 2031"})
    text = dump_profile(edited, ANNOTATED)
    assert parse_profile(text, "again.toml") == edited
    for kept in (
        "# Procurement 2031: agreed with the architecture board on 2030-11-02.",
        'add_ons = ["dns"]    # DNS is in scope since the last review',
        "# Candidates from the first round.",
        'name = "Borealis"  # asked for a tempest run',
        'evidence = [{ file = "acme.json", kind = "published", date = 2030-01-02 }]',  # tomlkit drops that space
    ):
        assert kept in text, kept
    assert 'name = "Cloud RFP 2031"' in text and 'buyer = "City of Example"' in text
    untouched = [line for line in ANNOTATED.splitlines() if not line.startswith('name = "Cloud RFP"')]
    assert [line for line in text.splitlines() if line in untouched] == untouched  # every other line, as it was
    assert dump_profile(original, ANNOTATED) == ANNOTATED  # nothing changed: the file as it was


def test_no_age_limit_is_saved_as_any_and_reads_back_as_no_limit(tmp_path, capsys):
    """TOML has no null: a profile without an age limit (the workbench's empty field) once
    saved without the key, read back as the default 365 days and scored otherwise."""
    original = parse_profile(ANNOTATED, "p.toml")
    policy = original.evidence_policy.model_copy(update={"max_age_days": None})
    edited = original.model_copy(update={"evidence_policy": policy})
    for keep in (ANNOTATED, ""):
        text = dump_profile(edited, keep)
        assert parse_profile(text, "again.toml").evidence_policy.max_age_days is None
        assert 'max_age_days = "any"' in text
    assert "# Procurement 2031" in dump_profile(edited, ANNOTATED)  # the comments stay
    bad = tmp_path / "p.toml"
    bad.write_text(ANNOTATED.replace("[interop]", '[evidence_policy]\nmax_age_days = "forever"\n\n[interop]', 1))
    assert main(["profile", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert 'max_age_days: should be a whole number of days, or "any" for no limit' in err


def test_text_a_report_lays_out_is_bounded():
    """A report breaks every line of a profile's text into its pages: a 1.2 MB description kept
    the PDF's line breaking busy for over ten minutes. Bounds far above what an RFP writes."""
    interop = '[interop]\nguideline = "2020.06"\n'
    parse_profile('name = "P"\ndescription = "' + "x" * 20_000 + '"\n' + interop, "ok.toml")
    cases = [
        ('description = "' + "x" * 20_001 + '"', "description: should have at most 20000 characters"),
        ('buyer = "' + "x" * 10_001 + '"', "buyer: should have at most 10000 characters"),
        ('[[shortlist]]\nname = "A"\nnotes = "' + "x" * 10_001 + '"', "notes: should have at most 10000 characters"),
    ]
    for body, says in cases:
        top, _, tables = body.partition("[[")
        with pytest.raises(ProfileErrors, match=says):
            parse_profile('name = "P"\n' + top + "\n" + interop + ("[[" + tables if tables else "") + "\n", "p.toml")


def test_a_profile_that_would_not_read_back_the_same_is_not_saved(monkeypatch):
    from buyer.errors import BuyerError
    from buyer.formats import toml_models

    edited = parse_profile(ANNOTATED, "p.toml").model_copy(update={"buyer": "City of Example"})
    monkeypatch.setattr(toml_models, "_dumped", lambda profile, exclude_defaults=False: {"name": "other"})
    with pytest.raises(BuyerError, match="cannot be written so that it reads back the same; not saved"):
        dump_profile(edited)


def test_a_save_with_products_added_and_removed_still_reads_back_as_the_profile():
    original = parse_profile(ANNOTATED, "p.toml")
    shortlist = [*original.shortlist[1:], original.shortlist[0].model_copy(update={"name": "Citadel"})]
    interop = original.interop.model_copy(update={"add_ons": []})
    edited = original.model_copy(update={"shortlist": shortlist, "interop": interop})
    text = dump_profile(edited, ANNOTATED)
    assert parse_profile(text, "again.toml") == edited
    assert "# Procurement 2031" in text and "add_ons = []" in text
    assert "max_age_days" not in text  # a default the file left out is not added
    assert dump_profile(edited, "not = [toml") == dump_profile(edited)  # unreadable text: the plain dump


LISTED = """\
name = "Cloud RFP"

[interop]
guideline = "2020.06"

[[shortlist]]
name = "Acme"  # first round
evidence = [
  { file = "acme.json", kind = "published", date = 2030-01-02 },  # from the portal
  { file = "acme-run.json", date = 2030-01-03 },
]

[[shortlist]]
name = "Borealis"  # asked for a tempest run

[[shortlist.evidence]]
file = "borealis.json"  # mailed
date = 2030-01-04

[[shortlist]]
name = "Citadel"  # late entry
"""


def _edited(text: str, **shortlist_edits: object) -> tuple[str, object]:
    original = parse_profile(text, "p.toml")
    products = {p.name: p for p in original.shortlist}
    for name, evidence in shortlist_edits.items():
        products[name] = products[name].model_copy(update={"evidence": evidence})
    edited = original.model_copy(update={"shortlist": list(products.values())})
    return dump_profile(edited, text), edited


def test_evidence_added_to_a_product_keeps_the_list_as_written_and_in_its_style():
    original = parse_profile(LISTED, "p.toml")
    acme, borealis = original.shortlist[0], original.shortlist[1]
    new = acme.evidence[0].model_copy(update={"file": "acme-2031.json"})
    text, edited = _edited(LISTED, Acme=[*acme.evidence, new], Borealis=[*borealis.evidence, new])
    assert parse_profile(text, "again.toml") == edited
    lines = text.splitlines()
    for kept in LISTED.splitlines():  # nothing written is rewritten: every line of the file is there
        assert kept in lines, kept
    # in the inline array, an inline table; in the array of tables, a [[table]] set apart as the others
    assert '{ file = "acme-2031.json", kind = "published", date = 2030-01-02 },' in text
    assert 'date = 2030-01-04\n\n[[shortlist.evidence]]\nfile = "acme-2031.json"' in text
    assert 'date = 2030-01-02\n\n[[shortlist]]\nname = "Citadel"' in text


def test_evidence_removed_or_changed_takes_only_its_own_lines_and_comments():
    original = parse_profile(LISTED, "p.toml")
    acme = original.shortlist[0]
    text, edited = _edited(LISTED, Acme=[acme.evidence[1]])
    assert parse_profile(text, "again.toml") == edited
    assert "from the portal" not in text and "acme.json" not in text
    assert [line for line in LISTED.splitlines() if "acme.json" not in line] == text.splitlines()
    changed = acme.evidence[1].model_copy(update={"date": acme.evidence[1].date.replace(day=9)})
    text, edited = _edited(LISTED, Acme=[acme.evidence[0], changed])
    assert parse_profile(text, "again.toml") == edited
    assert '  { file = "acme-run.json", date = 2030-01-09 },' in text  # as the file writes it
    assert "# from the portal" in text


def test_a_product_replaced_by_another_does_not_keep_its_comments():
    original = parse_profile(LISTED, "p.toml")
    delta = original.shortlist[2].model_copy(update={"name": "Delta"})
    edited = original.model_copy(update={"shortlist": [*original.shortlist[:2], delta]})
    text = dump_profile(edited, LISTED)
    assert parse_profile(text, "again.toml") == edited
    assert "late entry" not in text and 'name = "Delta"' in text
    assert "# first round" in text and "# asked for a tempest run" in text


@pytest.mark.parametrize("before", ["uses {braces }", "due 2026-01-01 }"])
def test_an_edit_that_only_removes_a_space_before_a_brace_is_saved_with_the_comments(before):
    text = ANNOTATED.replace('name = "Cloud RFP"', f'name = "Cloud RFP"\ndescription = "{before}"  # why')
    edited = parse_profile(text, "p.toml").model_copy(update={"description": before.replace(" }", "}")})
    saved = dump_profile(edited, text)
    assert parse_profile(saved, "again.toml") == edited
    assert "# Procurement 2031" in saved and "# why" in saved  # the comments stay


@pytest.mark.parametrize(
    "toml_1_1",
    [
        'evidence = [{ file = "a.json",\n  date = 2030-01-02 }]',  # a newline inside an inline table
        'evidence = [{ file = "a.json", }]',  # a trailing comma in an inline table
        'evidence = [{ file = "\\x61.json" }]',  # a \\x escape
    ],
)
def test_a_profile_is_toml_1_0_as_tomllib_and_tomlkit_read_it(toml_1_1):
    text = ANNOTATED.replace('evidence = [{ file = "acme.json", kind = "published", date = 2030-01-02 }]', toml_1_1)
    with pytest.raises(ProfileErrors, match=r"p\.toml:\d+:\d+: not valid TOML"):
        parse_profile(text, "p.toml")


MULTI_LINE = """\
name = "P"
[interop]
guideline = "2020.06"
[[shortlist]]
name = "A"
evidence = [
  { file = "a.json" },
  { file = "b.json", kind = "x" }, { file = "g.json", bar = 2 },
  { file = "c]d.json", date = "bad" },
]
[[shortlist]]
name = "B"
evidence = [{ file = "e.json" }, { file = "f.json", foo = 1 }]
vendor.x = 1
[a.b.c]
x = 1
"""


def test_problems_in_an_array_written_over_lines_are_told_at_the_element(tmp_path, capsys):
    """Each element's line and the key's column (the review saw every one at the ``evidence = [``
    line), a path holding a ``]`` does not end the array, and a table of a dotted header is told
    at its header (it was 1:1)."""
    path = tmp_path / "p.toml"
    path.write_text(MULTI_LINE)
    assert main(["profile", "check", str(path)]) == 2
    shown = [line.removeprefix(str(path) + ":") for line in capsys.readouterr().err.splitlines()]
    assert shown == [
        "8:22: shortlist[0].evidence[1].kind: should be 'self-reported', 'published', 'live-run' or 'live-discovery'",
        "8:55: unknown key 'bar' in [shortlist[0].evidence[2]]",
        "9:24: shortlist[0].evidence[3].date: should be a date (YYYY-MM-DD): input is too short",
        "13:53: unknown key 'foo' in [shortlist[1].evidence[1]]",
        "14:1: shortlist[1].vendor: should be text",
        "15:1: unknown key 'a'",
    ]


def test_comments_stay_with_their_products_when_one_goes_and_another_comes():
    """Same length, other products: each comment stays on its own product's line (by position,
    Borealis's comment went to Citadel and Acme's to Borealis)."""
    original = parse_profile(LISTED, "p.toml")
    delta = original.shortlist[2].model_copy(update={"name": "Delta"})
    edited = original.model_copy(update={"shortlist": [*original.shortlist[1:], delta]})
    text = dump_profile(edited, LISTED)
    assert parse_profile(text, "again.toml") == edited
    for line in ('name = "Borealis"  # asked for a tempest run', 'name = "Citadel"  # late entry'):
        assert line in text.splitlines()
    assert "first round" not in text and "from the portal" not in text


def test_an_entry_is_known_by_its_file_wherever_the_file_writes_that_field():
    """An entry whose file comes last in its inline table is still the same entry when its date
    changes and another is added: it keeps its comment."""
    text = LISTED.replace(
        '  { file = "acme-run.json", date = 2030-01-03 },', '  { date = 2030-01-03, file = "acme-run.json" },  # rerun'
    )
    original = parse_profile(text, "p.toml")
    acme = original.shortlist[0]
    changed = acme.evidence[1].model_copy(update={"date": acme.evidence[1].date.replace(day=9)})
    extra = acme.evidence[0].model_copy(update={"file": "acme-2031.json"})
    saved, edited = _edited(text, Acme=[acme.evidence[0], changed, extra])
    assert parse_profile(saved, "again.toml") == edited
    assert '{ date = 2030-01-09, file = "acme-run.json" },  # rerun' in saved
