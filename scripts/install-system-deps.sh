#!/usr/bin/env bash
# Installs the Debian packages Wharf's tests and benchmarks drive as real peers:
# skopeo and podman (clients), docker-registry (CNCF Distribution 2.8.2, the
# upstream and benchmark peer), kubectl, buildah and runc (container image),
# chromium (the web portal's browser tests), nginx (blob offload),
# postgresql (metadata tests). Idempotent: does nothing when every tool
# is already there. Needs root (or sudo) and Debian's package archive.
set -euo pipefail

need=()
command -v skopeo >/dev/null 2>&1 || need+=(skopeo)
command -v podman >/dev/null 2>&1 || need+=(podman)
[ -x /usr/bin/docker-registry ] || need+=(docker-registry)
command -v kubectl >/dev/null 2>&1 || need+=(kubectl)
command -v htpasswd >/dev/null 2>&1 || need+=(apache2-utils)
# buildah builds the container image offline (scripts/build-image.sh); runc runs
# it under podman where crun cannot (hybrid cgroups, as in some sandboxes).
command -v buildah >/dev/null 2>&1 || need+=(buildah)
command -v runc >/dev/null 2>&1 || need+=(runc)
# Headless Chromium drives the portal's end-to-end test (playwright-core).
[ -x /usr/bin/chromium ] || need+=(chromium)
# nginx: the reverse proxy of the X-Accel-Redirect offload test (examples/nginx/wharf.conf).
[ -x /usr/sbin/nginx ] || need+=(nginx)
# PostgreSQL: the metadata conformance suites and the scale-out test start a
# throwaway cluster with initdb/pg_ctl (as the postgres user when run as root).
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-system-deps: need root to install: ${need[*]}" >&2
    exit 1
  fi
fi

echo "install-system-deps: installing ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# The Debian package starts a registry service on :5000 where an init system
# runs; Wharf's tests start their own on ephemeral ports, so stop it if it runs.
if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet docker-registry 2>/dev/null; then
  $SUDO systemctl stop docker-registry || true
fi
