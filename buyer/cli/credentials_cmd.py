"""buyer credentials set|delete: a cloud's secret in the system keyring, never in a file of buyer's."""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from buyer._text import printable
from buyer.cli._common import EXIT_OK, say
from buyer.errors import UsageError


def register(commands: Any) -> None:
    group = commands.add_parser("credentials", help="store or delete a cloud's secret in the system keyring")
    sub = group.add_subparsers(dest="credentials_command", metavar="ACTION", required=True)
    p = sub.add_parser(
        "set",
        help="prompt for a cloud's password or application-credential secret and keep it in the keyring",
        description="The secret is read without echo and stored under the cloud's clouds.yaml name; "
        "clouds.yaml then needs no password. Scripts can pipe it with --stdin.",
    )
    p.add_argument("cloud", help="the cloud's name in clouds.yaml")
    p.add_argument("--stdin", action="store_true", help="read the secret from standard input (one line)")
    p.set_defaults(handler=cmd_set)
    p = sub.add_parser(
        "delete",
        help="remove a cloud's secret from the keyring",
        description="Remove the secret stored for a cloud; says so when none was stored.",
    )
    p.add_argument("cloud", help="the cloud's name in clouds.yaml")
    p.set_defaults(handler=cmd_delete)


MAX_SECRET = 4096  # characters: a password or an application credential secret is far shorter


def _cloud_name(name: str) -> str:
    """A cloud as clouds.yaml names it: one line of text that shows as it is."""
    if not name.strip():
        raise UsageError("cloud: give the cloud's name in clouds.yaml")
    if len(name) > 255 or printable(name) != name:
        raise UsageError("cloud: a name of up to 255 characters without control characters, as clouds.yaml has it")
    return name


def cmd_set(args: argparse.Namespace) -> int:
    from buyer.live.credentials import store_secret

    cloud = _cloud_name(args.cloud)
    if sys.stdin is None:
        raise UsageError("standard input is closed: pipe the secret with --stdin, or run at a terminal")
    if args.stdin:
        secret = sys.stdin.readline(MAX_SECRET + 2).rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise UsageError("no terminal to prompt on; pipe the secret with --stdin")
        secret = getpass.getpass(f"Secret for cloud {cloud}: ")
    if len(secret) > MAX_SECRET:
        raise UsageError(f"--stdin: a secret of more than {MAX_SECRET:,} characters; give the secret alone, one line")
    try:
        secret.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 (read with surrogate escapes)
        raise UsageError("--stdin: the secret is not UTF-8 text") from None
    store_secret(cloud, secret)
    say(f"stored the secret for cloud {args.cloud} in the keyring")
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    from buyer.live.credentials import delete_secret

    if delete_secret(args.cloud):
        say(f"deleted the secret for cloud {args.cloud}")
    else:
        say(f"no secret stored for cloud {args.cloud}")
    return EXIT_OK
