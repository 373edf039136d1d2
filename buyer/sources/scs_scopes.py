"""SCS certificate scopes from a file or a URL (through the cache)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from buyer._hashing import sha256_hex
from buyer.errors import InputError
from buyer.model.scorecard import GuidelineUse
from buyer.model.scs import Scope
from buyer.sources.fetch import Fetcher
from buyer.sources.files import read_input, shown

YAML_TYPES = (
    "application/yaml",
    "application/x-yaml",
    "text/yaml",
    "text/x-yaml",
    "text/plain",
    "application/octet-stream",
)


@dataclass(frozen=True)
class LoadedScope:
    scope: Scope
    use: GuidelineUse  # what a report records about it: where from, its hash


def load_scope(ref: str, fetcher: Fetcher | None, base: Path | None = None) -> LoadedScope:
    from buyer.formats.scs_scope import parse_scope  # YAML: only for a profile with an SCS scope

    if ref.startswith(("http://", "https://")):
        if fetcher is None:
            raise InputError(ref, "fetching a scope needs the network layer")
        doc, scope = fetcher.read(ref, "SCS scope", lambda body: parse_scope(body, ref), YAML_TYPES, refresh=False)
        data, source, when = doc.body, ref, doc.checked_at
    else:
        path = Path(ref).expanduser()
        if base is not None and not path.is_absolute():
            path = base / path
        data, source, when = read_input(path), shown(ref, base), None
        scope = parse_scope(data, str(path))
    use = GuidelineUse(
        id=scope.slug,
        status="SCS certificate scope",
        schema=f"scs-scope ({scope.format})",
        source=source,
        sha256=sha256_hex(data),
        retrieved_at=when,
    )
    return LoadedScope(scope, use)
