"""The exceptions buyer raises. Every message is one line a user can act on."""

from __future__ import annotations


class BuyerError(Exception):
    """Base of every error buyer reports to a user (exit code 2 on the command line)."""


class InputError(BuyerError):
    """A file a user gave us is broken: names the file and, where known, the field or position."""

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
        where = self.source
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.field:
            return f"{where}: field '{self.field}': {self.message}"
        return f"{where}: {self.message}"


class CatalogueError(BuyerError):
    """A guideline, program or capability that the catalogue does not have."""


class RequirementError(BuyerError):
    """Requirements that cannot be met by any product as stated (e.g. an add-on the program lacks)."""
