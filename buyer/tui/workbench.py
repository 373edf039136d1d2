"""What the screens share: the profile being built and the file it came from, evidence from live
checks, the latest scorecard. It holds no rule: every change is validated by the profile model
(the loader's words when it is refused), and evaluating calls the same function as the CLI.

State is derived, never flagged by hand:

- ``modified``: the profile's bytes differ from what was loaded or last saved;
- ``revision``: moves with every change, in the one ``update()``;
- ``current_scorecard``: the last scorecard if it was made for this revision and profile hash,
  else None (nobody clears it).

Nothing here touches a widget. The catalogue, the registry, evidence, response forms and
evaluations may be read in worker threads (their loaders take a lock); changes happen on the app's
thread. Importing this module builds no pydantic model: the profile's model loads with the first
profile (``read`` in a worker at start, or the first use of ``profile``).
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from buyer._hashing import sha256_hex
from buyer._text import printable
from buyer.errors import BuyerError, InputError, UsageError
from buyer.model.evidence import Evidence

if TYPE_CHECKING:
    from buyer.actions import EvaluationRequest, EvidenceSource, LoadedProfile, LoadedResponse
    from buyer.model.profile import EvidenceRef, InteropRequirement, Product, Profile
    from buyer.model.scorecard import Scorecard
    from buyer.sources.catalogue import Catalogue
    from buyer.sources.registry import Registry

Live = Mapping[str, tuple[Evidence, ...]]
BLANK_NAME = "New requirements"


def blank_profile(guideline: str = "2020.06") -> Profile:
    from buyer.model.profile import InteropRequirement, Profile

    return Profile(name=BLANK_NAME, interop=InteropRequirement(guideline=guideline))


def profile_bytes(profile: Profile, keep: str = "") -> bytes:
    """What a save writes, and what a report's profile hash refers to for an unsaved profile;
    ``keep``: the file's text, whose comments and layout stay where nothing changed."""
    from buyer.formats.toml_models import dump_profile

    return dump_profile(profile, keep).encode("utf-8")


def validate_model(data: Any, label: str, model: Any) -> Any:
    from buyer.formats.toml_models import validate_model

    return validate_model(data, label, model)


class FileChanged(BuyerError):
    """A save would replace a file whose bytes are not what this profile was loaded from or last
    saved to: someone changed it (``other`` False), or it is another file altogether (``other``
    True). Nothing was written; ``sha256`` is what is on disk now, to overwrite only that."""

    def __init__(self, path: Path, sha256: str, other: bool) -> None:
        self.path, self.sha256, self.other = path, sha256, other
        why = "is another file, already there" if other else "changed on disk since it was loaded or saved"
        super().__init__(f"{printable(str(path))}: {why}; not saved")


def disk_sha256(path: Path) -> str | None:
    """The SHA-256 of the bytes on disk now (None: no file there). The bytes, not the time they
    were written: an edit within the same second, or one that keeps the size, is still seen."""
    from buyer.sources.files import read_input

    try:
        return sha256_hex(read_input(path))
    except InputError:
        if not os.path.exists(path):  # gone (also between the look and the read)
            return None
        raise


def same_file(a: Path | None, b: Path | None) -> bool:
    return a is not None and b is not None and os.path.realpath(a) == os.path.realpath(b)


@dataclass(frozen=True)
class Evaluation:
    """An evaluation asked for: the request (a snapshot of the profile) and what it was made of."""

    request: EvaluationRequest
    revision: int
    sha256: str
    responses: tuple[LoadedResponse, ...] = ()


@dataclass(frozen=True)
class Evaluated:
    revision: int
    sha256: str
    scorecard: Scorecard


@dataclass(frozen=True)
class Undo:
    """A state before a removal, to go back to."""

    what: str
    profile: Profile
    live: Live


@dataclass
class Workbench:
    source: str | None = None
    as_of: dt.date | None = None  # the evaluation date; None: today (UTC)
    path: Path | None = None
    file_sha256: str = ""  # the file as it is on disk (loaded or saved)
    live: dict[str, tuple[Evidence, ...]] = field(default_factory=dict)  # from live checks
    responses: tuple[LoadedResponse, ...] = ()  # vendors' response forms, read and checked
    responses_from: Path | None = None  # the folder they were read from
    revision: int = 0
    listeners: list[Callable[[], None]] = field(default_factory=list)  # told after every change
    _profile: Profile | None = None  # None until read or first used
    _text: str = ""  # the file's text as read or last saved: a save keeps its comments and layout
    _saved_profile: Profile | None = None
    _bytes: tuple[int, bytes] = (-1, b"")
    _evaluated: Evaluated | None = None
    _undo: list[Undo] = field(default_factory=list)
    _catalogue: Catalogue | None = None
    _registry: Registry | None = None
    _catalogue_lock: threading.Lock = field(default_factory=threading.Lock)
    _registry_lock: threading.Lock = field(default_factory=threading.Lock)

    # -- the profile -----------------------------------------------------------------------

    @property
    def profile(self) -> Profile:
        """The profile being built; a blank one from the first use when none was read."""
        if self._profile is None:
            self._profile = blank_profile()
            self._baseline(self._profile)
        return self._profile

    @property
    def opened(self) -> bool:
        """A profile is there (read, or made on first use): the form can show it."""
        return self._profile is not None

    @staticmethod
    def read(path: Path | None) -> LoadedProfile | Profile:
        """A profile file read and checked by its own rules, or a blank profile (None); safe in a
        worker: nothing here changes until ``take``."""
        if path is None:
            return blank_profile()
        from buyer.actions import load_profile

        return load_profile(path)

    def take(self, read: LoadedProfile | Profile) -> None:
        """Make a profile from ``read`` the one being built (the app's thread)."""
        from buyer.model.profile import Profile

        if isinstance(read, Profile):
            self.path, self.file_sha256, profile = None, "", read
            self._text = ""
        else:
            self.path, self.file_sha256, profile = read.path, read.sha256, read.profile
            self._text = read.text
        self._profile = profile
        self._baseline(profile)
        self._undo.clear()
        self.update(profile, live={})

    # -- derived state --------------------------------------------------------------------

    @property
    def current_bytes(self) -> bytes:
        """The profile as a save would write it (worked out once per revision)."""
        if self._bytes[0] != self.revision:
            self._bytes = (self.revision, profile_bytes(self.profile, self._text))
        return self._bytes[1]

    @property
    def modified(self) -> bool:
        # The profile against the one loaded or saved: the same answer as comparing what a save
        # would write, without writing it out on every keystroke (a save keeping a long file's
        # comments takes a tenth of a second).
        return self._profile is not None and self._profile != self._saved_profile

    @property
    def profile_sha256(self) -> str:
        """The hash a report quotes: the file on disk while it holds this profile, else the bytes a
        save will write (so saving after an export gives the file the report names)."""
        if self.file_sha256 and not self.modified:
            return self.file_sha256
        return sha256_hex(self.current_bytes)

    @property
    def current_scorecard(self) -> Scorecard | None:
        done = self._evaluated
        if done is None or done.revision != self.revision or done.sha256 != self.profile_sha256:
            return None
        return done.scorecard

    @property
    def base_dir(self) -> Path:
        """The folder the profile's relative paths are read from."""
        return self.path.parent if self.path else Path.cwd()

    @property
    def interop(self) -> InteropRequirement | None:
        return self.profile.interop

    @property
    def can_undo(self) -> str:
        """What ctrl+z would bring back ("" when nothing)."""
        return self._undo[-1].what if self._undo else ""

    # -- the one way the profile changes ---------------------------------------------------

    def update(
        self,
        profile: Profile | None = None,
        *,
        live: Live | None = None,
        responses: tuple[tuple[LoadedResponse, ...], Path | None] | None = None,
        **changes: Any,
    ) -> None:
        """Change the profile (a whole new one, or fields of it), the live evidence and the
        responses read (with their folder). Changes are validated as the loader validates a file; a
        refused change raises ProfileErrors with the loader's words and leaves everything as it was."""
        new = profile or self.profile
        if changes:
            from buyer.model.profile import Profile

            new = validate_model({**new.model_dump(), **changes}, "", Profile)
        self._profile = new
        if live is not None:
            self.live = {k: tuple(v) for k, v in live.items()}
        if responses is not None:
            self.responses, self.responses_from = responses
        self.revision += 1
        self._tell()

    def update_interop(self, **changes: Any) -> None:
        # An SCS-only profile gains an interop section when the form is first edited.
        base = self.profile.interop.model_dump() if self.profile.interop else {}
        self.update(interop={**base, **changes})

    def _tell(self) -> None:
        for listener in list(self.listeners):
            listener()

    def _baseline(self, profile: Profile) -> None:
        """What ``modified`` compares with: the profile as loaded or last saved."""
        self._saved_profile = profile

    def start_at(self, guideline: str) -> None:
        """A new profile whose guideline nobody chose starts at the newest one (a name typed
        before the catalogue was read stays, and stays an edit)."""
        from buyer.model.profile import InteropRequirement

        interop, saved = self.profile.interop, self._saved_profile
        if self.path is not None or saved is None or interop is None or interop != saved.interop:
            return
        if interop.guideline != guideline:
            newest = InteropRequirement(guideline=guideline)
            self._baseline(saved.model_copy(update={"interop": newest}))
            self.update(self.profile.model_copy(update={"interop": newest}))

    # -- files ----------------------------------------------------------------------------

    def load(self, path: Path) -> None:
        """Read a profile file (its own rules; what the catalogue lacks is told by ``problems``)."""
        self.take(self.read(path))

    def changed_on_disk(self) -> str | None:
        """What is on the profile's file now when it is not what was loaded or last saved: its
        SHA-256, or "" when the file is gone (None: it is still the file's, or there is no file)."""
        if self.path is None or not self.file_sha256:
            return None
        now = disk_sha256(self.path)
        if now == self.file_sha256:
            return None
        return now or ""

    def save(self, path: Path | None = None, *, over: str = "") -> Path:
        """Write the profile atomically; afterwards it is the file's content (not modified).

        A file there whose bytes are not the ones loaded or last saved (a colleague's edit, or
        another file) is not replaced unless ``over`` is its SHA-256 (the user saw it and said
        so): FileChanged instead. A file that is gone is written again."""
        from buyer._atomic import write_output

        target = path or self.path
        if target is None:
            raise UsageError("give the profile file's path first")
        ours = same_file(target, self.path) and bool(self.file_sha256)
        now = disk_sha256(target)  # as late as can be: just before the write
        if now is not None and now != over and not (ours and now == self.file_sha256):
            raise FileChanged(target, now, other=not ours)
        if target.parent.resolve() != self.base_dir.resolve():
            self._rebase(target.parent)
        data = self.current_bytes  # written as it is: the hash recorded below is of these bytes
        write_output(target, data)
        self._text = data.decode("utf-8")
        self.path, self.file_sha256 = target, sha256_hex(data)
        self._baseline(self.profile)
        self._tell()
        return target

    def revert(self) -> None:
        """Discard the edits: back to the profile as loaded or last saved."""
        if self._saved_profile is not None and self.modified:
            self.update(self._saved_profile)

    def _rebase(self, folder: Path) -> None:
        """Evidence named relative to the old folder, renamed for the new one (a save elsewhere)."""
        old, new = self.base_dir.resolve(), folder.resolve()
        moved = False
        shortlist = []
        for p in self.profile.shortlist:
            refs = []
            for ref in p.evidence:
                if not ref.file.startswith("refstack:") and not Path(ref.file).is_absolute():
                    ref = ref.model_copy(update={"file": _relative((old / ref.file).resolve(), new)})
                    moved = True
                refs.append(ref)
            shortlist.append(p.model_copy(update={"evidence": refs}))
        if moved:
            self.update(shortlist=shortlist)

    # -- products and evidence --------------------------------------------------------------

    def product(self, name: str) -> Product | None:
        return next((p for p in self.profile.shortlist if p.name == name), None)

    def add_product(self, name: str, vendor: str = "") -> None:
        """A doubled name is refused by the model, in the words ``buyer profile check`` uses."""
        self.update(shortlist=[*self.profile.shortlist, {"name": name, "vendor": vendor}])

    def set_vendor(self, name: str, vendor: str) -> None:
        self._change_product(name, vendor=vendor)

    def remove_product(self, name: str) -> None:
        self._undo.append(Undo(f"product {name}", self.profile, dict(self.live)))
        live = {k: v for k, v in self.live.items() if k != name}
        self.update(shortlist=[p for p in self.profile.shortlist if p.name != name], live=live)

    def evidence_ref(self, file: str, kind: str, date: str = "") -> EvidenceRef:
        """An evidence entry as the user typed it, checked by the model (a date that is not one is
        told in the loader's words). A relative path is taken from the working folder."""
        name = file.strip()
        if name and not name.startswith("refstack:"):
            name = _relative(Path(name).expanduser().resolve(), self.base_dir.resolve())
        data = {"file": name, "kind": kind, **({"date": date.strip()} if date.strip() else {})}
        from buyer.model.profile import EvidenceRef

        return validate_model(data, "", EvidenceRef)

    def source_for(self, product: str, ref: EvidenceRef) -> EvidenceSource:
        from buyer.actions import EvidenceSource

        return EvidenceSource(product, ref, self.base_dir)

    def attach_evidence(self, product: str, ref: EvidenceRef) -> None:
        found = self._product(product)
        self._change_product(product, evidence=[*found.evidence, ref])

    def remove_evidence(self, product: str, index: int) -> None:
        found = self._product(product)
        self._undo.append(Undo(f"evidence {found.evidence[index].file}", self.profile, dict(self.live)))
        self._change_product(product, evidence=[r for i, r in enumerate(found.evidence) if i != index])

    def change_evidence(self, product: str, index: int, kind: str, date: str) -> None:
        found = self._product(product)
        old = found.evidence[index]
        data = {"file": old.file, "kind": kind, **({"date": date.strip()} if date.strip() else {})}
        from buyer.model.profile import EvidenceRef

        ref = validate_model(data, "", EvidenceRef)
        self._change_product(product, evidence=[ref if i == index else r for i, r in enumerate(found.evidence)])

    def add_live_evidence(self, product: str, evidence: Evidence) -> None:
        shortlist: list[Any] = list(self.profile.shortlist)
        if self.product(product) is None:
            shortlist.append({"name": product})
        live = {**self.live, product: (*self.live.get(product, ()), evidence)}
        self.update(shortlist=shortlist, live=live)

    def undo(self) -> str:
        """Bring back what the last removal took; returns what it was ("" when nothing)."""
        if not self._undo:
            return ""
        last = self._undo.pop()
        self.update(last.profile, live=last.live)
        return last.what

    def _product(self, name: str) -> Product:
        found = self.product(name)
        if found is None:
            raise UsageError(f"{name} is not on the shortlist")
        return found

    def _change_product(self, name: str, **changes: Any) -> None:
        self.update(shortlist=[{**p.model_dump(), **changes} if p.name == name else p for p in self.profile.shortlist])

    # -- sources (may run in workers) -------------------------------------------------------

    def catalogue(self) -> Catalogue:
        with self._catalogue_lock:
            if self._catalogue is None:
                from buyer.actions import open_guidelines

                self._catalogue = open_guidelines(self.source)
            return self._catalogue

    @property
    def opened_catalogue(self) -> Catalogue | None:
        """The catalogue if a worker opened it already (the app's thread never waits for it)."""
        return self._catalogue

    def registry(self) -> Registry:
        with self._registry_lock:
            if self._registry is None:
                from buyer.actions import load_registry_for

                self._registry = load_registry_for(offline=True)
            return self._registry

    @property
    def loaded_registry(self) -> Registry | None:
        return self._registry

    def problems(self) -> list[str]:
        """What the profile names that the catalogue (or its SCS scope) cannot evaluate, one line
        each with the field: the form shows what the file says, and this says why it will not do."""
        from buyer.actions import problem_list

        found = problem_list(self.profile, self.catalogue(), self.base_dir)
        return [f"{_dotted(loc)}: {message}" for loc, message in found]

    # -- vendors' responses (read in a worker, taken on the app's thread) -------------------

    def read_responses(self, folder: Path, profile: Profile) -> tuple[LoadedResponse, ...]:
        """Every response form (*.toml) in ``folder``, checked against the RFP of ``profile`` (a
        snapshot taken on the app's thread): its clause numbers, its reference, its shortlist.
        Every problem of every form at once (ProfileErrors, each FILE:LINE:COL); nothing is kept
        here until ``take_responses``."""
        from buyer import actions

        cat = self.catalogue()
        paths = actions.response_paths([], [str(folder)])
        clauses = actions.rfp_clause_numbers(profile, cat, self.base_dir)
        shortlist = [p.name for p in profile.shortlist]
        return tuple(actions.read_responses(paths, clauses, profile.rfp_reference, shortlist))

    def take_responses(self, responses: tuple[LoadedResponse, ...], folder: Path | None) -> None:
        """Evaluate with these responses from now on (none: without any)."""
        self.update(responses=(tuple(responses), folder))

    def rfp_package(self, profile: Profile) -> dict[str, bytes]:
        """Every file of the RFP package of ``profile`` (a snapshot; in a worker)."""
        from buyer.actions import rfp_package_files

        return rfp_package_files(profile, self.catalogue(), self.base_dir)

    # -- evaluation -----------------------------------------------------------------------

    def evaluation(self) -> Evaluation:
        """A snapshot to evaluate (in a worker); the profile is immutable, so it cannot drift."""
        from buyer.actions import EvaluationRequest, today

        sources = [self.source_for(p.name, ref) for p in self.profile.shortlist for ref in p.evidence]
        request = EvaluationRequest(
            self.profile,
            self.as_of or today(),
            self.profile_sha256,
            str(self.path or ""),
            self.base_dir,
            sources,
            {k: list(v) for k, v in self.live.items()},
            unreadable_ok=True,  # one product's broken file leaves the others scored (export refuses it)
        )
        if self.responses:  # each one's evidence is its product's; a product not listed is added
            request = request.with_responses(self.responses)
        return Evaluation(request, self.revision, self.profile_sha256, self.responses)

    def run(self, evaluation: Evaluation) -> Evaluated:
        """Score a snapshot (safe in a worker: it reads sources, changes nothing here)."""
        from buyer.actions import evaluate

        request = replace(evaluation.request, registry=self.registry())
        return Evaluated(evaluation.revision, evaluation.sha256, evaluate(request, self.catalogue()))

    def keep(self, done: Evaluated) -> Scorecard | None:
        """Remember a finished evaluation (not over a later one); returns it if it is current."""
        if self._evaluated is None or done.revision >= self._evaluated.revision:
            self._evaluated = done
        return self.current_scorecard

    @property
    def last_scorecard(self) -> Scorecard | None:
        """The latest scorecard, current or not (``current_scorecard`` says whether it is)."""
        return self._evaluated.scorecard if self._evaluated is not None else None

    def evaluate(self) -> Scorecard:
        """Evaluate now, on this thread (tests; the screens use a worker)."""
        done = self.run(self.evaluation())
        self.keep(done)
        return done.scorecard


def _relative(path: Path, base: Path) -> str:
    """A path relative to the profile's folder: inside it, or with '..' when the two share a
    folder below the root (the profile and its evidence then move, and are sent, together);
    absolute only when they share nothing but the root (or a drive differs)."""
    try:
        return str(path.relative_to(base))
    except ValueError:
        pass
    try:
        shared = Path(os.path.commonpath([path, base]))
    except ValueError:  # another drive
        return str(path)
    if shared == Path(shared.anchor):
        return str(path)
    return os.path.relpath(path, base)


def _dotted(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
