"""Cloud secrets in the system keyring: a profile or clouds.yaml names a cloud, never its secret."""

from __future__ import annotations

from buyer.live.errors import LiveError

SERVICE = "buyer"


def _keyring():  # type: ignore[no-untyped-def]
    try:
        import keyring
        import keyring.errors
    except ImportError:
        raise LiveError("the keyring package is missing: pip install 'buyer[live]'") from None
    return keyring


def store_secret(cloud: str, secret: str) -> None:
    keyring = _keyring()
    if not secret:
        raise LiveError("an empty secret was not stored")
    try:
        keyring.set_password(SERVICE, cloud, secret)
    except keyring.errors.KeyringError as exc:
        raise LiveError(f"cannot store the secret for cloud {cloud}: {_reason(exc)}") from None
    except ValueError as exc:  # a backend's refusal of a name ("Username cannot be blank")
        raise LiveError(f"cannot store the secret for cloud {cloud}: the keyring refused it ({_reason(exc)})") from None


def read_secret(cloud: str) -> str | None:
    keyring = _keyring()
    try:
        return keyring.get_password(SERVICE, cloud)
    except keyring.errors.KeyringError as exc:
        raise LiveError(f"cannot read the secret for cloud {cloud} from the keyring: {_reason(exc)}") from None


def delete_secret(cloud: str) -> bool:
    """True when a secret was deleted, False when there was none."""
    keyring = _keyring()
    try:
        keyring.delete_password(SERVICE, cloud)
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.KeyringError as exc:
        raise LiveError(f"cannot delete the secret for cloud {cloud}: {_reason(exc)}") from None
    return True


def _reason(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    name = type(exc).__name__
    if name == "NoKeyringError":
        return "no keyring backend is available (install gnome-keyring, or keyrings.alt for a file backend)"
    return text[0] if text else name
