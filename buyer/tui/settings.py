"""The TUI's own settings, kept in `tui.toml` under platformdirs' user config dir:

    theme = "nord"

    [keymap]            # binding id = keys (comma-separated for more than one)
    "go.scorecard" = "f4,ctrl+4"
    "requirements.save" = "ctrl+w"

Read through the same TOML-to-model path as profiles (``parse_toml_model``), so every problem
names FILE:LINE:COL. A problem is a warning, not a failure: the entries that are right still
apply, the defaults stand for the rest, and a file that is not valid TOML is never rewritten.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tomli

from buyer.errors import BuyerError, ConfigError, ProfileErrors
from buyer.formats import toml_bounds
from buyer.locations import tui_config_file

if TYPE_CHECKING:
    from buyer.tui.settings_model import TuiPreferences


def keys_text(value: object) -> str:
    """Keys as tui.toml gives them ("f4", "ctrl+4, f4"), normalised ("ctrl+4,f4")."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError('keys as text, such as "f4" or "ctrl+4,f4"')
    return ",".join(k.strip() for k in value.split(","))


@dataclass
class Settings:
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # one line each, for notifications


def config_file() -> Path:
    return tui_config_file()


def _text(path: Path) -> str | None:
    """The file's text, None when there is none; ConfigError when it cannot be read."""
    from buyer.sources.files import read_text

    if not path.exists():
        return None
    try:
        return read_text(path)
    except BuyerError as exc:
        raise ConfigError(str(exc)) from None


def load_settings(known_bindings: set[str]) -> Settings:
    path = config_file()
    try:
        text = _text(path)
    except ConfigError as exc:
        return Settings(problems=[f"{exc}; using the defaults"])
    if text is None:
        return Settings()
    quick = _well_formed(text, known_bindings)
    if quick is not None:  # the usual file: read without building the model (pydantic) at start
        return quick
    from buyer.formats.toml_models import parse_toml_model
    from buyer.tui.settings_model import TuiPreferences

    model = TuiPreferences.for_bindings(known_bindings)
    try:
        prefs = parse_toml_model(text, str(path), model)
    except ProfileErrors as exc:
        try:
            data = toml_bounds.loads(text)
        except tomli.TOMLDecodeError:  # nothing can be taken from it
            return Settings(problems=[f"{line}; using the defaults" for line in exc.lines()])
        return Settings(*_what_holds(data, model), problems=exc.lines())
    return Settings(prefs.theme, prefs.bindings())


def _well_formed(text: str, known_bindings: set[str]) -> Settings | None:
    """The settings of a file that is plainly right (a theme as text, known binding ids with keys
    as text); None for anything else, which the model then reads and tells line by line."""
    try:
        data = toml_bounds.loads(text)
    except tomli.TOMLDecodeError:
        return None
    theme, keymap = data.get("theme"), data.get("keymap", {})
    if set(data) - {"theme", "keymap"} or not isinstance(theme, str | None) or not isinstance(keymap, dict):
        return None
    if set(keymap) - known_bindings or not all(isinstance(v, str) and v.strip() for v in keymap.values()):
        return None
    return Settings(theme, {k: keys_text(v) for k, v in keymap.items()})


def _what_holds(data: dict[str, Any], model: type[TuiPreferences]) -> tuple[str | None, dict[str, str]]:
    """The entries the model accepts one by one, when the file as a whole does not validate."""
    theme = None
    keymap: dict[str, str] = {}
    for key, value in data.items():
        if key == "keymap" and isinstance(value, dict):
            for binding_id, keys in value.items():
                keymap.update(_valid(model, {"keymap": {binding_id: keys}}).bindings())
        elif key == "theme":
            theme = _valid(model, {"theme": value}).theme
    return theme, keymap


def _valid(model: type[TuiPreferences], data: dict[str, Any]) -> TuiPreferences:
    from buyer.formats.toml_models import validate_model

    try:
        return validate_model(data, "", model)
    except ProfileErrors:
        return model()


def save_theme(theme: str) -> None:
    """Remember the theme, keeping whatever else the file holds; a broken file is left alone."""
    import tomli_w

    from buyer._atomic import atomic_write

    path = config_file()
    text = _text(path)
    try:
        data = toml_bounds.loads(text) if text is not None else {}
    except tomli.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); not rewritten") from None
    data["theme"] = theme
    atomic_write(path, tomli_w.dumps(data))
