"""The verbs both faces (CLI and TUI) call: load and check a profile, gather its evidence,
evaluate. One function turns a request into a Scorecard: ``evaluate(request, catalogue)``.

No rules live here: scoring is ``buyer.model``; this module wires files and sources to it.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import stat
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from buyer._atomic import write_folder, write_output
from buyer._hashing import sha256_hex
from buyer._text import token
from buyer.config import settings
from buyer.errors import BuyerError, InputError, ProfileErrors, SourceError, UsageError
from buyer.formats.response import ParsedResponse, check_response, located, raise_all
from buyer.formats.text import decode_utf8
from buyer.formats.toml_models import dump_profile, load_toml, parse_profile, toml_positions
from buyer.model.evidence import (
    REFSTACK_PREFIX,
    Evidence,
    EvidenceFormat,
    EvidenceKind,
    Provenance,
    refstack_id_problem,
)
from buyer.model.guideline import Guideline
from buyer.model.profile import EvidenceRef, Product, Profile
from buyer.model.requirements import (
    CompiledRequirement,
    ScsPlan,
    compile_requirement,
    resolve_requirements,
    resolve_scs,
)
from buyer.model.requirements import problems as requirement_problems
from buyer.model.response import Parts, Response
from buyer.model.scorecard import GuidelineUse, InputUse, ResponseUse, Scorecard, VendorClaim
from buyer.model.scoring import evaluate as score
from buyer.sources.catalogue import Catalogue, open_catalogue
from buyer.sources.fetch import Fetcher
from buyer.sources.files import Kind, check_readable, load_evidence_file, read_file, read_input, shown, size_limit
from buyer.sources.refstack import RefStackClient
from buyer.sources.registry import Registry, load_registry
from buyer.sources.scs_scopes import LoadedScope, load_scope


def make_fetcher(offline: bool = False) -> Fetcher:
    """The one way faces reach the network: through the cache, offline when asked. Its HTTP
    client (httpx) is made on the first request: work on local files never imports it."""
    from buyer.sources.cache import Cache

    return Fetcher(None, Cache(), offline=offline or settings().offline)


def open_guidelines(source: str | None = None, offline: bool = False, refresh: bool = False) -> Catalogue:
    """The guideline catalogue at ``source`` (else $BUYER_INTEROP_URL, else upstream, pinned)."""
    return open_catalogue(source, make_fetcher(offline), refresh=refresh)


# -- profiles ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedProfile:
    profile: Profile
    path: Path
    sha256: str
    text: str = ""


def load_profile(path: str | Path) -> LoadedProfile:
    """Read and validate a profile file (its own rules; ``check_profile`` adds the catalogue's)."""
    file = Path(path)
    data = read_input(file)
    text = decode_utf8(data, str(path))  # where it is not, and what it looks like instead
    return LoadedProfile(parse_profile(text, str(path)), file, sha256_hex(data), text)


def load_checked_profile(
    path: str | Path, catalogue: Mapping[str, Guideline] | None, offline: bool = False
) -> LoadedProfile:
    """A profile that can be evaluated, or ProfileErrors listing every problem at once: the file's
    own (TOML, keys, values) and the catalogue's, in file order. ``catalogue`` None: not checked
    against one (it is opened only for a profile with an interop section)."""
    try:
        loaded = load_profile(path)
    except ProfileErrors as exc:
        raise ProfileErrors(sorted([*exc.errors, *_section_problems(path, catalogue, offline)], key=_order)) from None
    check_profile(loaded, catalogue if loaded.profile.interop is not None else None, offline)
    return loaded


def evidence_file_problems(loaded: LoadedProfile) -> list[InputError]:
    """Each evidence file the profile names that evaluate could not read (missing, a folder, a
    FIFO, a device, unreadable, over the cap), at its line; the files are opened, not read."""
    positions = toml_positions(loaded.text)
    found = []
    for i, product in enumerate(loaded.profile.shortlist):
        for j, ref in enumerate(product.evidence):
            if ref.file.startswith(REFSTACK_PREFIX):
                continue  # a published result: fetched when evaluated
            path = loaded.path.parent / Path(os.path.expanduser(ref.file))
            try:
                check_readable(path, Kind.EVIDENCE, label=str(path))
            except InputError as exc:
                where = ("shortlist", i, "evidence", j, "file")
                message = f"shortlist[{i}].evidence[{j}].file: {_evidence_problem(ref.file, exc, what='')}"
                found.append(_at(str(loaded.path), where, message, positions))
    return found


def _order(e: InputError) -> tuple[int, int]:
    return (e.line or 0, e.column or 0)


def _section_problems(path: str | Path, catalogue: Mapping[str, Guideline] | None, offline: bool) -> list[InputError]:
    """When the file as a whole does not validate, its [interop] section may still be checked
    against the catalogue, so that every problem is told at once."""

    from pydantic import ValidationError

    from buyer.model.profile import InteropRequirement

    try:
        text = read_input(Path(path)).decode("utf-8-sig")
        data = load_toml(text, str(path))
        interop = InteropRequirement.model_validate(data.get("interop"))
    except (InputError, UnicodeDecodeError, ValidationError):  # ProfileErrors is an InputError
        return []
    if catalogue is None:
        return []
    stub = Profile.model_construct(name="", interop=interop, scs=None)
    try:
        found = requirement_problems(stub, catalogue)
    except BuyerError:  # the catalogue cannot be read: the file's own problems are told
        return []
    positions = toml_positions(text)
    return [_at(str(path), loc, str(exc), positions) for loc, exc in found]


def check_profile(loaded: LoadedProfile, catalogue: Mapping[str, Guideline] | None, offline: bool = False) -> None:
    """Every problem that keeps the profile from being evaluated, each with FILE:LINE:COL, all at
    once: what the catalogue does not have, what the program cannot carry, a scope version the
    scope file lacks. Raises ProfileErrors; returns quietly when it can be evaluated."""
    found = problem_list(loaded.profile, catalogue, loaded.path.parent, offline)
    if found:
        positions = toml_positions(loaded.text)
        raise ProfileErrors(
            sorted((_at(str(loaded.path), loc, message, positions) for loc, message in found), key=_order)
        )


def problem_list(
    profile: Profile, catalogue: Mapping[str, Guideline] | None, base: Path | None, offline: bool = False
) -> list[tuple[tuple[str | int, ...], str]]:
    """(profile field, message) for everything the catalogue or the scope cannot evaluate."""
    needs_catalogue = catalogue if profile.interop is not None else None
    out = [(loc, str(exc)) for loc, exc in requirement_problems(profile, needs_catalogue)]
    if profile.scs is not None:
        try:
            scope = load_scope(profile.scs.scope, make_fetcher(offline), base).scope
        except InputError as exc:
            out.append((("scs", "scope"), str(exc)))
        else:
            if profile.scs.version != "effective" and profile.scs.version not in scope.versions:
                have = ", ".join(scope.versions)
                out.append(
                    (("scs", "version"), f"{scope.name} has no version '{profile.scs.version}' (it has: {have})")
                )
            elif profile.scs.version == "effective" and profile.scs.on is not None:  # (else: the evaluation date)
                try:
                    scope.resolve("effective", profile.scs.on)
                except BuyerError as exc:
                    out.append((("scs", "on"), str(exc)))
    return out


def _at(
    source: str, loc: tuple[str | int, ...], message: str, positions: Mapping[tuple[object, ...], tuple[int, int]]
) -> InputError:
    for end in range(len(loc), 0, -1):
        found = positions.get(loc[:end])
        if found:
            return InputError(source, message, line=found[0], column=found[1])
    return InputError(source, message, line=1, column=1)


def save_profile(profile: Profile, path: str | Path) -> str:
    """Write a profile atomically: an existing file is replaced whole or not at all."""
    return write_output(path, dump_profile(profile))


# -- evidence ------------------------------------------------------------------------------


@dataclass(frozen=True)
class EvidenceSource:
    """A piece of evidence not read yet: a file (relative to ``base``) or ``refstack:<id>``."""

    product: str
    ref: EvidenceRef
    base: Path | None = None  # the folder relative paths are read from (a profile's, a registry's)
    origin: tuple[str, int, int] | None = None  # (file, line, column) that names it: a response form


def split_evidence_arg(arg: str) -> tuple[str, str]:
    """``PRODUCT=FILE`` -> (PRODUCT, FILE); a bare ``FILE`` is named after the file's stem. A
    file whose own name holds ``=`` (``runs/a=b.json``) is a bare FILE when it is there."""
    product, sep, file = arg.partition("=")
    if sep and product and file and not (os.path.lexists(arg) and not os.path.lexists(file)):
        return product, file
    if arg.startswith(REFSTACK_PREFIX):
        return arg, arg
    stem = Path(arg).stem
    if not stem or (sep and not (product and file)):
        raise UsageError(f"--evidence: give PRODUCT=FILE (the product's name and the file): {token(arg)}")
    return stem, arg


def evidence_args(args: Sequence[str], kind: EvidenceKind) -> list[EvidenceSource]:
    """``--evidence`` options as sources (relative to the working folder)."""
    from pydantic import ValidationError

    out = []
    for product, file in map(split_evidence_arg, args):
        try:
            out.append(EvidenceSource(product, EvidenceRef(file=file, kind=kind)))
        except ValidationError as exc:  # the model's own words: one owner of what a file may be
            reason = str(exc.errors()[0].get("msg", "not a file")).removeprefix("Value error, ")
            raise UsageError(f"--evidence: {token(file)}: {reason}") from None
    return out


def profile_sources(loaded: LoadedProfile | None, profile: Profile) -> list[EvidenceSource]:
    base = loaded.path.parent if loaded else None
    return [EvidenceSource(p.name, ref, base) for p in profile.shortlist for ref in p.evidence]


def registry_sources(profile: Profile, registry: Registry | None) -> list[EvidenceSource]:
    """Evidence the local registry holds for shortlisted products (files a vendor sent)."""
    out: list[EvidenceSource] = []
    if registry is None:
        return out
    for product in profile.shortlist:
        found = registry.find(product.name)
        if found is not None:
            # The model keeps the registry's folder as text; the reader wants a path.
            base = Path(found.evidence_base) if found.evidence_base else None
            out += [EvidenceSource(product.name, ref, base) for ref in found.evidence]
    return out


def refstack_client(offline: bool = False, fetcher: Fetcher | None = None) -> RefStackClient:
    return RefStackClient(settings().refstack_url, fetcher or make_fetcher(offline))


def load_evidence(source: EvidenceSource, offline: bool = False, limit: int | None = None) -> Evidence:
    """Read one piece of evidence, named in reports as it was given (never a folder of this machine).
    A problem with evidence a response form names is told at the form's line and column."""
    if source.origin is None:
        return _load_evidence(source, offline, limit)
    try:
        return _load_evidence(source, offline, limit)
    except InputError as exc:
        file, line, column = source.origin
        raise InputError(file, _evidence_problem(source.ref.file, exc), line=line, column=column) from None


def _evidence_problem(name: str, exc: InputError, what: str = "evidence file ") -> str:
    where = f" (line {exc.line})" if exc.line else (f" (field '{exc.field}')" if exc.field else "")
    return f"{what}{token(name)}: {exc.message}{where}"


def _load_evidence(source: EvidenceSource, offline: bool = False, limit: int | None = None) -> Evidence:
    ref = source.ref
    if ref.file.startswith(REFSTACK_PREFIX):
        result_id = ref.file.removeprefix(REFSTACK_PREFIX).strip()
        problem = refstack_id_problem(result_id)
        if problem:
            raise InputError(token(ref.file), problem)
        return refstack_client(offline).result(result_id)
    path = evidence_path(source)
    # Errors name the path read; the provenance names the file as the profile wrote it.
    evidence = load_evidence_file(path, ref.kind, ref.date, label=str(path), limit=limit)
    return evidence.with_provenance(evidence.provenance.named(shown(ref.file, source.base)))


def evidence_path(source: EvidenceSource) -> Path:
    """The file an evidence source names (not a ``refstack:`` result): a vendor's form's inside its
    folder, links followed (InputError when one leads out); else as written, ``~`` expanded,
    relative to the source's base."""
    ref = source.ref
    if source.origin is not None and source.base is not None:  # a vendor's form: its folder, no '~'
        return inside_form_folder(source.base, ref.file)
    # os.path's expanduser leaves "~nobody/x" as it is (Path's raises); an absolute file ignores the base.
    file = Path(os.path.expanduser(ref.file))
    return file if source.base is None else source.base / file


def request_files(request: EvaluationRequest) -> list[Path]:
    """The local files an evaluation reads: the profile, every evidence file, the response forms.
    A report is never written over one of them."""
    files = [Path(request.profile_source)] if request.profile_source else []
    files += [r.path for r in request.responses]
    return files + source_files(
        [
            *request.evidence,
            *registry_sources(request.profile, request.registry),
            *(s for r in request.responses for s in r.sources),
        ]
    )


def source_files(sources: Sequence[EvidenceSource]) -> list[Path]:
    """The files these evidence sources name (RefStack results aside)."""
    files = []
    for source in sources:
        if source.ref.file.startswith(REFSTACK_PREFIX):
            continue
        try:
            files.append(evidence_path(source))
        except InputError:  # a link out of a form's folder: refused when it is read
            continue
    return files


class EvidenceByProduct(Mapping[str, Sequence[Evidence]]):
    """Each product's evidence, read when scoring asks for it and not kept afterwards: memory
    stays flat however long the shortlist."""

    def __init__(
        self,
        sources: Sequence[EvidenceSource],
        loaded: Mapping[str, Sequence[Evidence]] | None = None,
        offline: bool = False,
        unreadable_ok: bool = False,
    ) -> None:
        self._sources: dict[str, list[EvidenceSource]] = {}
        self._unreadable_ok = unreadable_ok
        for s in sources:
            self._sources.setdefault(s.product, []).append(s)
        self._loaded = {k: list(v) for k, v in (loaded or {}).items()}
        self._offline = offline
        self._names = list(dict.fromkeys([*self._sources, *self._loaded]))
        self._limit = size_limit(Kind.EVIDENCE)  # read once: hundreds of files are read with it

    def __getitem__(self, product: str) -> Sequence[Evidence]:
        if product not in self._sources and product not in self._loaded:
            raise KeyError(product)
        # The same file named twice for a product (the same entry repeated, a form's entry beside
        # the profile's) is read once: 40 names of one 10 MB list took 1 GB. Each use is still
        # listed, and the duplicates policy still sees them.
        same: dict[tuple[object, ...], Evidence] = {}
        read = []
        for s in self._sources.get(product, ()):
            key = (s.ref.file, s.ref.kind, s.ref.date, s.base, s.origin is None)
            if key not in same:
                same[key] = self._load(s)
            read.append(same[key])
        return [*read, *self._loaded.get(product, ())]

    def _load(self, source: EvidenceSource) -> Evidence:
        try:
            return load_evidence(source, self._offline, self._limit)
        except (InputError, SourceError) as exc:
            if not self._unreadable_ok:
                raise
            return unreadable(source, exc)

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def unreadable(source: EvidenceSource, exc: InputError | SourceError) -> Evidence:
    """Evidence that could not be read, kept in the scorecard with why: it never counts (the
    workbench scores the other products; ``buyer evaluate`` refuses the profile instead)."""
    ref = source.ref
    when = dt.datetime.combine(ref.date, dt.time(), tzinfo=dt.UTC) if ref.date else None
    why = exc.message if isinstance(exc, InputError) else exc.reason
    basis = "declared in the profile" if when else ""
    provenance = Provenance(shown(ref.file, source.base), "", ref.kind, EvidenceFormat.UNREADABLE, when, basis)
    return Evidence(provenance, unreadable=why)


# -- evaluating ----------------------------------------------------------------------------


@dataclass
class EvaluationRequest:
    """Everything an evaluation rests on; both faces build one and call ``evaluate``."""

    profile: Profile
    as_of: dt.date
    profile_sha256: str = ""
    profile_source: str = ""  # the profile file as the user named it ("" when built from options)
    base: Path | None = None  # the folder the profile's relative paths (evidence, scope) are read from
    evidence: list[EvidenceSource] = field(default_factory=list)
    loaded: dict[str, list[Evidence]] = field(default_factory=dict)  # already read (live checks)
    registry: Registry | None = None
    offline: bool = False
    responses: list[LoadedResponse] = field(default_factory=list)  # vendors' answers, checked
    # The workbench: a file that cannot be read is one product's problem, not the evaluation's.
    unreadable_ok: bool = False

    def with_product(self, name: str, vendor: str = "") -> EvaluationRequest:
        """The same request with ``name`` on the shortlist (a checked cloud, a responding vendor)."""
        if any(p.name == name for p in self.profile.shortlist):
            return self
        profile = Profile.model_validate({**self.profile.model_dump(), "shortlist": [
            *self.profile.model_dump()["shortlist"], Product(name=name, vendor=vendor).model_dump()
        ]})  # fmt: skip
        return replace(self, profile=profile)

    def with_responses(self, responses: Sequence[LoadedResponse]) -> EvaluationRequest:
        """The same request with vendors' answers: each one's evidence is its product's, and a
        product not on the shortlist is added."""
        request = self
        for r in responses:
            request = request.with_product(r.product, r.response.vendor.company)
        return replace(request, responses=[*self.responses, *responses])


def evaluate(request: EvaluationRequest, catalogue: Mapping[str, Guideline]) -> Scorecard:
    """The scorecard of a request: requirements resolved against ``catalogue``, evidence read
    product by product, claims from the registry attached (never part of a verdict)."""
    profile = request.profile
    requirements = resolve_requirements(profile.interop, catalogue)
    uses = {r.guideline.id: catalogue.use(r.guideline.id) for r in requirements}  # type: ignore[attr-defined]
    inputs: list[InputUse] = []
    if request.profile_sha256:
        shown_as = shown(request.profile_source) if request.profile_source else ""
        inputs.append(InputUse("profile", profile.name, shown_as, request.profile_sha256))
    scopes = {}
    if profile.scs is not None:
        loaded: LoadedScope = load_scope(profile.scs.scope, make_fetcher(request.offline), request.base)
        scopes[profile.scs.scope] = loaded.scope
        uses[loaded.use.id] = loaded.use
    answers = request.responses
    sources = [
        *request.evidence,
        *registry_sources(profile, request.registry),
        *(s for r in answers for s in r.sources),
    ]
    evidence = EvidenceByProduct(sources, request.loaded, request.offline, request.unreadable_ok)
    inputs += [r.input for r in answers]
    claims = {}
    registry = request.registry
    if registry is not None:
        inputs += registry.inputs
        for name in [p.name for p in profile.shortlist] + list(evidence):
            found = registry.find(name)
            if found is not None:
                claims[name] = list(found.claims)
    guideline_uses = list(uses.values())
    for g in guideline_uses:
        kind = "scs-scope" if g.status == "SCS certificate scope" else "guideline"
        inputs.append(InputUse(kind, g.id, g.source, g.sha256, g.retrieved_at, g.commit))
    return score(
        profile,
        catalogue,
        evidence,
        request.as_of,
        guideline_uses,
        request.profile_sha256,
        claims,
        scopes,
        inputs,
        {r.product: r.use for r in answers},
    )


@dataclass(frozen=True)
class RfpInputs:
    """What an RFP is written from: the profile's requirements compiled, the files they rest on."""

    profile: Profile
    plans: list[CompiledRequirement]
    uses: list[GuidelineUse]
    scs: ScsPlan | None = None


def rfp_inputs(
    profile: Profile, catalogue: Mapping[str, Guideline], base: Path | None = None, offline: bool = False
) -> RfpInputs:
    requirements = resolve_requirements(profile.interop, catalogue)
    uses = [catalogue.use(r.guideline.id) for r in requirements]  # type: ignore[attr-defined]
    scs = None
    if profile.scs is not None:
        loaded = load_scope(profile.scs.scope, make_fetcher(offline), base)
        uses.append(loaded.use)
        scs = resolve_scs(profile.scs, {profile.scs.scope: loaded.scope}, today())
    return RfpInputs(profile, [compile_requirement(r) for r in requirements], uses, scs)


def rfp_text(profile: Profile, catalogue: Catalogue, base: Path | None = None, offline: bool = False) -> str:
    """The RFP clauses and vendor response sheet of a profile (Markdown)."""
    from buyer.report.rfp import rfp_markdown

    i = rfp_inputs(profile, catalogue, base, offline)
    return rfp_markdown(profile, i.plans, i.uses, i.scs)


def rfp_package_files(
    profile: Profile, catalogue: Catalogue, base: Path | None = None, offline: bool = False
) -> dict[str, bytes]:
    """Every file of the RFP package of a profile, by its path inside the package."""
    from buyer.report.rfp_package import rfp_package

    i = rfp_inputs(profile, catalogue, base, offline)
    return rfp_package(profile, i.plans, i.uses, i.scs)


def write_rfp_package(files: Mapping[str, bytes], folder: str | Path, force: bool = False) -> str:
    """Write a package atomically; an existing one is replaced only with ``force`` (and only a
    folder that holds a package)."""
    from buyer.report.rfp_package import SUMS

    return write_folder(folder, files, replace=force, marker=SUMS)


def rfp_clause_numbers(
    profile: Profile, catalogue: Mapping[str, Guideline], base: Path | None = None, offline: bool = False
) -> list[str]:
    """The clause numbers of the profile's RFP (M1…, D1…), as its package numbers them."""
    from buyer.report.rfp import clauses

    i = rfp_inputs(profile, catalogue, base, offline)
    mandatory, desirable = clauses(profile, i.plans, i.scs, i.uses)
    return [c.number for c in (*mandatory, *desirable)]


# -- responses -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LoadedResponse:
    """A vendor's response form, read and checked."""

    parsed: ParsedResponse
    path: Path  # as the user named it (a --response file, or a file of a --responses folder)
    sha256: str

    @property
    def response(self) -> Response:
        return self.parsed.response

    @property
    def product(self) -> str:
        return self.parsed.response.vendor.product

    @property
    def shown(self) -> str:
        return shown(str(self.path))

    @property
    def use(self) -> ResponseUse:
        r = self.parsed.response
        answers = tuple(VendorClaim(a.clause, str(a.claim), a.note) for a in r.requirement)
        return ResponseUse(self.shown, self.sha256, r.vendor.company, r.vendor.contact, r.rfp_reference, answers)

    @property
    def input(self) -> InputUse:
        r = self.parsed.response
        detail = f"{len(r.requirement)} answers, {len(r.evidence)} evidence files"
        return InputUse("response", f"{r.vendor.company}: {r.vendor.product}", self.shown, self.sha256, detail=detail)

    @property
    def sources(self) -> list[EvidenceSource]:
        """Its evidence, read relative to the form's folder; problems told at the form's lines."""
        out = []
        for i, e in enumerate(self.parsed.response.evidence):
            line, column = self.parsed.position(("evidence", i, "file"))
            ref = EvidenceRef(file=e.file, kind=e.kind, date=e.date)
            out.append(EvidenceSource(self.product, ref, self.path.parent, (str(self.path), line, column)))
        return out


def skipped_forms(folders: Sequence[str]) -> list[str]:
    """The ``*.toml`` entries of the folders that are not forms to read, each with why: a vendor's
    answer that is not read is said, not dropped without a word."""
    out = []
    for folder in folders:
        path = Path(folder)
        if path.is_dir():
            out += [
                f"{entry}: skipped: {why}" for entry in sorted(path.glob("*.toml")) if (why := _not_a_form(entry, path))
            ]
    return out


def _not_a_form(entry: Path, folder: Path) -> str | None:
    """Why an entry of a responses folder is not read as a form (None: it is one)."""
    try:
        mode = entry.stat().st_mode
    except FileNotFoundError:
        return "a symbolic link to nothing"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "a loop of symbolic links"
        return f"cannot be read: {(exc.strerror or str(exc)).lower()}"
    if stat.S_ISREG(mode):
        # As for the evidence a form names: a link out of the folder would have another vendor's
        # form, or any file of this machine, read as this one.
        if entry.is_symlink() and not entry.resolve().is_relative_to(folder.resolve()):
            return "a symbolic link that leads outside the folder; put the form itself there"
        return None
    if stat.S_ISDIR(mode):
        return "a folder, not a file"
    return "a FIFO, not a file" if stat.S_ISFIFO(mode) else "not a regular file"


def response_paths(files: Sequence[str], folders: Sequence[str]) -> list[Path]:
    """--response FILE (as given) and every *.toml of each --responses DIR (sorted by name)."""
    out = [Path(f) for f in files]
    for folder in folders:
        path = Path(folder)
        if not path.is_dir():
            raise InputError(folder, "no such folder" if not path.exists() else "is not a folder")
        found = sorted(p for p in path.glob("*.toml") if _not_a_form(p, path) is None)
        if not found:
            raise InputError(folder, "holds no response forms (*.toml)")
        out += found
    return list(dict.fromkeys(out))


def read_responses(
    paths: Sequence[Path],
    clauses: Collection[str] | None = None,
    rfp_reference: str | None = None,
    shortlist: Collection[str] = (),
    parse_evidence: bool = False,
) -> list[LoadedResponse]:
    """Read and check response forms; every problem of every form at once (ProfileErrors, each
    FILE:LINE:COL). ``clauses``/``rfp_reference``: the RFP they answer (None: not checked).
    ``parse_evidence``: read each evidence file as evidence (else: only that it can be read)."""
    errors: list[InputError] = []
    loaded: list[LoadedResponse] = []
    answered: dict[str, Path] = {}
    for path in paths:
        label = str(path)
        try:
            data = read_input(path, label=label)
            text = decode_utf8(data, label)
        except InputError as exc:
            errors.append(exc)
            continue
        # What is valid of a broken form is still checked: every problem at once.
        checked = check_response(text, label, clauses, rfp_reference, shortlist)
        parsed, parts, found = checked.parsed, checked.parts, checked.errors
        if parts is not None:
            if parts.product is not None:
                if parts.product in answered:
                    twice = f"{answered[parts.product]} answers for the same product"
                    found += located(label, text, [(("vendor", "product"), twice)])
                answered.setdefault(parts.product, path)
            found += _evidence_errors(label, text, parts, path.parent, parse_evidence)
        errors += found
        if parsed is not None and not found:
            loaded.append(LoadedResponse(parsed, path, sha256_hex(data)))
    raise_all(errors)
    return loaded


def inside_form_folder(folder: Path, file: str) -> Path:
    """The evidence file a vendor's form names, read from the form's folder or below it, links
    followed: a symbolic link that leads elsewhere would have buyer read (and put the SHA-256 of)
    any file of this machine, or a file another vendor sent."""
    path = folder / file
    try:
        leads_to = path.resolve()
        root = folder.resolve()
    except (OSError, RuntimeError):  # a loop of links
        raise InputError(file, "is a loop of symbolic links") from None
    if not leads_to.is_relative_to(root):
        raise InputError(file, "leads outside the form's folder (a symbolic link); put the file itself there")
    return path


def _evidence_errors(label: str, text: str, parts: Parts, folder: Path, parse: bool) -> list[InputError]:
    found = []
    for i, e in parts.evidence:
        if e.file.startswith(REFSTACK_PREFIX):
            continue  # a published result: fetched when evaluated
        try:
            path = inside_form_folder(folder, e.file)
            if parse:
                load_evidence_file(path, e.kind, e.date, label=e.file)
            else:
                read_file(path, Kind.EVIDENCE, label=e.file)
        except InputError as exc:
            found.append((("evidence", i, "file"), _evidence_problem(e.file, exc, what="")))
    return located(label, text, found)


def load_registry_for(offline: bool = False, local: Path | None = None) -> Registry:
    return load_registry(make_fetcher(offline), local)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()
