"""Every key and palette command of the workbench, by screen, in one light module.

The app builds its command palette, checks a keymap from tui.toml and starts its first screen
from these tables alone; a screen's module (and what it imports) loads when the screen is first
shown. Each screen takes its ``BINDINGS`` from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Mode:
    """A screen of the workbench: its title, what it is for, its keys, and its commands without a
    key (title, help, action)."""

    title: str
    help: str
    bindings: tuple[Binding, ...]
    commands: tuple[tuple[str, str, str], ...] = ()


APP = (
    Binding("f1", "toggle_help", "Help", id="help"),
    Binding("f2", "switch_mode('requirements')", "Requirements", id="go.requirements"),
    Binding("f3", "switch_mode('vendors')", "Vendors", id="go.vendors"),
    Binding("f4", "switch_mode('scorecard')", "Scorecard", id="go.scorecard"),
    Binding("f5", "switch_mode('live')", "Live", id="go.live"),
    Binding("f6", "switch_mode('export')", "Export", id="go.export"),
    Binding("ctrl+e", "switch_mode('export')", "Export", show=False, id="export"),
    Binding("ctrl+q", "quit", "Quit", id="quit"),
    # On every screen (an edit on Vendors is saved where it is made); the id is the one keymaps
    # have named since the key was the Requirements form's alone.
    Binding("ctrl+s", "save", "Save", tooltip="Save the profile to its file", id="requirements.save"),
)

REQUIREMENTS = (
    Binding("ctrl+o", "load", "Load", tooltip="Load the profile file named in the form", id="requirements.load"),
)
REQUIREMENTS_COMMANDS = (("Save the profile to its file", "Save the profile to the file the form names", "save"),)

VENDORS = (
    Binding("n", "new_product", "New", tooltip="Add a product listed nowhere", id="vendors.new-product"),
    Binding("e", "add_evidence", "Evidence", tooltip="Add evidence to the selected product", id="vendors.add-evidence"),
    Binding("a", "add_selected", "Add", tooltip="Shortlist the registry's selected row", id="vendors.add"),
    Binding(
        "r",
        "load_responses",
        "Responses",
        tooltip="Load vendors' response forms from a folder",
        id="vendors.load-responses",
    ),
    Binding("v", "check", "Check", tooltip="Check the evidence: evaluate and show its warnings", id="vendors.check"),
    Binding("delete", "remove", "Remove", tooltip="Remove the selected product (undo: ctrl+z)", id="vendors.remove"),
    Binding("ctrl+z", "undo", "Undo", tooltip="Undo the last removal", id="vendors.undo"),
    Binding("x", "remove_evidence", "Remove ev.", tooltip="Remove the selected evidence", id="vendors.remove-evidence"),
    Binding(
        "c",
        "change_evidence",
        "Kind/date",
        tooltip="Change the selected evidence's kind and date",
        id="vendors.change-evidence",
    ),
    Binding("slash", "filter", "Filter", tooltip="Filter the registry", id="vendors.filter"),
    Binding("s", "sort", "Sort", tooltip="Sort the registry by the next column", id="vendors.sort"),
    Binding(
        "escape",
        "clear_filter",
        "Clear filter",
        show=False,
        tooltip="Clear the registry filter",
        id="vendors.clear-filter",
    ),
)
VENDORS_COMMANDS = (
    (
        "Forget the loaded responses",
        "Evaluate without the vendors' response forms loaded from a folder",
        "forget_responses",
    ),
)

SCORECARD = (
    Binding(
        "enter", "drill", "Capabilities", tooltip="Show the capabilities of the selected cell", id="scorecard.drill"
    ),
    Binding("r", "evaluate", "Re-evaluate", tooltip="Evaluate the shortlist again", id="scorecard.evaluate"),
    Binding("escape", "cancel", "Cancel", tooltip="Cancel the evaluation", id="scorecard.cancel"),
)

LIVE = (
    Binding(
        "ctrl+d", "discovery", "Discovery", tooltip="Run discovery (read-only) on the chosen cloud", id="live.discovery"
    ),
    Binding(
        "ctrl+t",
        "tempest",
        "Tempest",
        tooltip="Run the guideline's tempest tests on the chosen cloud",
        id="live.tempest",
    ),
    Binding("escape", "cancel", "Cancel", tooltip="Cancel the running check", id="live.cancel"),
)

EXPORT = (
    # priority: a text field's own ctrl+e (to the end of the line) took it, and nothing was exported
    Binding("ctrl+e", "export", "Export now", tooltip="Export in the chosen format", id="export.run", priority=True),
    Binding("escape", "cancel", "Cancel", tooltip="Cancel the export", id="export.cancel"),
)

CAPABILITIES = (
    Binding("enter", "drill", "Tests", tooltip="Of the selected capability", id="capabilities.drill"),
    Binding("escape", "app.pop_screen", "Back", id="capabilities.back"),
)

TESTS = (Binding("escape", "app.pop_screen", "Back", id="tests.back"),)

MODES: dict[str, Mode] = {
    "requirements": Mode(
        "Requirements",
        "Standard, guideline, program, add-ons, extras, evidence policy",
        REQUIREMENTS,
        REQUIREMENTS_COMMANDS,
    ),
    "vendors": Mode(
        "Vendors",
        "The registry, the shortlist, evidence per product, vendors' responses",
        VENDORS,
        VENDORS_COMMANDS,
    ),
    "scorecard": Mode("Scorecard", "Products × requirements; drill down to capabilities and tests", SCORECARD),
    "live": Mode("Live check", "Discovery or tempest against a cloud with your own account", LIVE),
    "export": Mode("Export", "PDF, JSON, CSV, Markdown, RFP clauses, the RFP package", EXPORT),
}

# Screens that are not modes (drill-downs), for the keymap's checks.
OTHER = (CAPABILITIES, TESTS)


def binding_ids() -> set[str]:
    """Every binding a keymap in tui.toml may move."""
    owners = (APP, *(m.bindings for m in MODES.values()), *OTHER)
    return {b.id for owner in owners for b in owner if b.id}


def palette_actions() -> list[tuple[str, str, str, str]]:
    """(mode, title, help, action) for every action of every screen: its key bindings and the
    commands it has without a key."""
    out = []
    for name, mode in MODES.items():
        for b in mode.bindings:
            out.append((name, f"{mode.title}: {b.tooltip or b.description}", b.description, b.action))
        for title, help_text, action in mode.commands:
            out.append((name, f"{mode.title}: {title}", help_text, action))
    return out


def keymap_clashes(keymap: dict[str, str]) -> list[str]:
    """Keys the keymap gives to two bindings that are live at once (the app's and one screen's)."""
    told: dict[str, list[str]] = {}
    for screen in (*(m.bindings for m in MODES.values()), *OTHER):
        holders: dict[str, list[str]] = {}
        for b in (*APP, *screen):
            for key in keymap.get(b.id or "", b.key).split(","):
                holders.setdefault(key, []).append(b.id or b.action)
        for key, ids in holders.items():
            if len(ids) > 1 and any(i in keymap for i in ids):
                told[key] = sorted(set(told.get(key, [])) | set(ids))
    return [f"keymap: {key} is bound to {', '.join(ids)}" for key, ids in sorted(told.items())]
