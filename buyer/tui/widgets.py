"""Widgets of the workbench: a footer that fits the terminal, a selection list that marks what is
selected with a glyph, not colour alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.keys import REPLACED_KEYS, key_to_character
from textual.strip import Strip
from textual.widgets import Footer, SelectionList
from textual.widgets._footer import FooterKey
from textual.widgets.option_list import OptionDoesNotExist

# F1 stays whatever the width (it lists every key the footer leaves out); after it the screen's
# own keys (in the order the screen declares them), then these.
HELP = "help"
APP_RANK = ("quit", "requirements.save", "go.requirements", "go.vendors", "go.scorecard", "go.live", "go.export")


_Key = tuple[Binding, bool, str]  # a binding, whether it is enabled, its tooltip

# A key is made with the class its (always compact) style sets on mount: set then, it would
# restyle the key once more, for every key, each time the footer is rebuilt (measured: a
# tenth of the first screen's start).
_COMPACT = "-compact"


class FittingFooter(Footer):
    """Textual's footer, compact, that leaves out the keys that matter least when the terminal is
    too narrow for all of them, instead of cutting one in half. F1 (help) is kept first, and
    shown last: it lists every key left out. Then the screen's own keys, then quit, save and the
    screens (not the one shown); every key stays in the help panel (F1) and the palette (ctrl+p)."""

    def __init__(self, *, own: Sequence[str] = (), here: str = "") -> None:
        super().__init__(compact=True)
        self.own = tuple(own)  # binding ids, most needed first (the app's keys may be among them)
        self.here = here  # the binding that would switch to the shown screen
        self._composed: tuple[Any, ...] | None = None  # what the keys shown were made from

    def compose(self) -> ComposeResult:
        keys, palette = self._keys()
        self._composed = self._signature(keys, palette)
        for binding, enabled, tooltip in keys:
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                classes=_COMPACT,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if palette:
            binding, enabled, tooltip = palette
            yield FooterKey(
                binding.key,
                self.app.get_key_display(binding),
                binding.description,
                binding.action,
                classes=f"-command-palette {_COMPACT}",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )

    async def recompose(self) -> None:
        # Asked on every change of focus or bindings and every resize (a dozen times while the
        # first screen starts); rebuilt only when what it shows changes.
        if self.is_attached and self._signature(*self._keys()) != self._composed:
            await super().recompose()

    def _keys(self) -> tuple[list[_Key], _Key | None]:
        """The keys that fit, most needed first (F1 last), and the palette's key (shown last)."""
        if not self._bindings_ready:
            return [], None
        shown: dict[str, _Key] = {}
        for _, binding, enabled, tooltip in self.screen.active_bindings.values():
            if binding.show and binding.action not in shown and binding.id != self.here and not self._typed(binding):
                shown[binding.action] = (binding, enabled, tooltip)
        palette = self._palette()
        room = (self.size.width or self.app.size.width) - (self._width(palette[0]) + 2 if palette else 0)
        keep = self._fit(list(shown.values()), room)
        kept = [item for item in shown.values() if item[0] in keep]
        return sorted(kept, key=lambda item: (item[0].id == HELP, self._rank(item[0]))), palette

    def _typed(self, binding: Binding) -> bool:
        """Whether the focused field types this key as text, so it never reaches the binding.
        Textual leaves such keys out itself, except those it names by a friendlier word than the
        character's Unicode name ("slash", "at", "minus", …): those it cannot turn back into
        the character, and it would offer `/ Filter` in a field that types the slash."""
        focused = self.screen.focused
        character = key_to_character(REPLACED_KEYS.get(binding.key, binding.key))
        return focused is not None and character is not None and focused.check_consume_key(binding.key, character)

    def _signature(self, keys: list[_Key], palette: _Key | None) -> tuple[Any, ...]:
        return tuple(
            (b.key, self.app.get_key_display(b), b.description, b.action, enabled, tooltip)
            for b, enabled, tooltip in [*keys, *([palette] if palette else [])]
        )

    def _palette(self) -> _Key | None:
        if not (self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE):
            return None
        found = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        return (found[1], found[2], found[3]) if found else None

    def _width(self, binding: Binding) -> int:
        """Cells a compact key takes: key, space, description, and the gap after it."""
        return len(self.app.get_key_display(binding)) + 1 + len(binding.description) + 1

    def _rank(self, binding: Binding) -> tuple[int, int]:
        bid = binding.id or ""
        if bid == HELP:
            return (-1, 0)
        order = [*self.own, *(b for b in APP_RANK if b not in self.own)]
        return (0, order.index(bid)) if bid in order else (1, 0)

    def _fit(self, items: list[_Key], room: int) -> set[Binding]:
        ranked = sorted((b for b, _, _ in items), key=self._rank)
        keep: set[Binding] = set()
        used = 0
        for binding in ranked:  # the first that does not fit ends the list: none below it shows
            used += self._width(binding)
            if used > room:
                break
            keep.add(binding)
        return keep

    def on_resize(self, _: events.Resize) -> None:
        if self._bindings_ready:
            self.call_after_refresh(self.recompose)


class MarkedSelectionList(SelectionList[str]):
    """Textual's selection list draws the same "X" in every box and tells selected from not by
    colour alone: lost on a monochrome terminal, to colour-blind eyes and in a screen reader's
    text. Here an unselected box is empty: ``▐X▌`` selected, ``▐ ▌`` not."""

    def render_line(self, y: int) -> Strip:
        line = super().render_line(y)
        try:
            option = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return line
        if option.value in self.selected:
            return line
        segments = list(line)
        if len(segments) < 3 or segments[1].text != "X":  # not the box textual draws (a future layout)
            return line
        segments[1] = segments[1]._replace(text=" ")
        return Strip(segments, line.cell_length)
