"""Hostile input and faulty servers, one small case each, run as a user runs buyer: a fresh
``python -m buyer`` with a short source deadline and a cap on its address space.

Every case asserts the exit code; one line on stderr per problem and never a traceback; that
nothing of the hostile input is quoted (it carries a canary) and no escape sequence reaches the
terminal raw; that the command ended well within a bound that only a hang would reach (not a
speed measurement); and, where it applies, that the ``-o`` target is still what it was and the
cache still holds the good copy. HTTP goes to loopback servers the tests start
(``tests/servers/upstream.py``): they drip, stay silent, claim endless pages, answer 200 with a
sign-in page or cut-off JSON.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from buyer.formats.toml_bounds import POSSESSIVE_GROUPS_WORK
from tests.conftest import CANARY, FIXTURES, SHARED, need_shared
from tests.servers.upstream import GITEA, Fault, Upstream, UpstreamServer, gzip_bomb

ROOT = Path(__file__).parent.parent
SOURCE = FIXTURES / "interop"  # guidelines 2014.01, 2014.07, 2030.01 and dns.2030.01
DEADLINE = 2  # BUYER_SOURCE_DEADLINE for every command here, in seconds
BOUND = 40.0  # no command here may take longer: only a hang gets near it
MEMORY = 1024 * 1024 * 1024  # address space each command may have
ESCAPES = "\x1b]0;pwned\x07\x1b[2J"  # retitle the terminal, then clear it
TOML_ESCAPES = "\\u001b]0;pwned\\u0007\\u001b[2J"  # the same, as a TOML string writes them
SHOWN = "\\x1b]0;pwned\\x07\\x1b[2J"  # the same, as buyer shows them
PASSING = [
    "tempest.api.compute.servers.test_servers.ServersTest.test_create",
    "tempest.api.compute.servers.test_list.ListTest.test_list",
    "tempest.api.identity.v3.test_tokens.TokensV3Test.test_create_token",
    "tempest.api.object_storage.test_objects.ObjectTest.test_upload_segments",
]
# The line a password file holds: it must never reach the terminal.
SHADOW = f"{CANARY}:$6$rounds=5000$abcdefgh$0123456789abcdefghijklmnopqrstuvwxyzABCDEF:19000:0:99999:7:::"

# The child limits its own address space before it imports buyer (preexec_fn is unsafe while
# the test's server threads run).
_LAUNCH = (
    "import resource, runpy, sys; limit = int(sys.argv.pop(1)); "
    "resource.setrlimit(resource.RLIMIT_AS, (limit, limit)) if limit else None; "
    "sys.argv[0] = 'buyer'; runpy.run_module('buyer', run_name='__main__', alter_sys=True)"
)


@dataclass
class Ran:
    code: int
    out: str
    err: str
    seconds: float

    def __str__(self) -> str:
        return f"exit {self.code} after {self.seconds:.1f} s\n--- stdout\n{self.out[-2000:]}\n--- stderr\n{self.err[-3000:]}"


def buyer(
    *args: str | Path, cwd: Path, env: dict[str, str] | None = None, memory: int = MEMORY, stdin: bytes | None = None
) -> Ran:
    full = {**os.environ, "BUYER_SOURCE_DEADLINE": str(DEADLINE), "BUYER_INTEROP_URL": str(SOURCE), **(env or {})}
    start = time.monotonic()
    proc = subprocess.run(
        [sys.executable, "-c", _LAUNCH, str(memory), *map(str, args)],
        input=stdin,
        capture_output=True,
        env=full,
        cwd=cwd,
        timeout=BOUND,
        stdin=None if stdin is not None else subprocess.DEVNULL,
    )
    decode = lambda data: data.decode("utf-8", "surrogateescape")  # noqa: E731
    return Ran(proc.returncode, decode(proc.stdout), decode(proc.stderr), time.monotonic() - start)


def clean(ran: Ran, code: int, lines: int | None = 1, says: tuple[str, ...] = (), usage: bool = False) -> None:
    """The shape every case must have: its exit code, ``lines`` lines on stderr (argparse adds its
    usage lines before the one error line), no traceback, no canary, no raw escape, in bounds."""
    text = ran.out + ran.err
    assert ran.code == code, ran
    assert "Traceback" not in ran.err and "Error:" not in ran.err.replace("buyer: error:", ""), ran
    assert CANARY not in text, ran
    assert "\x1b" not in text and "\x07" not in text, ran
    assert ran.seconds < BOUND, ran
    err = ran.err.splitlines()
    if usage:
        err = [line for line in err if not line.startswith(("usage:", " "))]
    if lines is not None:
        assert len(err) == lines, ran
    for words in says:
        assert words in ran.err, (words, str(ran))


@pytest.fixture
def w(tmp_path, monkeypatch):
    """A working folder with passing evidence for 2030.01, and no local registry."""
    monkeypatch.setenv("BUYER_REGISTRY_FILE", str(tmp_path / "registry.toml"))
    (tmp_path / "pass.txt").write_text("\n".join(PASSING) + "\n")
    return tmp_path


EVALUATE = ("evaluate", "--guideline", "2030.01", "--as-of", "2030-01-01")


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def sparse(path: Path, size: int = 1 << 40) -> Path:
    with open(path, "wb") as handle:
        handle.truncate(size)  # a 1 TiB file that takes no disk
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


# -- bad local input: every one a single line, exit 2 ----------------------------------------------


@dataclass(frozen=True)
class Local:
    """A command over files made in the working folder ``w``; ``make`` returns its arguments."""

    name: str
    make: Callable[[Path], tuple[str | Path, ...]]
    says: str = ""
    code: int = 2
    usage: bool = False  # argparse's own error: its usage lines come first
    env: tuple[tuple[str, str], ...] = ()
    lines: int = 1


def _profile(w: Path, body: str, name: str = "p.toml") -> Path:
    return write(w / name, body)


def _subunit(events: Iterable[tuple[str, str | None]]) -> bytes:
    """A subunit v2 stream: a status packet per (test id, status); no status: a log attachment."""
    import io

    import subunit

    out = io.BytesIO()
    stream = subunit.StreamResultToBytes(out)
    for test_id, status in events:
        if status is None:
            stream.status(test_id=test_id, file_name="log", file_bytes=b"x")
        else:
            stream.status(test_id=test_id, test_status=status)
    return out.getvalue()


DEEP_READERS = ("profile check", "evaluate --profile", "registry list", "response check", "evaluate --responses")


def _deep(w: Path, reader: str, body: str) -> tuple[str | Path, ...]:
    """A TOML document that breaks buyer's bounds, given to one of the commands that read TOML."""
    if reader == "evaluate --responses":
        (w / "forms").mkdir()
        write(w / "forms" / "f.toml", body)
        return "evaluate", "--profile", _profile(w, PROFILE_HEAD), "--responses", "forms"
    path = _profile(w, PROFILE_HEAD + body if "profile" in reader else body)
    return {
        "profile check": ("profile", "check", path),
        "evaluate --profile": ("evaluate", "--profile", path),
        "registry list": ("registry", "list", "--offline", "--registry", path),
        "response check": ("response", "check", path),
    }[reader]


DEEP_TOML = 'name = "P"\nx = ' + "[" * 3000 + "]" * 3000 + "\n"
BILLION_LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{this}: &{this} [" + ", ".join([f"*{prev}"] * 9) + "]\n"
    for prev, this in zip("abcdefgh", "bcdefghi", strict=True)
)
BIG_NUMBER = "9" * 5000
# tomli raises RecursionError past 1,000 key parts; buyer's own bound is 32 levels.
KEY_1500 = ".".join(["a"] * 1500)
KEY_40 = ".".join(["a"] * 40)
PROFILE_HEAD = 'name = "P"\n[interop]\nguideline = "2030.01"\n'

LOCAL = [
    # options and settings
    Local("program misspelt", lambda w: (*EVALUATE, "--program", "plaform", "--evidence", "pass.txt"),
          "unknown program 'plaform'", usage=True),
    Local("age limit 0", lambda w: (*EVALUATE, "--max-age-days", "0", "--evidence", "pass.txt"),
          "out of range", usage=True),
    Local("age limit 99999999999", lambda w: (*EVALUATE, "--max-age-days", "99999999999", "--evidence", "pass.txt"),
          "out of range", usage=True),
    Local("generated-at with no UTC form", lambda w: ("report", "--guideline", "2030.01", "--evidence", "pass.txt",
          "--generated-at", "9999-12-31T23:59:59-12:00"), "has a UTC form", usage=True),
    Local("interop URL malformed", lambda w: ("guidelines", "list"), "BUYER_INTEROP_URL",
          env=(("BUYER_INTEROP_URL", "http://[::1"),)),
    Local("RefStack URL malformed", lambda w: ("results", "list"), "BUYER_REFSTACK_URL",
          env=(("BUYER_REFSTACK_URL", "http://[::1"),)),
    Local("Marketplace URL malformed", lambda w: ("registry", "list"), "BUYER_MARKETPLACE_URL",
          env=(("BUYER_MARKETPLACE_URL", "http://[::1"),)),
    *(Local(f"cache folder is a file: {' '.join(args)}", lambda w, args=args: args, "BUYER_CACHE_DIR",
            env=(("BUYER_CACHE_DIR", str(ROOT / "README.md")),))
      for args in (("registry", "list", "--offline"), ("guidelines", "list"), ("sync",), ("results", "list"),
                   (*EVALUATE, "--evidence", "pass.txt"))),
    # evidence
    Local("JSON number of 5,000 digits", lambda w: (*EVALUATE, "--evidence", write(
        w / "big.json", f'{{"cpid": "{CANARY}", "duration_seconds": {BIG_NUMBER}, "results": [{{"name": "a.b.c"}}]}}')),
          "not valid JSON"),
    Local("created_at with no UTC form", lambda w: (*EVALUATE, "--evidence", write(w / "r.json", json.dumps(
        {"id": CANARY, "created_at": "9999-12-31T23:59:59-12:00", "results": PASSING}))), "out of range"),
    Local("created_at that is not a date", lambda w: (*EVALUATE, "--evidence", write(w / "r.json", json.dumps(
        {"id": "x", "created_at": CANARY, "results": PASSING}))), "not a date"),
    Local("a UUID that is not one", lambda w: (*EVALUATE, "--evidence", write(w / "u.json", json.dumps(
        {"cpid": "x", "results": [{"name": PASSING[0], "uuid": CANARY}]}))), "not a UUID"),
    Local("subunit v1 time line that is not a time", lambda w: (*EVALUATE, "--evidence", write(
        w / "run.subunit", f"time: {CANARY}\ntest: a.b.c\nsuccess: a.b.c\n")), "a time that is not one"),
    Local("subunit v1 with a line that is not subunit", lambda w: (*EVALUATE, "--evidence", write(
        w / "odd.subunit", f"{SHADOW}\n{ESCAPES}\ntest: {PASSING[0]}\nsuccess: {PASSING[0]}\n")), code=1, lines=0),
    Local("a password file as evidence", lambda w: (*EVALUATE, "--evidence", write(w / "shadow", SHADOW + "\n")),
          "not a test name"),
    Local("evidence nested too deep", lambda w: (*EVALUATE, "--evidence", write(w / "deep.json", "[" * 100_000)),
          "not valid JSON"),
    Local("truncated JSON evidence", lambda w: (*EVALUATE, "--evidence", write(
        w / "cut.json", f'{{"cpid": "{CANARY}", "results": [{{"name": "tempest.a')), "not valid JSON"),
    Local("binary evidence", lambda w: (*EVALUATE, "--evidence", write(w / "x.png", b"\x89PNG\r\n\x1a\n\x00" + CANARY.encode())),
          "a binary file"),
    Local("evidence that is a folder", lambda w: (*EVALUATE, "--evidence", (w / "folder").mkdir() or "folder"), "is a folder"),
    Local("evidence in the home of a user who does not exist", lambda w: (*EVALUATE, "--evidence",
          "~no-such-user-of-buyer/run.json"), "~no-such-user-of-buyer/run.json: no such file"),
    Local("sparse 1 TiB evidence", lambda w: (*EVALUATE, "--evidence", sparse(w / "huge.txt")), "MiB are refused"),
    Local("FIFO with no writer as evidence", lambda w: (*EVALUATE, "--evidence", fifo(w / "pipe")),
          "not a regular file"),
    Local("character device as evidence", lambda w: (*EVALUATE, "--evidence", "/dev/zero"), "not a regular file"),
    # profiles
    Local("profile nested 3,000 deep", lambda w: ("evaluate", "--profile", _profile(w, DEEP_TOML)), "nested deeper"),
    Local("profile check nested 3,000 deep", lambda w: ("profile", "check", _profile(w, DEEP_TOML)), "nested deeper"),
    Local("profile that is not UTF-8", lambda w: ("evaluate", "--profile", write(w / "p.toml", b'name = "\xff\xfe"\n')),
          "not UTF-8"),
    Local("profile saved as UTF-32", lambda w: ("evaluate", "--profile", write(
        w / "p.toml", f'name = "{CANARY}"\n'.encode("utf-32"))), "p.toml: UTF-32 text, not UTF-8"),
    Local("character device as profile", lambda w: ("evaluate", "--profile", "/dev/zero"), "not a regular file"),
    Local("sparse 1 TiB profile", lambda w: ("evaluate", "--profile", sparse(w / "p.toml")), "MiB are refused"),
    Local("FIFO with no writer as profile", lambda w: ("evaluate", "--profile", fifo(w / "p.toml")),
          "not a regular file"),
    Local("profile naming a capability with escapes", lambda w: ("evaluate", "--profile", _profile(
        w, f'name = "P"\n[interop]\nguideline = "2030.01"\nextra_capabilities = ["cap{TOML_ESCAPES}"]\n')),
          f"cap{SHOWN}"),
    Local("a capability option with escapes", lambda w: (*EVALUATE, "--capability", f"cap{ESCAPES}", "--evidence",
          "pass.txt"), f"cap{SHOWN}"),
    Local("profile with an unknown key", lambda w: ("evaluate", "--profile", _profile(
        w, f'name = "P"\n"{TOML_ESCAPES}{"k" * 40}{CANARY}" = 1\n')), f"unknown key '{SHOWN}k"),
    # scopes (YAML)
    Local("scope: billion laughs", lambda w: ("evaluate", "--scope", write(w / "s.yaml", BILLION_LAUGHS)),
          "aliases are expanded"),
    Local("scope: an alias of itself", lambda w: ("evaluate", "--scope", write(w / "s.yaml", "a: &a [*a]\n")),
          "refers to itself"),
    Local("scope nested deep", lambda w: ("evaluate", "--scope", write(w / "s.yaml", "[" * 900 + "]" * 900)),
          "nested deeper"),
    Local("scope with a python tag", lambda w: ("evaluate", "--scope", write(
        w / "s.yaml", "!!python/object/apply:os.system ['true']\n")), "not valid YAML"),
    Local("scope with a date out of range", lambda w: ("evaluate", "--scope", write(w / "s.yaml", "d: 2020-13-45\n")),
          "cannot be read"),
    Local("character device as scope", lambda w: ("evaluate", "--scope", "/dev/zero"), "not a regular file"),
    Local("sparse 1 TiB scope", lambda w: ("evaluate", "--scope", sparse(w / "s.yaml")), "MiB are refused"),
    # the local registry
    Local("registry nested 3,000 deep", lambda w: ("registry", "list", "--offline", "--registry",
          _profile(w, DEEP_TOML, "r.toml")), "nested deeper"),
    Local("character device as registry", lambda w: ("registry", "list", "--offline", "--registry", "/dev/zero"),
          "not a regular file"),
    Local("sparse 1 TiB registry", lambda w: ("registry", "list", "--offline", "--registry", sparse(w / "r.toml")),
          "MiB are refused"),
    # evidence that is far more than one run, under the 256 MiB cap: refused in bounded time and memory
    Local("test list of 100 MiB (decoded and split whole: 2.4 GB)", lambda w: (*EVALUATE, "--evidence", write(
        w / "l.txt", b"a.b\n" * (25 * 1024 * 1024))), "more than 2,000,000 lines"),
    Local("test list of 150,000 names", lambda w: (*EVALUATE, "--evidence", write(
        w / "l.txt", "".join(f"tempest.a.T.test_{i}\n" for i in range(150_000)))), "l.txt:100001: more than 100,000"),
    Local("test list line of many dots (a backtracking match)", lambda w: (*EVALUATE, "--evidence", write(
        w / "l.txt", "a." * 100_000 + "(\n")), "l.txt:1:1: not a test name"),
    Local("subunit v2 of 150,000 tests", lambda w: (*EVALUATE, "--evidence", write(w / "r.subunit", _subunit(
        (f"tempest.a.T.test_{i}", "success") for i in range(150_000)))), "more than 100,000 tests"),
    Local("subunit v2 of 600,000 packets for one test", lambda w: (*EVALUATE, "--evidence", write(
        w / "r.subunit", _subunit([(PASSING[0], "inprogress")]) + _subunit([(PASSING[0], None)]) * 600_000)),
          "more than 500,000 subunit events"),
    Local("subunit v2 signature and 20 MB of noise (read a byte at a time)", lambda w: (*EVALUATE, "--evidence",
          write(w / "r.subunit", b"\xb3" + b"x" * 20_000_000)), "a truncated or corrupt subunit stream"),
    Local("subunit v1 of 150,000 tests", lambda w: (*EVALUATE, "--evidence", write(w / "r.subunit", "".join(
        f"test: a.T.t{i}\nsuccess: a.T.t{i}\n" for i in range(150_000)))), "more than 100,000 tests"),
    Local("subunit v1 of 2,100,000 lines", lambda w: (*EVALUATE, "--evidence", write(w / "r.subunit", (
        "test: a.T.t\n" + "time: 2026-01-01 00:00:00Z\n" * 2_100_000))), "more than 2,000,000 lines"),
    Local("refstack-client JSON of 1,100,000 results", lambda w: (*EVALUATE, "--evidence", write(
        w / "r.json", '{"cpid": "x", "results": [' + '{"name": "a.b"},' * 1_100_000 + '{"name": "a.b"}]}')),
          "more than 1,000,000 commas"),
    Local("refstack-client JSON of 100,001 results", lambda w: (*EVALUATE, "--evidence", write(
        w / "r.json", json.dumps({"cpid": "x", "results": [{"name": f"a.b{i}"} for i in range(100_001)]}))),
          "field 'results': more than 100,000 results"),
    Local("RefStack result of 100,001 names", lambda w: (*EVALUATE, "--evidence", write(
        w / "r.json", json.dumps({"id": "x", "results": [f"a.b{i}" for i in range(100_001)]}))),
          "field 'results': more than 100,000 results"),
    # TOML that costs far more memory than its size, under the 16 MiB cap
    Local("profile with a 15 MB string (a backtracking scan took 1.9 GB)", lambda w: ("profile", "check", _profile(
        w, PROFILE_HEAD.replace('"P"', '"P"\ndescription = "' + "x" * 15_000_000 + '"'))),
          "description: should have at most 20000 characters"),
    # (Where possessive groups are wrong, as on Python 3.11.2, such a file is refused in one line.)
    Local("profile with a 15 MB multi-line string", lambda w: ("profile", "check", _profile(
        w, PROFILE_HEAD.replace('"P"', '"P"\ndescription = """' + 'x"\\\n' * 4_000_000 + '"""'))),
          **({"says": "description: should have at most 20000 characters"} if POSSESSIVE_GROUPS_WORK
             else {"says": "more than 1,000,000 quotes, escapes"})),
    Local("profile with 300,000 tables (tomli: 1 KB each)", lambda w: ("profile", "check", _profile(
        w, PROFILE_HEAD + "".join(f"[k{i}]\n" for i in range(300_000)))), "more than 250,000 keys, tables and arrays"),
    # many problems: the first 20 and a line that counts the rest, at the first one not shown
    Local("profile with 500 unknown keys", lambda w: ("profile", "check", _profile(
        w, PROFILE_HEAD + "".join(f"k{i} = 1\n" for i in range(500)))),
          "p.toml:24:1: … and 480 more problems from here on (the first 20 shown)", lines=21),
    Local("profile with 300 products with an unknown key", lambda w: ("evaluate", "--profile", _profile(
        w, PROFILE_HEAD + "".join(f'[[shortlist]]\nname = "P{i}"\nbogus = 1\n' for i in range(300)))),
          "p.toml:66:1: … and 280 more problems from here on", lines=21),
    Local("response form with 300 bad claims", lambda w: ("response", "check", _profile(
        w, 'format = "buyer.rfp-response"\nversion = 1\n[vendor]\ncompany = "A"\nproduct = "B"\n'
        + "".join(f'[[requirement]]\nclause = "M{i + 1}"\nclaim = "maybe"\n' for i in range(300)), "form.toml")),
          "form.toml:68:1: … and 280 more problems from here on", lines=21),
    Local("registry with 300 products with an unknown key", lambda w: ("registry", "list", "--offline", "--registry",
          _profile(w, "".join(f'[[product]]\nname = "P{i}"\nbogus = 1\n' for i in range(300)), "r.toml")),
          "r.toml:63:1: … and 280 more problems from here on", lines=21),
    # where a problem is written is found in time linear in the file: a brace in every character
    # (a regex tried from each "{" took minutes), many entries of a form (worked out once per form)
    Local("profile with a bad value after 100,000 braces", lambda w: ("profile", "check", _profile(
        w, PROFILE_HEAD + 'bogus = "' + "{" * 100_000 + '"\n'
        + '[[shortlist]]\nname = "A"\nevidence = [{ file = "a.json", kind = "' + "q" * 40_000 + '" }]\n')),
          "p.toml:4:1: unknown key 'bogus' in [interop]", lines=2),
    Local("response form of 2,000 entries and 40,000 braces", lambda w: ("response", "check", _profile(
        w, 'format = "buyer.rfp-response"\nversion = 1\n[vendor]\ncompany = "A"\nproduct = "B"\n'
        + '[[evidence]]\nfile = "none.json"\n' * 2_000
        + '[[requirement]]\nclause = "M1"\nclaim = "' + "{" * 40_000 + '"\n', "form.toml")),
          "form.toml:47:1: … and 1,981 more problems from here on (the first 20 shown)", lines=21),
    # a date no version of the scope is effective on: told at its line, before any evidence is read
    Local("profile whose scope has no version effective on its date", lambda w: ("evaluate", "--profile", _profile(
        w, f'name = "P"\n[scs]\nscope = "{SHARED / "scs" / "scopes" / "scs-compatible-iaas.yaml"}"\n'
        'on = 0001-01-01\n'), "--no-registry"),
          "p.toml:4:1: no version of SCS-compatible IaaS is effective on 0001-01-01"),
    # a NUL in a file a user names: the operating system refuses such a path (it was a traceback)
    Local("profile evidence file with a NUL", lambda w: ("evaluate", "--profile", _profile(
        w, PROFILE_HEAD + '[[shortlist]]\nname = "A"\nevidence = [{ file = "ev\\u0000x.json" }]\n')),
          "shortlist[0].evidence[0].file: holds a NUL character, which no file name can hold"),
    Local("profile scope with a NUL", lambda w: ("evaluate", "--profile", _profile(
        w, 'name = "P"\n[scs]\nscope = "s\\u0000.yaml"\n')),
          "scs.scope: holds a NUL character, which no file name can hold"),
    Local("response form evidence with a NUL", lambda w: ("response", "check", _profile(
        w, 'format = "buyer.rfp-response"\nversion = 1\n[vendor]\ncompany = "A"\nproduct = "B"\n'
        '[[evidence]]\nfile = "ev.json\\u0000x"\n', "form.toml")),
          "file: holds a NUL character, which no file name can hold"),
    Local("registry evidence with a NUL", lambda w: ("registry", "list", "--offline", "--registry",
          _profile(w, '[[product]]\nname = "P"\nevidence = [{ file = "a\\u0000.json" }]\n', "r.toml")),
          "evidence[0].file: holds a NUL character, which no file name can hold"),
    # keys of many parts: every TOML document buyer reads, every place a key can be written
    *(Local(f"{reader}: {where}", lambda w, reader=reader, body=body: _deep(w, reader, body),
            "not valid TOML: keys, arrays or tables nested deeper than 32 levels")
      for reader in DEEP_READERS
      for where, body in (
          ("table header of 1,500 parts", f"[{KEY_1500}]\nx = 1\n"),
          ("array-of-tables header of 1,500 parts", f"[[{KEY_1500}]]\nx = 1\n"),
          ("dotted key of 1,500 parts", f"{KEY_1500} = 1\n"),
          ("dotted key of 1,500 parts in an inline table", f"x = {{ {KEY_1500} = 1 }}\n"),
          ("dotted key in an evidence entry", f'[[shortlist]]\nname = "A"\nevidence = [\n  {{ {KEY_1500} = 1 }},\n]\n'),
          ("header of 40 parts, under tomli's limit", f"[{KEY_40}]\nx = 1\n"),
          ("header of 40 parts after spaces", f"  [{KEY_40}]\nx = 1\n"),
          ("key of 40 parts, quoted and bare", f'"a.b".{KEY_40} = 1\n'),
      )),
]  # fmt: skip


@pytest.mark.parametrize("case", LOCAL, ids=[c.name for c in LOCAL])
def test_bad_local_input_is_one_line(w, case):
    ran = buyer(*case.make(w), cwd=w, env=dict(case.env))
    clean(ran, case.code, lines=case.lines, says=(case.says,) if case.says else (), usage=case.usage)


@pytest.mark.parametrize(
    "args",
    [
        ("evaluate", "--profile", "long.toml"),  # a profile's value, quoted in its error
        ("evaluate", "--format", "z" * 100_000),  # an option's value, quoted by the parser
    ],
    ids=["profile value", "option value"],
)
def test_an_error_quoting_a_long_value_leaves_out_its_middle(w, args):
    _profile(w, 'name = "P"\n[interop]\nguideline = "' + "y" * 200_000 + '"\n', "long.toml")
    ran = buyer(*args, cwd=w)
    clean(ran, 2)
    assert len(ran.err) < 1_000 and "characters left out" in ran.err, ran.err[:300]


def test_one_file_named_forty_times_for_a_product_is_read_once(w):
    """Forty entries naming one 10 MB test list (99,000 names): read forty times, it took 1 GB
    and more than this command's address space; read once, it is a list's worth."""
    write(w / "big.txt", "".join(f"tempest.api.x.T.test_{i:07d}\n" for i in range(99_000)))
    entries = ", ".join('{ file = "big.txt", date = 2030-01-01 }' for _ in range(40))
    _profile(w, PROFILE_HEAD + f'[[shortlist]]\nname = "A"\nevidence = [{entries}]\n')
    ran = buyer("evaluate", "--profile", "p.toml", "--as-of", "2030-01-02", cwd=w, memory=600 * 1024 * 1024)
    clean(ran, 3, lines=0)
    assert ran.out.count("big.txt") >= 40  # every use still listed


def test_evidence_that_does_not_fit_in_memory_is_one_line(w):
    """A name of 200 MB is read into memory (the file, then its text), within the bounds; where the
    address space is smaller than that, the MemoryError is one line, exit 2, not a traceback."""
    write(w / "one.txt", "tempest." + "a" * 200_000_000 + ".b\n")
    ran = buyer(*EVALUATE, "--evidence", "one.txt", cwd=w, memory=700 * 1024 * 1024)
    clean(ran, 2, says=("one.txt: too large to read in the memory this process may use",))


@pytest.mark.parametrize("written", ["gone.json", "./gone.json", ".//gone.json"])
def test_a_missing_evidence_file_is_named_as_the_path_read(w, written):
    _profile(
        w,
        f'name = "P"\n[interop]\nguideline = "2030.01"\n[[shortlist]]\nname = "A"\nevidence = [{{ file = "{written}" }}]\n',
    )
    ran = buyer("evaluate", "--profile", "p.toml", "--as-of", "2030-01-01", cwd=w)
    clean(ran, 2)
    assert "gone.json: no such file" in ran.err and "./" not in ran.err and "//" not in ran.err, ran


def test_the_one_reader_refuses_a_fifo_without_waiting_for_a_writer(w):
    # The FIFO cases above end at once; one with a writer that never writes would block a read.
    pipe = fifo(w / "held")
    keeper = os.open(pipe, os.O_RDWR | os.O_NONBLOCK)  # a writer exists, and never writes
    try:
        ran = buyer(*EVALUATE, "--evidence", pipe, cwd=w)
    finally:
        os.close(keeper)
    clean(ran, 2, says=("not a regular file",))


# -- outside text on the terminal: escaped, never raw ------------------------------------------------


def test_names_from_a_profile_are_shown_escaped(w):
    profile = _profile(
        w,
        f'name = "{TOML_ESCAPES}P"\n[interop]\nguideline = "2030.01"\n'
        f'[[shortlist]]\nname = "Acme{TOML_ESCAPES}"\nevidence = [{{ file = "pass.txt" }}]\n',
    )
    ran = buyer("evaluate", "--profile", profile, cwd=w)
    clean(ran, 0, lines=0)
    assert f"{SHOWN}P" in ran.out and f"Acme{SHOWN}" in ran.out
    as_json = buyer("evaluate", "--profile", profile, "--format", "json", cwd=w)
    assert as_json.code == 0 and "\x1b" not in as_json.out  # JSON keeps its own escaping
    assert json.loads(as_json.out)["products"][0]["name"] == f"Acme{ESCAPES}"


def test_guideline_fields_are_shown_escaped(w):
    source = shutil.copytree(SOURCE, w / "interop")
    path = source / "guidelines" / "2030.01.json"
    doc = json.loads(path.read_text())
    doc["metadata"]["os_trademark_approval"]["releases"] = [f"zed{ESCAPES}"]
    path.write_text(json.dumps(doc))
    for args in (
        ("guidelines", "list"),
        ("guidelines", "show", "2030.01"),
        ("guidelines", "diff", "2014.07", "2030.01"),
    ):
        ran = buyer(*args, "--source", source, cwd=w)
        clean(ran, 0, lines=0)
    assert f"zed{SHOWN}" in buyer("guidelines", "list", "--source", source, cwd=w).out


def test_csv_cells_that_look_like_formulas_stay_data(w):
    profile = _profile(
        w,
        'name = "P"\n[interop]\nguideline = "2030.01"\n'
        '[[shortlist]]\nname = "=HYPERLINK(\\"http://example.invalid\\")"\nevidence = [{ file = "pass.txt" }]\n',
    )
    ran = buyer("report", "--profile", profile, "-o", "out.csv", cwd=w)
    clean(ran, 0, says=("wrote out.csv",))
    rows = list(csv.reader((w / "out.csv").open()))
    assert rows[1][0] == '\'=HYPERLINK("http://example.invalid")'


def test_a_product_name_of_5000_characters_still_gives_a_report(w):
    profile = _profile(
        w,
        'name = "P"\n[interop]\nguideline = "2030.01"\n'
        f'[[shortlist]]\nname = "{"N" * 5000}"\nevidence = [{{ file = "pass.txt" }}]\n',
    )
    ran = buyer("report", "--profile", profile, "-o", "long.pdf", cwd=w)
    clean(ran, 0, says=("wrote long.pdf",))
    assert (w / "long.pdf").read_bytes().startswith(b"%PDF")


# -- -o: the target survives ---------------------------------------------------------------------------

REPORT = ("report", "--guideline", "2030.01", "--as-of", "2030-01-01", "--evidence", "pass.txt", "--format", "json")
OLD = b"the old report\n"


@dataclass(frozen=True)
class Target:
    name: str
    make: Callable[[Path], str]  # makes the target, returns the -o value
    code: int
    says: str
    check: Callable[[Path, Ran], None]


def _file_under_a_file(w: Path) -> str:
    write(w / "plain", OLD)
    return "plain/report.json"


def _read_only_folder(w: Path) -> str:
    if os.geteuid() == 0:  # root writes anywhere it may; procfs refuses even root a new file
        return "/proc/buyer-report.json"
    folder = w / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    return "locked/report.json"


def _untouched(name: str) -> Callable[[Path, Ran], None]:
    def check(w: Path, ran: Ran) -> None:
        assert (w / name).read_bytes() == OLD
        assert not [p for p in w.rglob("*.tmp")]

    return check


def _fifo_with_reader(w: Path) -> str:
    pipe = fifo(w / "pipe")
    got: list[bytes] = []

    def read() -> None:
        with open(pipe, "rb") as handle:
            got.append(handle.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    _READERS[str(w)] = (reader, got)
    return "pipe"


_READERS: dict[str, tuple[threading.Thread, list[bytes]]] = {}


def _read_through(w: Path, ran: Ran) -> None:
    reader, got = _READERS.pop(str(w))
    reader.join(10)
    assert stat.S_ISFIFO((w / "pipe").lstat().st_mode)
    assert json.loads(got[0])["products"][0]["name"] == "pass"


def _link(w: Path) -> str:
    write(w / "real.json", OLD)
    (w / "link.json").symlink_to("real.json")
    return "link.json"


def _link_kept(w: Path, ran: Ran) -> None:
    assert (w / "link.json").is_symlink() and os.readlink(w / "link.json") == "real.json"
    assert json.loads((w / "real.json").read_text())["products"][0]["name"] == "pass"


def _stdout(w: Path, ran: Ran) -> None:
    assert json.loads(ran.out)["products"][0]["name"] == "pass"
    assert not (w / "-").exists()


def _still(path: str, kind: Callable[[int], bool]) -> Callable[[Path, Ran], None]:
    return lambda w, ran: kind(os.lstat(path).st_mode) or pytest.fail(f"{path} is no longer what it was")


TARGETS = [
    Target("under a file", _file_under_a_file, 2, "not written", _untouched("plain")),
    Target("into a read-only folder", _read_only_folder, 2, "not written", lambda w, ran: None),
    Target("into a missing folder", lambda w: "new/sub/report.json", 0, "wrote new/sub/report.json",
           lambda w, ran: json.loads((w / "new/sub/report.json").read_text())),
    Target("onto a folder", lambda w: (w / "folder").mkdir() or "folder", 2, "is a folder",
           lambda w, ran: (w / "folder").is_dir() or pytest.fail("folder replaced")),
    Target("a write failing part-way (/dev/full)", lambda w: "/dev/full", 2, "no space left",
           _still("/dev/full", stat.S_ISCHR)),
    Target("a FIFO with a reader", _fifo_with_reader, 0, "wrote pipe", _read_through),
    Target("a FIFO nobody reads", lambda w: str(fifo(w / "pipe")), 2, "a FIFO that nobody reads",
           lambda w, ran: stat.S_ISFIFO((w / "pipe").lstat().st_mode) or pytest.fail("FIFO replaced")),
    Target("a character device", lambda w: "/dev/null", 0, "wrote /dev/null", _still("/dev/null", stat.S_ISCHR)),
    Target("/dev/stdout (a pipe here)", lambda w: "/dev/stdout", 0, "wrote /dev/stdout", _stdout),
    Target("a symlink", _link, 0, "wrote link.json", _link_kept),
    Target("standard output", lambda w: "-", 0, "", _stdout),
]  # fmt: skip


@pytest.mark.parametrize("target", TARGETS, ids=[t.name for t in TARGETS])
def test_the_output_target_survives(w, target):
    where = target.make(w)
    ran = buyer(*REPORT, "-o", where, cwd=w)
    clean(ran, target.code, lines=0 if target.name == "standard output" else 1, says=(target.says,))
    target.check(w, ran)


@pytest.mark.parametrize(
    ("command", "target", "named"),
    [
        ("report", "profile.toml", ""),
        ("rfp", "profile.toml", ""),
        ("report", "pass.txt", ""),  # an evidence file
        ("report", "link.json", "profile.toml, "),  # a link to the profile
        ("report", "hard.json", "pass.txt, "),  # a hard link to the evidence
        ("report", "forms/acme.toml", ""),  # a vendor's response form
        ("report", "forms/acme.txt", ""),  # the evidence a form names
    ],
)
def test_an_output_never_replaces_a_file_it_is_made_from(w, command, target, named):
    """report -o and rfp -o wrote over the profile, an evidence file or a response form they read
    (by its name, a link or a hard link): the input was gone, replaced by its own report."""
    write(
        w / "profile.toml",
        PROFILE_HEAD + '[[shortlist]]\nname = "Acme"\nevidence = [{ file = "pass.txt", date = 2029-12-01 }]\n',
    )
    (w / "forms").mkdir()
    write(w / "forms" / "acme.txt", (w / "pass.txt").read_text())
    write(w / "forms" / "acme.toml", 'format = "buyer.rfp-response"\nversion = 1\n[vendor]\ncompany = "Acme Oy"\n'
          'product = "Acme"\n[[evidence]]\nfile = "acme.txt"\nkind = "self-reported"\ndate = 2029-12-02\n'
          '[[requirement]]\nclause = "M1"\nclaim = "comply"\n')  # fmt: skip
    os.symlink("profile.toml", w / "link.json")
    os.link(w / "pass.txt", w / "hard.json")
    before = {
        p: p.read_bytes()
        for p in (w / "profile.toml", w / "pass.txt", w / "forms" / "acme.toml", w / "forms" / "acme.txt")
    }
    if command == "report":
        args = (
            "report",
            "--profile",
            "profile.toml",
            "--as-of",
            "2030-01-01",
            "--responses",
            "forms",
            "--format",
            "json",
        )
    else:
        args = ("rfp", "--profile", "profile.toml")
    ran = buyer(*args, "-o", target, cwd=w)
    clean(ran, 2, says=(f"{target}: not written: is {named}a file this is made from; name another file",))
    assert {p: p.read_bytes() for p in before} == before
    fine = buyer(*args, "-o", "out/fine.json", cwd=w)
    clean(fine, 0, lines=None)
    assert (w / "out" / "fine.json").is_file()


@pytest.mark.parametrize(
    "args",
    [
        ("evaluate", "--guideline", "2030.01", "--as-of", "2030-01-01", "--evidence", "pass.txt"),
        ("evaluate", "--guideline", "2030.01", "--as-of", "2030-01-01", "--evidence", "pass.txt", "--format", "json"),
        ("guidelines", "list"),
        ("report", "--guideline", "2030.01", "--as-of", "2030-01-01", "--evidence", "pass.txt", "-o", "-"),
        ("--version",),
    ],
)
def test_a_closed_standard_output_is_one_line_and_no_verdict(w, args):
    """Started with stdout closed (>&-), Python gives None: a write was a traceback and exit 1,
    which reads as the verdict 'a requirement fails'."""
    env = {**os.environ, "BUYER_INTEROP_URL": str(SOURCE)}
    ran = subprocess.run(
        [sys.executable, "-m", "buyer", *args], cwd=w, env=env, stdout=None, stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL, timeout=BOUND, preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    err = ran.stderr.decode()
    assert ran.returncode == 2, err
    assert err == "buyer: error: standard output: not written: is closed; send it to a file (> FILE) or give -o FILE\n"
    written = subprocess.run(
        [sys.executable, "-m", "buyer", *args[:-2], "-o", "r.json"] if args[0] == "report" else ["true"],
        cwd=w, env=env, capture_output=True, timeout=BOUND, preexec_fn=lambda: os.close(1),
    )  # fmt: skip
    assert written.returncode == 0, written.stderr  # a command that writes a file needs no stdout


@pytest.mark.parametrize(
    ("cloud", "secret", "says"),
    [
        ("", b"x\n", "cloud: give the cloud's name in clouds.yaml"),
        ("a\x1bb", b"x\n", "cloud: a name of up to 255 characters without control characters"),
        ("trial", b"\xff\xfe" + CANARY.encode() + b"\n", "--stdin: the secret is not UTF-8 text"),
        ("trial", CANARY.encode() * 1000 + b"\n", "--stdin: a secret of more than 4,096 characters"),
    ],
)
def test_a_secret_or_cloud_that_cannot_be_stored_is_one_line(w, cloud, secret, says):
    """These were tracebacks (a blank name refused by the keyring backend, bytes that are not
    UTF-8) or a 100 MB secret stored whole."""
    ran = buyer("credentials", "set", cloud, "--stdin", cwd=w, stdin=secret, env={"HOME": str(w)})
    clean(ran, 2, says=(says,))


def test_a_secret_asked_of_a_closed_standard_input_is_one_line(w):
    ran = subprocess.run(
        [sys.executable, "-m", "buyer", "credentials", "set", "trial", "--stdin"], cwd=w, capture_output=True,
        env={**os.environ, "HOME": str(w)}, timeout=BOUND, preexec_fn=lambda: os.close(0),
    )  # fmt: skip
    assert ran.returncode == 2
    assert ran.stderr.decode() == (
        "buyer: error: standard input is closed: pipe the secret with --stdin, or run at a terminal\n"
    )


def test_a_package_is_never_written_over_the_working_folder(w):
    """--package . --force in an empty folder renamed the shell's working folder away: 'wrote ./',
    and the shell saw an empty, deleted folder."""
    write(w / "profile.toml", PROFILE_HEAD)
    here = w / "empty"
    here.mkdir()
    ran = buyer("rfp", "--profile", "../profile.toml", "--package", ".", "--force", cwd=here)
    clean(ran, 2, says=(".: not written: is the working folder or holds it; name a folder for the package",))
    assert here.is_dir() and not any(here.iterdir())
    clean(buyer("rfp", "--profile", "../profile.toml", "--package", "pkg", cwd=here), 0, lines=1)
    assert (here / "pkg" / "SHA256SUMS").is_file()


@pytest.mark.parametrize("result_id", ["../../x", "1 2", "\\u001b]0;x\\u0007", "a/b"])
def test_a_refstack_id_that_is_no_id_is_told_where_it_is_written(w, result_id):
    """It passed `response check` and became part of a URL path, failing at evaluate time without
    naming the form (or, with '..', asking for another path of the server)."""
    write(w / "profile.toml", PROFILE_HEAD + '[[shortlist]]\nname = "Acme"\nevidence = [{ file = "pass.txt" }]\n')
    (w / "forms").mkdir()
    write(w / "forms" / "acme.toml", 'format = "buyer.rfp-response"\nversion = 1\n[vendor]\ncompany = "Acme Oy"\n'
          f'product = "Acme"\n[[evidence]]\nfile = "refstack:{result_id}"\n[[requirement]]\nclause = "M1"\n'
          'claim = "comply"\n')  # fmt: skip
    said = "a RefStack result id has letters, digits, '.', '_' and '-' only"
    clean(
        buyer("response", "check", "forms", "--profile", "profile.toml", cwd=w),
        2,
        says=(":7:1: evidence[0].file: " + said,),
    )
    write(
        w / "bad.toml", PROFILE_HEAD + f'[[shortlist]]\nname = "A"\nevidence = [{{ file = "refstack:{result_id}" }}]\n'
    )
    clean(buyer("profile", "check", "bad.toml", cwd=w), 2, says=("bad.toml:", said))
    if "\\" not in result_id:  # (a shell argument holds no TOML escapes)
        ran = buyer(*EVALUATE, "--source", SOURCE, "--evidence", f"A=refstack:{result_id}", cwd=w)
        clean(ran, 2, says=("--evidence: ", said))


# -- servers that drip, stay silent, fail, or claim endless pages ------------------------------------------


@pytest.fixture
def up(monkeypatch, w):
    """A loopback upstream for every source (shared data), its answers as upstream gives them."""
    marketplace = json.loads((FIXTURES / "marketplace" / "listings.json").read_text())
    upstream = Upstream(data=need_shared(SHARED), marketplace=marketplace)
    with UpstreamServer(upstream) as server:
        for name, path in (
            ("BUYER_INTEROP_URL", GITEA),
            ("BUYER_REFSTACK_URL", "/refstack"),
            ("BUYER_MARKETPLACE_URL", "/marketplace"),
            ("BUYER_SCS_MONITOR_URL", "/scs"),
        ):
            monkeypatch.setenv(name, f"{server.url}{path}")
        yield server


SOURCES_ENV = ("BUYER_INTEROP_URL", "BUYER_REFSTACK_URL", "BUYER_MARKETPLACE_URL", "BUYER_SCS_MONITOR_URL")


def env_of(*names: str) -> dict[str, str]:
    """The server's URLs for these settings (``buyer()`` points guidelines at the fixtures otherwise)."""
    return {n: os.environ[n] for n in names}


@pytest.mark.parametrize("kind", ["drip", "drip-body", "silent"])
def test_registry_list_against_servers_that_never_finish_ends_at_the_deadline(up, w, kind):
    for prefix in ("/marketplace/", "/refstack/", "/scs/"):
        up.upstream.faults[prefix] = Fault(kind)
    ran = buyer("registry", "list", cwd=w, env=env_of(*SOURCES_ENV))
    clean(ran, 2, lines=3)
    lines = ran.err.splitlines()
    for line, source in zip(lines, ("Marketplace", "RefStack products", "SCS compliance monitor"), strict=True):
        assert line.startswith(f"buyer: error: {source}: no complete answer within {DEADLINE} s"), ran
    # the sources are read side by side: one deadline in all, not one each (bound generous: startup)
    assert ran.seconds < 3 * DEADLINE + 6, ran


def test_sync_asks_a_source_that_failed_once_per_command(up, w):
    for prefix in ("/marketplace/", "/refstack/", "/scs/", GITEA):
        up.upstream.faults[prefix] = Fault("silent")
    ran = buyer("sync", cwd=w, env=env_of(*SOURCES_ENV))
    clean(ran, 2, lines=3)
    # results and registry both need RefStack: one request goes first, the other use is not asked
    assert up.upstream.count("/refstack/") == 1, [h.path for h in up.upstream.hits]
    # interop, RefStack, Marketplace, SCS; and RefStack's other use, which says the same and why it was not asked
    assert ran.err.count(f"no complete answer within {DEADLINE} s") == 5, ran
    assert ran.err.count("earlier in this command; not asked again") == 1, ran
    assert [line.split(":")[0] for line in ran.err.splitlines()] == ["guidelines", "results", "registry"]
    assert ran.seconds < 2 * DEADLINE + 6, ran  # every stage side by side: one deadline in all


def test_evaluate_does_not_wait_twice_on_a_silent_refstack(up, w):
    up.upstream.faults["/refstack/"] = Fault("silent")
    # the registry is read from the cache only; two results from one silent server
    ran = buyer(*EVALUATE, "--source", SOURCE, "--evidence", "A=refstack:one", "--evidence", "B=refstack:two", cwd=w,
                env=env_of("BUYER_REFSTACK_URL"))  # fmt: skip
    clean(ran, 2, says=("RefStack: no complete answer within",))
    assert up.upstream.count("/refstack/") == 1


def test_a_listing_that_claims_a_billion_pages_is_refused_and_not_cached(up, w):
    up.upstream.marketplace_envelope = {"last_page": 10**9, "total": 10**9 * 100}
    ran = buyer("sync", "--only", "registry", cwd=w, env=env_of(*SOURCES_ENV))
    clean(ran, 2, says=("the listing says it has 1000000000 pages of 100; buyer reads at most 200",))
    assert up.upstream.count("/marketplace/") == 1
    cached = [p for p in Path(os.environ["BUYER_CACHE_DIR"]).rglob("*.body") if b"last_page" in p.read_bytes()]
    assert cached == []


def test_refstack_results_read_no_more_pages_than_the_cap(up, w):
    up.upstream.refstack_total_pages = 10**9
    ran = buyer(
        "results", "list", "--max-pages", "50", cwd=w, env={**env_of("BUYER_REFSTACK_URL"), "BUYER_MAX_PAGES": "3"}
    )
    clean(ran, 0, lines=0)
    assert up.upstream.count("/refstack/v1/results") == 3


def test_marketplace_last_page_that_is_not_a_number(up, w):
    up.upstream.marketplace_envelope = {"last_page": CANARY}
    ran = buyer("registry", "list", cwd=w, env=env_of(*SOURCES_ENV))
    clean(ran, 0, lines=1, says=("Marketplace: field 'last_page': expected a number, got a string",))


def test_an_error_body_with_escapes_is_a_short_escaped_token(up, w):
    body = json.dumps({"title": ESCAPES + "x" * 100 + CANARY}).encode()
    up.upstream.faults["/scs/"] = Fault("escape-500", body=body)
    ran = buyer("registry", "list", cwd=w, env=env_of(*SOURCES_ENV))
    clean(ran, 0, lines=1, says=(f"HTTP 500: {SHOWN}xxx", "…"))


def test_names_from_every_server_are_shown_escaped(up, w):
    up.upstream.marketplace["public-clouds"][0]["name"] = f"Evil{ESCAPES}Cloud"
    up.upstream.refstack_products = [{"id": "p1", "name": f"Ref{ESCAPES}", "organization_id": "v1", "product_type": 1}]
    up.upstream.refstack_vendors = [{"id": "v1", "name": f"Vendor{ESCAPES}"}]
    up.upstream.refstack_results = [
        {"id": f"r1{ESCAPES}", "created_at": "2026-01-01 00:00:00", "duration_seconds": 1, "verification_status": 0,
         "meta": {"guideline": f"2020.06{ESCAPES}", "target": "platform"},
         "product_version": {"version": "1", "product_info": {"name": f"Product{ESCAPES}"}}},
    ]  # fmt: skip
    status = json.loads((SHARED / "scs/generated/monitor-views/status.json").read_text())
    status[f"subject{ESCAPES}"] = status.pop("example-cloud-a")
    up.upstream.scs_status = status
    ran = buyer("registry", "list", cwd=w, env=env_of(*SOURCES_ENV))
    clean(ran, 0, lines=0)
    for name in (f"Evil{SHOWN}Cloud", f"Ref{SHOWN}", "Vendor\\x1b]0;pwned", f"subject{SHOWN}"):
        assert name in ran.out, name
    results = buyer("results", "list", cwd=w, env=env_of(*SOURCES_ENV))
    clean(results, 0, lines=0)
    assert f"r1{SHOWN}" in results.out and f"Product{SHOWN} 1" in results.out
    shown = buyer("registry", "show", f"Evil{ESCAPES}Cloud", cwd=w, env=env_of(*SOURCES_ENV))
    clean(shown, 0, lines=0)
    assert shown.out.startswith(f"Evil{SHOWN}Cloud\n")


def test_a_refstack_answer_with_a_huge_number_is_never_cached(up, w):
    body = f'{{"id": "big", "created_at": "2026-01-01 00:00:00", "duration_seconds": {BIG_NUMBER}, "results": []}}'
    up.upstream.faults["/refstack/v1/results/big"] = Fault("body", body=body.encode())
    args = (*EVALUATE, "--source", SOURCE, "--evidence", "A=refstack:big")
    ran = buyer(*args, cwd=w, env=env_of("BUYER_REFSTACK_URL"))
    clean(ran, 2, says=("RefStack: not valid JSON: Integer value out of range",))
    offline = buyer(*args, "--offline", cwd=w, env=env_of("BUYER_REFSTACK_URL"))
    clean(offline, 2, says=("offline, and not in the cache",))


def test_gzip_bomb_is_capped(up, w):
    gzip_bomb()  # made before the request, so that the server answers at once
    up.upstream.faults["/scs/"] = Fault("gzip-bomb")
    ran = buyer("registry", "list", cwd=w, env={**env_of(*SOURCES_ENV), "BUYER_MAX_RESPONSE_MIB": "8"})
    clean(ran, 0, lines=1, says=("SCS compliance monitor: response is over the 8388608-byte cap",))


def test_a_body_over_the_cap_is_refused(up, w):
    up.upstream.faults["/scs/"] = Fault("huge")
    ran = buyer("registry", "list", cwd=w, env={**env_of(*SOURCES_ENV), "BUYER_MAX_RESPONSE_MIB": "1"})
    clean(ran, 0, lines=1, says=("response is over the 1048576-byte cap",))


def test_a_redirect_to_another_host_is_not_followed(up, w):
    up.upstream.faults["/scs/"] = Fault("redirect-away")
    ran = buyer("registry", "list", cwd=w, env=env_of(*SOURCES_ENV))
    clean(ran, 0, lines=1, says=("redirected to another host (127.0.0.2:",))


# -- the cache: a bad answer never replaces a good copy ---------------------------------------------------

RAW_2020 = f"{GITEA}/raw/guidelines/2020.06.json"


@dataclass(frozen=True)
class Poison:
    name: str
    prefix: str  # where the server answers badly
    fault: Fault
    stage: str  # buyer sync --only
    says: str
    offline: tuple[str, ...]  # a command that must still work offline afterwards
    shows: str  # what it prints


POISONS = [
    Poison("guideline as an HTML page", RAW_2020, Fault("html-text"), "guidelines",
           "2020.06: not valid JSON", ("guidelines", "show", "2020.06", "--offline"), "2020.06"),
    Poison("guideline cut off", RAW_2020, Fault("cut-json", body=b'{"metadata": {"id": "2020.06"'), "guidelines",
           "2020.06: not valid JSON", ("guidelines", "show", "2020.06", "--offline"), "2020.06"),
    Poison("guideline listing cut off", f"{GITEA}/contents/guidelines", Fault("cut-json", body=b'[{"name": "20'),
           "guidelines", "guidelines/: not valid JSON", ("guidelines", "list", "--offline"), "2020.06"),
    Poison("Marketplace listing as an HTML page", "/marketplace/public-clouds", Fault("html-text"), "registry",
           "Marketplace failed: expected application/json, got text/plain", ("registry", "list", "--offline"),
           "Acme Public Cloud"),
    Poison("Marketplace listing cut off", "/marketplace/public-clouds", Fault("cut-json"), "registry",
           "Marketplace failed: not valid JSON", ("registry", "list", "--offline"), "Acme Public Cloud"),
    Poison("monitor status cut off", "/scs/status", Fault("cut-json"), "registry",
           "SCS compliance monitor failed: not valid JSON", ("registry", "list", "--offline"), "example-cloud-a"),
    Poison("monitor status of the wrong shape", "/scs/status", Fault("cut-json", body=b'{"x": [1]}'), "registry",
           "SCS compliance monitor failed: field 'x': expected an object", ("registry", "list", "--offline"),
           "example-cloud-a"),
]  # fmt: skip


@pytest.mark.parametrize("poison", POISONS, ids=[p.name for p in POISONS])
def test_a_bad_answer_after_a_good_sync_keeps_the_good_copy(up, w, poison):
    env = env_of(*SOURCES_ENV)
    first = buyer("sync", "--only", poison.stage, cwd=w, env=env)
    clean(first, 0, lines=1)
    before = _cache_bodies()
    up.upstream.faults[poison.prefix] = poison.fault
    ran = buyer("sync", "--only", poison.stage, cwd=w, env=env)
    clean(ran, 2, says=(poison.says, "kept"))
    assert _cache_bodies() == before  # nothing replaced, nothing added
    up.stop()
    offline = buyer(*poison.offline, cwd=w, env=env)
    clean(offline, 0, lines=0)
    assert poison.shows in offline.out


def _cache_bodies() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in Path(os.environ["BUYER_CACHE_DIR"]).rglob("*.body")}


@pytest.mark.parametrize(
    "record",
    [
        "[]",
        '{"url": 1}',
        "{" * 100_000,
        "not json at all",
        None,  # dates that are not dates, an ETag with a line break
    ],
    ids=["a list", "wrong types", "nested deep", "not JSON", "bad dates and ETag"],
)
def test_cache_records_edited_by_hand_are_a_miss(up, w, record):
    env = env_of(*SOURCES_ENV)
    clean(buyer("sync", "--only", "registry", cwd=w, env=env), 0, lines=1)
    for path in Path(os.environ["BUYER_CACHE_DIR"]).rglob("*.json"):
        if record is None:
            entry = json.loads(path.read_text())
            entry.update(retrieved_at=CANARY, checked_at="2026-13-45", etag=f'"x"\r\nX-{CANARY}: 1')
            path.write_text(json.dumps(entry))
        else:
            path.write_text(record)
    offline = buyer("registry", "list", "--offline", cwd=w, env=env)
    clean(offline, 0, lines=1, says=("not synced yet",))
    up.upstream.hits.clear()
    online = buyer("registry", "list", cwd=w, env=env)  # fetched again, whole
    clean(online, 0, lines=0)
    assert "Acme Public Cloud" in online.out and not any(h.conditional for h in up.upstream.hits)


def test_a_cached_body_with_a_wrong_hash_is_fetched_again(up, w):
    env = env_of(*SOURCES_ENV)
    clean(buyer("sync", "--only", "registry", cwd=w, env=env), 0, lines=1)
    for path in Path(os.environ["BUYER_CACHE_DIR"]).rglob("*.body"):
        data = path.read_bytes()
        path.write_bytes(data[:-1] + (b"]" if data[-1:] != b"]" else b"}"))  # same size, other bytes
    up.upstream.hits.clear()
    ran = buyer("registry", "list", cwd=w, env=env)
    clean(ran, 0, lines=0)
    assert "Acme Public Cloud" in ran.out and up.upstream.hits and not any(h.conditional for h in up.upstream.hits)


def test_a_cache_that_cannot_be_written_is_one_line(up, w):
    cache = Path(os.environ["BUYER_CACHE_DIR"])
    write(cache / "documents", "a file where the cache keeps its folders\n")
    ran = buyer("registry", "list", cwd=w, env=env_of(*SOURCES_ENV))
    clean(ran, 2, lines=None, says=("cannot be written", "BUYER_CACHE_DIR"))
    assert all(line.startswith("buyer: error: ") for line in ran.err.splitlines())


# -- the catalogue: one broken file does not hide the others ---------------------------------------------


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_a_guideline_that_is_not_a_file_is_named_not_unknown(w, kind):
    """A FIFO, a folder or a device by a guideline's name is refused by name when it is read, and
    left out of the list with a warning; it was left out silently, and the guideline looked unknown."""
    source = shutil.copytree(SOURCE, w / "interop")
    odd = source / "guidelines" / "2030.01.json"
    odd.unlink()
    if kind == "fifo":
        os.mkfifo(odd)
    elif kind == "folder":
        odd.mkdir()
    else:
        odd.symlink_to("/dev/zero")
    ran = buyer(*EVALUATE, "--source", source, "--evidence", "pass.txt", cwd=w)
    clean(ran, 2, says=("2030.01.json: ",))
    assert "unknown" not in ran.err and ("a folder" in ran.err if kind == "folder" else "not a regular file" in ran.err)
    listed = buyer("guidelines", "list", "--source", source, cwd=w)
    clean(listed, 0, says=("2030.01.json: ", "(left out)"))


def test_one_truncated_guideline_is_named_and_the_others_listed(w):
    source = shutil.copytree(SOURCE, w / "interop")
    broken = source / "guidelines" / "2014.07.json"
    broken.write_bytes(broken.read_bytes()[:300])
    ran = buyer("guidelines", "list", "--source", source, cwd=w)
    clean(ran, 0, says=("2014.07.json:", "not valid JSON", "(left out)"))
    assert ran.err.startswith("buyer: warning: ")
    listed = [line.split()[0] for line in ran.out.splitlines()[1:]]
    assert listed == ["2014.01", "2030.01"]
    usable = buyer(*EVALUATE, "--source", source, "--evidence", "pass.txt", cwd=w)
    clean(usable, 0, lines=0)
    for path in (source / "guidelines").glob("*.json"):
        path.write_bytes(b'{"metadata": ')
    (source / "add-ons" / "guidelines" / "dns.2030.01.json").write_bytes(b"")
    nothing = buyer("guidelines", "list", "--source", source, cwd=w)
    clean(nothing, 2, lines=4)
    assert all(line.startswith("buyer: error: ") for line in nothing.err.splitlines())


# -- interrupted: the old report stays -------------------------------------------------------------------


def test_ctrl_c_during_a_report_leaves_the_old_file(up, w):
    up.upstream.faults["/scopes/"] = Fault("silent")
    write(w / "old.json", OLD)
    scope = f"{up.url}/scopes/scope.yaml"
    proc = subprocess.Popen(
        [sys.executable, "-m", "buyer", *REPORT, "--scope", scope, "-o", "old.json"],
        cwd=w,
        env={**os.environ, "BUYER_SOURCE_DEADLINE": "30", "BUYER_INTEROP_URL": str(SOURCE)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        waited = time.monotonic()
        while not up.upstream.count("/scopes/") and time.monotonic() - waited < BOUND:
            time.sleep(0.05)  # until the report waits on the scope: well inside its work
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=BOUND)
    finally:
        proc.kill()
    assert proc.returncode == 130 and err.decode() == "buyer: interrupted\n"
    assert (w / "old.json").read_bytes() == OLD and not list(w.glob(".old.json.*"))
