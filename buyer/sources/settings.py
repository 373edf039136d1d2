"""Where buyer's sources are: every URL is a setting, read from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass

# The interop repository was retired in 2025; its files stay reachable at a pinned commit.
# This commit holds every core guideline (2015.03 … 2022.11) and add-on guideline, 2022.11 last.
DEFAULT_INTEROP_URL = "https://opendev.org/api/v1/repos/openinfra/interop"
DEFAULT_INTEROP_REF = "2a71585700b4141910dbd4139805e2c0e9c49a8e"
DEFAULT_REFSTACK_URL = "https://refstack.openstack.org/api"
DEFAULT_MARKETPLACE_URL = "https://openstackid-resources.openstack.org/api/public/v1/marketplace"
DEFAULT_SCS_MONITOR_URL = "https://compliance.sovereignit.cloud"


@dataclass(frozen=True)
class Settings:
    interop_url: str = DEFAULT_INTEROP_URL
    interop_ref: str = DEFAULT_INTEROP_REF
    refstack_url: str = DEFAULT_REFSTACK_URL
    marketplace_url: str = DEFAULT_MARKETPLACE_URL
    scs_monitor_url: str = DEFAULT_SCS_MONITOR_URL
    offline: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        env = os.environ
        return cls(
            interop_url=env.get("BUYER_INTEROP_URL") or DEFAULT_INTEROP_URL,
            interop_ref=env.get("BUYER_INTEROP_REF") or DEFAULT_INTEROP_REF,
            refstack_url=env.get("BUYER_REFSTACK_URL") or DEFAULT_REFSTACK_URL,
            marketplace_url=env.get("BUYER_MARKETPLACE_URL") or DEFAULT_MARKETPLACE_URL,
            scs_monitor_url=env.get("BUYER_SCS_MONITOR_URL") or DEFAULT_SCS_MONITOR_URL,
            offline=env.get("BUYER_OFFLINE", "") not in ("", "0", "false", "no"),
        )
