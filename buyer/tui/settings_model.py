"""The model of tui.toml (pydantic), apart from ``settings``: a file that is plainly right is read
without it, so the app starts without building it; a file with a problem is told through it, every
problem with its line and column."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, create_model

from buyer.tui.settings import keys_text

Keys = Annotated[str, BeforeValidator(keys_text)]


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
