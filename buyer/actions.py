"""The verbs both faces (CLI and TUI) call: load a profile, gather its evidence, evaluate.

No rules live here: scoring is ``buyer.model.scoring``; this module only wires files to it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from buyer._atomic import atomic_write
from buyer.config import settings
from buyer.errors import InputError
from buyer.formats.evidence import sha256_hex
from buyer.formats.toml_models import dump_profile, parse_profile
from buyer.model.evidence import Evidence, EvidenceKind
from buyer.model.profile import Profile
from buyer.model.requirements import resolve_requirements
from buyer.model.scorecard import Scorecard
from buyer.model.scoring import evaluate
from buyer.sources.cache import Cache
from buyer.sources.catalogue import Catalogue, open_catalogue
from buyer.sources.fetch import Fetcher
from buyer.sources.files import load_evidence_file, read_input
from buyer.sources.http import HttpClient
from buyer.sources.refstack import RefStackClient
from buyer.sources.registry import Registry, load_registry
from buyer.sources.scs_scopes import load_scope


def make_fetcher(offline: bool = False) -> Fetcher:
    """The one way faces reach the network: through the cache, offline when asked."""
    return Fetcher(HttpClient(), Cache(), offline=offline or settings().offline)


def open_guidelines(source: str | None = None, offline: bool = False, refresh: bool = False) -> Catalogue:
    """The guideline catalogue at ``source`` (else $BUYER_INTEROP_URL, else upstream, pinned)."""
    return open_catalogue(source, make_fetcher(offline), refresh=refresh)


@dataclass(frozen=True)
class LoadedProfile:
    profile: Profile
    path: Path
    sha256: str


def load_profile(path: str | Path) -> LoadedProfile:
    file = Path(path)
    data = read_input(file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(str(path), "not UTF-8 text (is this a TOML profile?)") from None
    return LoadedProfile(parse_profile(text, str(path)), file, sha256_hex(data))


def save_profile(profile: Profile, path: str | Path) -> Path:
    """Write a profile atomically: an existing file is replaced whole or not at all."""
    return atomic_write(path, dump_profile(profile))


def profile_evidence(loaded: LoadedProfile, offline: bool = False) -> dict[str, list[Evidence]]:
    """Read every piece of evidence the shortlist names (paths relative to the profile's folder)."""
    base = loaded.path.parent
    out: dict[str, list[Evidence]] = {}
    for product in loaded.profile.shortlist:
        items = out.setdefault(product.name, [])
        for ref in product.evidence:
            items.append(load_evidence_ref(ref.file, ref.kind, offline, ref.date, base))
    return out


def split_evidence_arg(arg: str) -> tuple[str, str]:
    """``PRODUCT=FILE`` -> (PRODUCT, FILE); a bare ``FILE`` is named after the file's stem."""
    product, sep, file = arg.partition("=")
    if sep and product and file:
        return product, file
    if arg.startswith(REFSTACK_PREFIX):
        return arg, arg
    return Path(arg).stem, arg


REFSTACK_PREFIX = "refstack:"


def refstack_client(offline: bool = False, fetcher: Fetcher | None = None) -> RefStackClient:
    return RefStackClient(settings().refstack_url, fetcher or make_fetcher(offline))


def load_evidence_ref(
    ref: str, kind: EvidenceKind, offline: bool = False, declared: dt.date | None = None, base: Path | None = None
) -> Evidence:
    """A file path, or ``refstack:<result id>`` for a published RefStack result."""
    if ref.startswith(REFSTACK_PREFIX):
        result_id = ref.removeprefix(REFSTACK_PREFIX).strip()
        if not result_id:
            raise InputError(ref, "name a RefStack result id after 'refstack:'")
        return refstack_client(offline).result(result_id)
    file = Path(ref).expanduser()
    if base is None or file.is_absolute():
        return load_evidence_file(file, kind, declared)
    # Read from the profile's folder (errors name that path), but recorded as the profile wrote
    # it: reports then show no folder of the preparer's machine and hash the same elsewhere.
    evidence = load_evidence_file(base / file, kind, declared)
    return evidence.with_provenance(replace(evidence.provenance, source=ref))


def load_evidence_args(
    args: Iterable[str], kind: EvidenceKind = EvidenceKind.SELF_REPORTED, offline: bool = False
) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = {}
    for arg in args:
        product, ref = split_evidence_arg(arg)
        out.setdefault(product, []).append(load_evidence_ref(ref, kind, offline))
    return out


def merge_evidence(*maps: Mapping[str, list[Evidence]]) -> dict[str, list[Evidence]]:
    out: dict[str, list[Evidence]] = {}
    for mapping in maps:
        for product, items in mapping.items():
            out.setdefault(product, []).extend(items)
    return out


def run_evaluation(
    profile: Profile,
    catalogue: Catalogue,
    evidence: Mapping[str, list[Evidence]],
    as_of: dt.date,
    profile_sha256: str = "",
    registry: Registry | None = None,
    base: Path | None = None,
) -> Scorecard:
    """``base``: the folder a profile's relative paths (evidence, SCS scope) are read from."""
    requirements = resolve_requirements(profile.interop, catalogue)
    uses = [catalogue.use(r.guideline.id) for r in requirements]
    scopes = {}
    if profile.scs is not None:
        loaded = load_scope(profile.scs.scope, make_fetcher(), base)
        scopes[profile.scs.scope] = loaded.scope
        uses.append(loaded.use)
    unique = list({u.id: u for u in uses}.values())
    claims = {}
    if registry is not None:
        for name in [p.name for p in profile.shortlist] + list(evidence):
            found = registry.find(name)
            if found is not None:
                claims[name] = list(found.claims)
    return evaluate(profile, catalogue, evidence, as_of, unique, profile_sha256, claims, scopes)


def rfp_text(profile: Profile, catalogue: Catalogue) -> str:
    """The RFP clauses and vendor response sheet of a profile (Markdown)."""
    from buyer.report.rfp import rfp_markdown

    requirements = resolve_requirements(profile.interop, catalogue)
    return rfp_markdown(profile, requirements, [catalogue.use(r.guideline.id) for r in requirements])


def registry_evidence(profile: Profile, registry: Registry, offline: bool = False) -> dict[str, list[Evidence]]:
    """Evidence the local registry holds for shortlisted products (files a vendor sent)."""
    out: dict[str, list[Evidence]] = {}
    for product in profile.shortlist:
        found = registry.find(product.name)
        if found is not None and found.evidence:
            out[product.name] = [load_evidence_ref(e.file, e.kind, offline, e.date) for e in found.evidence]
    return out


def load_registry_for(offline: bool = False, local: Path | None = None) -> Registry:
    return load_registry(make_fetcher(offline), local)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()
