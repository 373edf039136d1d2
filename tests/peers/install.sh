#!/usr/bin/env bash
# Install the real peers the integration tests talk to, each in its own venv, reused when present.
# Usage: tests/peers/install.sh [refstack] [keystone] [tempest]   (PEERS_DIR defaults to ~/.cache/buyer-peers)
set -euo pipefail
PEERS_DIR="${BUYER_PEERS_DIR:-$HOME/.cache/buyer-peers}"
mkdir -p "$PEERS_DIR"

install_refstack() {
    # RefStack 2.1.0 only runs with oslo.db < 15 and SQLAlchemy 1.x (shared/docs/live-keystone.md §5).
    if [ ! -x "$PEERS_DIR/refstack/bin/refstack-manage" ]; then
        rm -rf "$PEERS_DIR/refstack"
        python3 -m venv "$PEERS_DIR/refstack"
        "$PEERS_DIR/refstack/bin/pip" install -q "refstack==2.1.0" "oslo.db<15" "SQLAlchemy<2"
    fi
    if ! command -v mariadbd >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mariadb-server >/dev/null
    fi
}

install_keystone() {
    if [ ! -x "$PEERS_DIR/keystone/bin/keystone-manage" ]; then
        rm -rf "$PEERS_DIR/keystone"
        python3 -m venv "$PEERS_DIR/keystone"
        "$PEERS_DIR/keystone/bin/pip" install -q keystone
    fi
}

install_tempest() {
    if [ ! -x "$PEERS_DIR/tempest/bin/tempest" ]; then
        rm -rf "$PEERS_DIR/tempest"
        python3 -m venv "$PEERS_DIR/tempest"
        "$PEERS_DIR/tempest/bin/pip" install -q tempest
    fi
}

for peer in "${@:-refstack}"; do
    "install_$peer"
done
