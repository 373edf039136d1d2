"""The CLI twin: verbs, output formats, the JSON contract and the exit codes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from buyer.cli import main
from tests.conftest import FIXTURES, SHARED_INTEROP, dated, need_shared

SOURCE = str(FIXTURES / "interop")
ROOT = Path(__file__).parent.parent
PASSING = [
    "tempest.api.compute.servers.test_servers.ServersTest.test_create",
    "tempest.api.compute.servers.test_list.ListTest.test_list",
    "tempest.api.identity.v3.test_tokens.TokensV3Test.test_create_token",
    "tempest.api.object_storage.test_objects.ObjectTest.test_upload_segments",
]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m buyer`` as a user would, in a clean process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "buyer", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=ROOT,
        timeout=60,
    )


@pytest.fixture
def passed_list(tmp_path):
    path = tmp_path / "acme.txt"
    path.write_text("\n".join(PASSING) + "\n")
    return dated(path)


def test_guidelines_list_and_json(capsys):
    assert main(["guidelines", "list", "--source", SOURCE]) == 0
    out = capsys.readouterr().out
    assert "2030.01   approved" in out and "dns" in out
    assert main(["guidelines", "list", "--source", SOURCE, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ids = [g["id"] for g in data["guidelines"]]
    assert ids == ["2014.01", "2014.07", "2030.01"]
    assert data["guidelines"][2]["add_ons"][0]["id"] == "dns.2030.01"


def test_guidelines_show_and_diff(capsys):
    assert main(["guidelines", "show", "2030.01", "--program", "compute", "--source", SOURCE]) == 0
    out = capsys.readouterr().out
    assert "OpenStack Powered Compute 2030.01" in out
    assert "ghost-cap" in out and "not defined in the file" in out
    assert main(["guidelines", "show", "2030.01", "--program", "dns", "--source", SOURCE]) == 0
    assert "DNS dns.2030.01" in capsys.readouterr().out
    assert (
        main(
            [
                "guidelines",
                "diff",
                "2014.07",
                "2030.01",
                "--program",
                "compute",
                "--format",
                "json",
                "--source",
                SOURCE,
            ]
        )
        == 0
    )
    diff = json.loads(capsys.readouterr().out)
    assert {"id": "compute-servers", "status": "required"} in diff["capabilities_added"]
    assert {"id": "compute-auth", "status": "required"} in diff["capabilities_removed"]


def test_diff_reports_new_flags_in_real_guidelines(capsys):
    src = str(need_shared(SHARED_INTEROP))
    assert main(["guidelines", "diff", "2018.02", "2020.06", "--source", src, "--format", "json"]) == 0
    diff = json.loads(capsys.readouterr().out)
    changed = {d["id"]: (d["old"], d["new"]) for d in diff["status_changed"]}
    assert changed["identity-v3-catalog"] == ("advisory", "required")
    assert any(c["id"] == "volumes-v2-create-delete" for c in diff["capabilities_removed"])


def test_guidelines_tests_is_refstacks_list(capsys):
    src = str(need_shared(SHARED_INTEROP))
    args = ["guidelines", "tests", "2020.06", "--program", "platform", "--status", "required", "--no-flagged"]
    assert main([*args, "--source", src]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 377
    assert main([*args, "--no-aliases", "--source", src]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 275
    assert main(["guidelines", "tests", "2020.06", "--program", "dns", "--source", src]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 10


def test_evaluate_exit_codes(passed_list, tmp_path, capsys):
    base = ["evaluate", "--guideline", "2030.01", "--source", SOURCE, "--as-of", "2030-01-01"]
    assert main([*base, "--evidence", f"Acme={passed_list}"]) == 0
    assert "Acme: ✓ meets" in capsys.readouterr().out
    failing = tmp_path / "bad.txt"
    failing.write_text("\n".join(PASSING[:2]) + "\n")
    dated(failing)
    assert main([*base, "--evidence", f"Acme={failing}"]) == 1
    assert main([*base, "--evidence", f"Acme={passed_list}", "--add-on", "dns"]) == 3
    assert main([*base, "--evidence", str(passed_list), "--max-age-days", "1", "--as-of", "2099-01-01"]) == 3
    out = capsys.readouterr().out
    assert "acme: ? not verified" in out  # a bare FILE is named after its stem


def test_evaluate_json_contract(passed_list, capsys):
    args = [
        "evaluate",
        "--guideline",
        "2030.01",
        "--add-on",
        "dns",
        "--evidence",
        f"Acme={passed_list}",
        "--format",
        "json",
        "--source",
        SOURCE,
        "--as-of",
        "2030-01-01",
    ]
    assert main(args) == 3
    doc = json.loads(capsys.readouterr().out)
    assert (doc["format"], doc["version"]) == ("buyer.scorecard", 1)
    product = doc["products"][0]
    assert product["name"] == "Acme" and product["verdict"] == "not-verified"
    platform, dns = product["requirements"]
    assert (platform["guideline"], platform["program"], platform["verdict"]) == (
        "2030.01",
        "platform",
        "pass",
    )
    assert (dns["guideline"], dns["program"], dns["verdict"]) == ("dns.2030.01", "dns", "not-verified")
    assert platform["required"] == {
        "tests": 7,
        "passed": 5,
        "flagged": 2,
        "non_flagged_tests": 5,
        "non_flagged_passed": 5,
    }
    caps = {c["id"]: c for c in platform["capabilities"]}
    assert {"id", "status", "tests", "passed", "flagged"} <= set(caps["objects"])
    assert (caps["objects"]["tests"], caps["objects"]["passed"], caps["objects"]["flagged"]) == (2, 1, 1)
    evidence = product["evidence"][0]
    assert evidence["format"] == "test-list" and len(evidence["sha256"]) == 64 and evidence["eligible"]


def test_evaluate_a_profile_with_extra_evidence(tmp_path, passed_list, capsys):
    profile = tmp_path / "p.toml"
    profile.write_text(
        'name = "P"\n[interop]\nguideline = "2030.01"\n[evidence_policy]\nmax_age_days = 30\n'
        '[[shortlist]]\nname = "Acme"\nevidence = [{ file = "acme.txt", date = 2029-12-20 }]\n'
    )
    assert main(["evaluate", "--profile", str(profile), "--source", SOURCE, "--as-of", "2030-01-01"]) == 0
    assert main(["evaluate", "--profile", str(profile), "--source", SOURCE, "--as-of", "2030-03-01"]) == 3
    capsys.readouterr()


def test_profile_new_and_check(tmp_path, capsys):
    path = tmp_path / "new.toml"
    assert main(["profile", "new", str(path), "--guideline", "2030.01", "--add-on", "dns", "--source", SOURCE]) == 0
    assert main(["profile", "check", str(path), "--source", SOURCE]) == 0
    assert "ok — new: interop 2030.01 platform + dns" in capsys.readouterr().out
    assert main(["profile", "new", str(path), "--guideline", "2030.01", "--source", SOURCE]) == 2  # exists


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["evaluate", "--guideline", "2030.01", "--evidence", "{truncated}"], "truncated.json:1:"),
        (["evaluate", "--profile", "{typo_profile}"], "typo.toml:3:1: unknown key 'programme'"),
        (
            ["evaluate", "--guideline", "2031.07", "--evidence", "{good}"],
            "unknown guideline version '2031.07'",
        ),
        (["evaluate", "--guideline", "2030.01", "--evidence", "{binary}"], "a binary file, not evidence"),
        (["evaluate", "--guideline", "2030.01", "--evidence", "{missing}"], "no such file"),
        (["profile", "check", "{typo_profile}"], "typo.toml:3:1: unknown key 'programme'"),
        (["guidelines", "show", "2030.01", "--program", "nfv"], "no nfv add-on guideline for 2030.01"),
        (["evaluate"], "give --profile FILE, or --guideline V"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, args, expected):
    truncated = tmp_path / "truncated.json"
    truncated.write_text('{"cpid": "x", "results": [{"name": "tempest.a')
    typo = tmp_path / "typo.toml"
    typo.write_text('name = "x"\n[interop]\nprogramme = "compute"\nguideline = "2030.01"\n')
    binary = tmp_path / "image.png"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 4)
    good = tmp_path / "good.txt"
    good.write_text("tempest.a.b.test_c\n")
    names = {
        "truncated": truncated,
        "typo_profile": typo,
        "binary": binary,
        "good": good,
        "missing": tmp_path / "gone.json",
    }
    args = [a.format(**names) for a in args]
    if args[0] != "profile":
        args.extend(["--source", SOURCE])
    result = run_cli(*args)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert expected in result.stderr


def test_source_from_environment_and_file_url(passed_list):
    ok = run_cli("guidelines", "list", env={"BUYER_INTEROP_URL": f"file://{FIXTURES / 'interop'}"})
    assert ok.returncode == 0 and "2030.01" in ok.stdout
    closed = run_cli("guidelines", "list")  # the conftest points the default at a closed port
    assert closed.returncode == 2 and "interop guidelines: cannot connect" in closed.stderr
    assert len(closed.stderr.strip().splitlines()) == 1
    wrong = run_cli("guidelines", "list", "--source", "/nonexistent/interop")
    assert wrong.returncode == 2 and "is not a folder" in wrong.stderr


def test_usage_errors_exit_2_and_help_exits_0():
    assert run_cli("evaluate", "--format", "pdf").returncode == 2
    helped = run_cli("--help")
    assert helped.returncode == 0 and "exit codes" in helped.stdout


def test_a_run_builds_its_verb_from_the_module_the_table_names():
    # `buyer VERB` imports only VERB's module; the table saying which one must match what each
    # module registers, or the verb would be missing from its own run.
    import argparse

    from buyer.cli import VERBS, build_parser

    def verbs(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
        return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices

    assert list(verbs(build_parser(["--help"]))) == list(VERBS)  # help lists every verb, in order
    for verb in VERBS:
        built = verbs(build_parser([verb]))
        assert verb in built
        assert len(built[verb]._actions) > 1, verb  # built in full: options or subcommands of its own


def test_an_offline_evaluate_of_local_files_imports_no_network_or_yaml_layer(passed_list, tmp_path):
    # Start-up is part of every CI gate: scoring local files needs neither httpx (nor ssl) nor YAML.
    script = (
        "import sys, contextlib, io\n"
        "from buyer.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    code = main(['evaluate', '--guideline', '2030.01', '--source', {SOURCE!r}, '--as-of', '2030-01-01',"
        f" '--evidence', 'Acme={passed_list}', '--format', 'json'])\n"
        "print(code, sorted(m for m in ('httpx', 'ssl', 'yaml', 'reportlab') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.stdout.split() == ["0", "[]"], done.stderr


def test_a_registry_file_named_on_the_command_line_must_be_read(passed_list, tmp_path, capsys):
    """A typo in --registry would drop the vendor evidence the registry keeps without a word."""
    os.symlink("loop-b.toml", tmp_path / "loop-a.toml")
    os.symlink("loop-a.toml", tmp_path / "loop-b.toml")
    base = ["evaluate", "--guideline", "2030.01", "--source", SOURCE, "--as-of", "2030-01-01",
            "--evidence", f"Acme={passed_list}", "--offline"]  # fmt: skip
    for name, why in (("registy.toml", "no such file"), ("loop-a.toml", "too many levels of symbolic links")):
        for args in (base, ["registry", "list", "--offline"]):
            assert main([*args, "--registry", str(tmp_path / name)]) == 2
            err = capsys.readouterr().err
            assert err == f"buyer: error: {tmp_path / name}: {'cannot read: ' if 'loop' in name else ''}{why}\n"
    # the default file ($BUYER_REGISTRY_FILE) may be missing: it is optional
    assert main(base) == 0


def test_entries_of_a_responses_folder_that_are_not_forms_are_named(tmp_path, capsys):
    folder = tmp_path / "answers"
    folder.mkdir()
    (folder / "acme.toml").write_text(
        'format = "buyer.rfp-response"\nversion = 1\n[vendor]\ncompany = "Acme Ltd"\nproduct = "Acme"\n'
    )
    os.symlink("/nonexistent/beta.toml", folder / "beta.toml")
    os.mkfifo(folder / "gamma.toml")
    (folder / "delta.toml").mkdir()
    os.symlink("epsilon.toml", folder / "epsilon.toml")
    # another vendor's form (or any file of this machine) through a link is not read as this folder's
    other = tmp_path / "other-vendor"
    other.mkdir()
    (other / "form.toml").write_text((folder / "acme.toml").read_text().replace("Acme", "Zeta"))
    os.symlink(other / "form.toml", folder / "zeta.toml")
    os.symlink("acme.toml", folder / "acme-again.toml")  # a link inside the folder is a form there
    assert main(["response", "check", str(folder)]) == 2  # acme.toml and acme-again.toml answer twice
    out, err = capsys.readouterr()
    assert "Zeta" not in out + err
    assert [line for line in err.splitlines() if "skipped" in line] == [
        f"buyer: warning: {folder / 'beta.toml'}: skipped: a symbolic link to nothing",
        f"buyer: warning: {folder / 'delta.toml'}: skipped: a folder, not a file",
        f"buyer: warning: {folder / 'epsilon.toml'}: skipped: a loop of symbolic links",
        f"buyer: warning: {folder / 'gamma.toml'}: skipped: a FIFO, not a file",
        f"buyer: warning: {folder / 'zeta.toml'}: skipped: a symbolic link that leads outside the folder; "
        "put the form itself there",
    ]
    assert "answers for the same product" in err
    (folder / "acme-again.toml").unlink()
    assert main(["response", "check", str(folder)]) == 0
    assert "acme.toml: ok: Acme Ltd, Acme" in capsys.readouterr().out
    args = ["evaluate", "--guideline", "2030.01", "--source", SOURCE, "--as-of", "2030-01-01", "--no-registry"]
    main([*args, "--responses", str(folder)])
    assert capsys.readouterr().err.count("skipped") == 5


def test_profile_check_opens_each_evidence_file_as_evaluate_will(passed_list, tmp_path, capsys):
    os.mkfifo(tmp_path / "fifo")
    (tmp_path / "folder").mkdir()
    refs = [str(passed_list), "missing.txt", "folder", "fifo", "/dev/zero", "refstack:1234"]
    profile = tmp_path / "p.toml"
    profile.write_text(
        'name = "P"\n[interop]\nguideline = "2030.01"\n'
        + "".join(
            f'\n[[shortlist]]\nname = "P{n}"\nevidence = [\n  {{ file = "{ref}" }},\n]\n' for n, ref in enumerate(refs)
        )
    )
    assert main(["profile", "check", str(profile), "--source", SOURCE]) == 2
    out, err = capsys.readouterr()
    told = [re.fullmatch(rf"{re.escape(str(profile))}:(\d+):(\d+): (.*)", line) for line in err.splitlines()]
    assert out == "" and all(told)
    # at the product's evidence: its array (line 7 of each 6-line block, column 1) or the element's
    # file key (line 8, column 5)
    assert [(int(m.group(1)) - 6 * n, int(m.group(2))) for m, n in zip(told, (1, 2, 3, 4), strict=True)] == [(8, 5)] * 4
    assert [m.group(3) for m in told] == [
        "shortlist[1].evidence[0].file: 'missing.txt': no such file",
        "shortlist[2].evidence[0].file: 'folder': is a folder, not a file",
        "shortlist[3].evidence[0].file: 'fifo': is not a regular file (a FIFO, a device or a socket); give a file",
        "shortlist[4].evidence[0].file: '/dev/zero': is not a regular file (a FIFO, a device or a socket); give a file",
    ]


@pytest.mark.parametrize("value", ["20261201", "2026-W48", "2026-W48-1", "2026-335", "２０２６-12-01", "2026-12-1"])
def test_as_of_takes_only_yyyy_mm_dd(value, capsys):
    """Python's date parser also reads the basic and ISO-week forms: 2026-W48 would silently be
    Monday 2026-11-23."""
    with pytest.raises(SystemExit) as done:
        main(["evaluate", "--guideline", "2030.01", "--source", SOURCE, "--as-of", value])
    assert done.value.code == 2
    assert "argument --as-of: not a date (YYYY-MM-DD): '" in capsys.readouterr().err


@pytest.mark.parametrize(
    "args",
    [
        ["evaluate", "--profile", ""],
        ["evaluate", "--guideline", "2030.01", "--responses", " "],
        ["evaluate", "--guideline", "2030.01", "--source", ""],
        ["evaluate", "--guideline", "2030.01", "--registry", ""],
        ["report", "--guideline", "2030.01", "-o", ""],
        ["profile", "check", ""],
        ["response", "check", ""],
        ["rfp", "--profile", "p.toml", "--package", ""],
    ],
)
def test_an_empty_file_name_is_refused_not_read_as_the_working_folder(args, capsys):
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code == 2
    assert "is empty; name a file, a folder or a URL" in capsys.readouterr().err


def test_profile_new_needs_a_file_and_a_name(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["profile", "new", ".", "--force", "--guideline", "2030.01", "--source", SOURCE]) == 2
    assert capsys.readouterr().err == "buyer: error: . is a folder; name the profile's file\n"
    assert main(["profile", "new", "-", "--guideline", "2030.01", "--source", SOURCE]) == 2
    assert capsys.readouterr().err == "buyer: error: --name: give the profile a name (- gives none)\n"
    assert main(["profile", "new", "-", "--name", "Tender", "--guideline", "2030.01", "--source", SOURCE]) == 0
    assert capsys.readouterr().out.startswith('name = "Tender"\n')


def test_an_evidence_file_whose_name_holds_an_equals_sign(passed_list, tmp_path, capsys):
    odd = tmp_path / "run=1.txt"
    odd.write_text(passed_list.read_text())
    dated(odd)
    base = ["evaluate", "--guideline", "2030.01", "--source", SOURCE, "--as-of", "2030-01-01", "--no-registry"]
    assert main([*base, "--evidence", str(odd)]) == 0
    out = capsys.readouterr().out
    assert "run=1: ✓ meets" in out and "  evidence: run=1.txt (self-reported" in out
    assert main([*base, "--evidence", f"Acme={odd}"]) == 0  # PRODUCT=FILE still reads as ever
    assert "Acme: ✓ meets" in capsys.readouterr().out


def _parsers(parser, path=()):
    """Every (verb path, parser) under ``parser``."""
    import argparse

    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield (*path, name), sub
                yield from _parsers(sub, (*path, name))


def test_every_verb_and_positional_argument_is_described(capsys):
    from buyer.cli import build_parser

    missing = []
    for path, parser in _parsers(build_parser(["--help"])):
        leaf = not any(a.__class__.__name__ == "_SubParsersAction" for a in parser._actions)
        if leaf and not parser.description:
            missing.append(" ".join(path))
        missing += [f"{' '.join(path)} {a.dest}" for a in parser._actions if not a.option_strings and a.help is None
                    and a.__class__.__name__ != "_SubParsersAction"]  # fmt: skip
        missing += [
            f"{' '.join(path)} {a.option_strings[0]}" for a in parser._actions if a.option_strings and a.help is None
        ]
    assert missing == []
