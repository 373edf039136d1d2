"""Every error buyer reports to a user, in one family. A leaf module: every layer may import it.

    BuyerError            one line a user can act on; exit 2 on the command line
    ├── InputError        a file the user gave: file:line:column, field (ProfileErrors: several)
    ├── SourceError       a source could not be read: source, url, reason
    │   └── NotCached     offline, and never synced: not a failure of the source
    ├── ConfigError       settings (BUYER_*), the keymap, the guideline source, fonts
    ├── UsageError        an option or combination argparse cannot judge: names the option
    ├── OutputError       a report, profile or package could not be written
    ├── LiveError         a live check could not run
    ├── CatalogueError    a guideline, program, add-on or capability the catalogue lacks
    └── RequirementError  requirements that cannot be evaluated as stated

The faces catch ``BuyerError`` and nothing else: anything else is a bug and looks like one.
Messages never quote content from a file or a server beyond a short token (``_text.token``).
"""

from __future__ import annotations

from buyer._text import printable


class BuyerError(Exception):
    """Base of every error buyer reports to a user (exit code 2 on the command line)."""

    def lines(self) -> list[str]:
        """Every problem, one line each (most errors have one)."""
        return [str(self)]


class InputError(BuyerError):
    """A file a user gave is broken: names the file and, where known, the field or position."""

    def __init__(
        self,
        source: str,
        message: str,
        *,
        field: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        self.source = source
        self.message = message
        self.field = field
        self.line = line
        self.column = column
        super().__init__(str(self))

    def __str__(self) -> str:
        where = printable(self.source)
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.field:
            return f"{where}: field '{printable(self.field)}': {self.message}"
        return f"{where}: {self.message}"


class ProfileErrors(InputError):
    """All the problems of one file; ``str()`` gives the first, ``lines()`` every one."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
        super().__init__(first.source, first.message + more, line=first.line, column=first.column, field=first.field)

    def lines(self) -> list[str]:
        return [str(e) for e in self.errors]


class SourceError(BuyerError):
    """A source could not be read: names the source, the URL and the reason."""

    def __init__(self, source: str, url: str, reason: str) -> None:
        self.source, self.url, self.reason = source, url, reason
        super().__init__(f"{source}: {reason} ({printable(url)})")


class NotCached(SourceError):
    """Offline, and the document was never synced: not a failure of the source."""


class ConfigError(BuyerError):
    """A setting, the keymap, the guideline source or a font that cannot be used."""


class UsageError(BuyerError):
    """Bad usage the argument parser cannot see: an option's value or a combination."""


class OutputError(BuyerError):
    """A file buyer was asked to write could not be written; nothing was replaced."""

    def __init__(self, path: str, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(f"{printable(path)}: not written: {reason}")


class LiveError(BuyerError):
    """A live check could not run: bad credentials, an unreachable cloud, a missing tool."""


class CatalogueError(BuyerError):
    """A guideline, program, add-on or capability that the catalogue does not have."""


class RequirementError(BuyerError):
    """Requirements that cannot be met by any product as stated (e.g. an add-on the program lacks)."""
