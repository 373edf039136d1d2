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

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from buyer.errors import BuyerError, ConfigError, ProfileErrors
from buyer.formats.toml_models import parse_toml_model, validate_model
from buyer.locations import tui_config_file


def _keys(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError('keys as text, such as "f4" or "ctrl+4,f4"')
    return ",".join(k.strip() for k in value.split(","))


Keys = Annotated[str, BeforeValidator(_keys)]


class TuiPreferences(BaseModel):
    """tui.toml. ``keymap`` is a model with one optional field per binding id (``for_bindings``),
    so an unknown id is an unknown key, with a "did you mean" like a profile's."""

    model_config = ConfigDict(extra="forbid")

    theme: str | None = Field(None, description="one of textual's themes")
    keymap: Any = None

    @classmethod
    def for_bindings(cls, binding_ids: Iterable[str]) -> type[TuiPreferences]:
        fields: dict[str, Any] = {bid: (Keys | None, None) for bid in sorted(binding_ids)}
        keymap = create_model("keymap", __config__=ConfigDict(extra="forbid"), **fields)
        return create_model(
            "TuiPreferences",
            __base__=cls,
            keymap=(keymap, Field(default_factory=keymap, description="binding id = keys")),
        )

    def bindings(self) -> dict[str, str]:
        return dict(self.keymap.model_dump(exclude_none=True)) if self.keymap is not None else {}


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
    model = TuiPreferences.for_bindings(known_bindings)
    try:
        text = _text(path)
    except ConfigError as exc:
        return Settings(problems=[f"{exc}; using the defaults"])
    if text is None:
        return Settings()
    try:
        prefs = parse_toml_model(text, str(path), model)
    except ProfileErrors as exc:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError:  # nothing can be taken from it
            return Settings(problems=[f"{line}; using the defaults" for line in exc.lines()])
        return Settings(*_what_holds(data, model), problems=exc.lines())
    return Settings(prefs.theme, prefs.bindings())


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
        data = tomllib.loads(text) if text is not None else {}
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}); not rewritten") from None
    data["theme"] = theme
    atomic_write(path, tomli_w.dumps(data))
