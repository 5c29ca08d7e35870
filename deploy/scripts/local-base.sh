#!/usr/bin/env bash
# Builds a stand-in for node:20-bookworm-slim where no registry image can be pulled (this project's CI reaches
# only the npm registry and Debian's archive): a minimal Debian bookworm from debootstrap, plus this machine's
# own node and npm, imported into podman as one layer. The Dockerfile's BASE build argument takes it.
# The image is kept in podman's storage and rebuilt only when the node binary's version or this script's
# revision changes. Where this machine reaches the npm registry through a TLS-inspecting proxy, its CA bundle
# (NODE_EXTRA_CA_CERTS, else Debian's bundle) is copied in and named by NODE_EXTRA_CA_CERTS, so `npm ci` in
# the build trusts what this machine's npm trusts; the official image needs nothing of the kind.
#
#   deploy/scripts/local-base.sh [TAG]        (default localhost/hub-base:bookworm; needs root, debootstrap, podman)
set -euo pipefail

TAG="${1:-localhost/hub-base:bookworm}"
MIRROR="${HUB_DEBIAN_MIRROR:-http://deb.debian.org/debian}"
NODE_BIN="$(readlink -f "$(command -v node)")"
NPM_DIR="$(readlink -f "$(dirname "$(readlink -f "$(command -v npm)")")/..")"
NODE_VERSION="$("$NODE_BIN" --version)"
REVISION=2
STAMP="$NODE_VERSION/$REVISION"
CA_BUNDLE="${NODE_EXTRA_CA_CERTS:-/etc/ssl/certs/ca-certificates.crt}"

if podman image exists "$TAG" \
  && [ "$(podman image inspect --format '{{index .Config.Labels "hub.base.stamp"}}' "$TAG")" = "$STAMP" ]; then
  echo "local-base: $TAG is up to date (node $NODE_VERSION, revision $REVISION)"
  exit 0
fi

ROOT="$(mktemp -d /var/tmp/hub-base.XXXXXX)"
trap 'rm -rf "$ROOT"' EXIT
echo "local-base: debootstrap bookworm from $MIRROR into $ROOT"
debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" >"$ROOT.log" 2>&1 || { tail -30 "$ROOT.log"; exit 1; }
rm -f "$ROOT.log"

# node and npm where the official image has them; a "node" user with uid 1000 as there too.
install -m 0755 "$NODE_BIN" "$ROOT/usr/local/bin/node"
mkdir -p "$ROOT/usr/local/lib/node_modules"
cp -a "$NPM_DIR" "$ROOT/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOT/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOT/usr/local/bin/npx"
chroot "$ROOT" groupadd --gid 1000 node
chroot "$ROOT" useradd --uid 1000 --gid node --create-home --shell /bin/bash node
CA_ENV=()
if [ -s "$CA_BUNDLE" ]; then
  install -D -m 0644 "$CA_BUNDLE" "$ROOT/usr/local/share/hub-base/extra-ca.crt"
  CA_ENV=(--change "ENV NODE_EXTRA_CA_CERTS=/usr/local/share/hub-base/extra-ca.crt")
fi
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/archives/*.deb "$ROOT"/usr/share/doc/* "$ROOT"/usr/share/man/*

echo "local-base: importing as $TAG"
tar --numeric-owner -C "$ROOT" -c . | podman import --quiet \
  --change "LABEL hub.base.stamp=$STAMP" \
  "${CA_ENV[@]}" \
  --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
  --change 'CMD ["node"]' \
  - "$TAG" >/dev/null
echo "local-base: built $TAG (node $NODE_VERSION)"
