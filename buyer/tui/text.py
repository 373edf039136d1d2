"""Outside text on the workbench's widgets: never markup, never a control character.

Textual reads a plain ``str`` given to a Static, a Label, a Select option or a DataTable cell
as markup: a product named ``[/]`` would stop the app, ``[@click=app.quit]`` would make a link.
What comes from a file, a server or a user goes through ``printable`` (control characters shown
escaped, as the CLI shows them) and is wrapped as text that is never parsed; our own styling is
put around it with ``styled``/``joined``.
"""

from __future__ import annotations

from rich.text import Text
from textual.content import Content

from buyer._text import printable


def plain(text: object, *, multiline: bool = False) -> Content:
    """Text for a Static, a Label or an option: shown as it is, escaped."""
    return Content(printable(str(text), multiline=multiline))


def styled(text: object, style: str) -> Content:
    return Content.styled(printable(str(text)), style)


def joined(*parts: Content | str) -> Content:
    """Our own words (``str``, plain) and outside text (``plain``/``styled``) in one line."""
    return Content.assemble(*parts)


def lines(*rows: Content | str) -> Content:
    return Content("\n").join(Content(r) if isinstance(r, str) else r for r in rows)


def cell(text: object, style: str = "", *, multiline: bool = False) -> Text:
    """A DataTable cell or column label (DataTable renders a ``str`` as markup)."""
    return Text(printable(str(text), multiline=multiline), style=style, end="")
