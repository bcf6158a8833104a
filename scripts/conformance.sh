#!/usr/bin/env bash
# The OCI Distribution Spec conformance suite (v1.1.1) against a fresh Wharf:
# starts `wharf serve` on a free loopback port with a new temporary data
# directory and auth on (administrator password chosen here through
# WHARF_ADMIN_PASSWORD), runs the suite as "admin" in the admin's namespace
# with OCI_AUTOMATIC_CROSSMOUNT=1, stops the server by its PID and removes
# the data directory. Exits non-zero when any check fails.
#
#   npm run conformance            # suite at ../shared/conformance/run.sh
#   OCI_CONFORMANCE=/path/to/run.sh npm run conformance
#   OCI_CONFORMANCE_KEEP=1 npm run conformance   # keep the reports when it passes
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
suite=${OCI_CONFORMANCE:-$root/../shared/conformance/run.sh}
if [ ! -x "$suite" ]; then
  cat >&2 <<MSG
conformance: no suite at $suite.
Build the official one from github.com/opencontainers/distribution-spec
(tag v1.1.1, folder conformance/: 'go test -c' there gives the binary; its
README lists the OCI_* variables) and point OCI_CONFORMANCE at a script that
runs it, or place the shared copy (run.sh + oci-conformance-v1.1.1) at
$root/../shared/conformance/.
MSG
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/wharf-conformance-XXXXXX")
password=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

WHARF_ADMIN_PASSWORD=$password WHARF_LOG__LEVEL=warn \
  "$root/bin/wharf" serve --listen 127.0.0.1:0 --data "$work/data" >"$work/server.log" 2>&1 &
pid=$!
url=""
for _ in $(seq 1 300); do
  url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/server.log" | head -n 1 || true)
  [ -n "$url" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "conformance: wharf did not start:" >&2
  cat "$work/server.log" >&2
  exit 1
fi
echo "conformance: wharf (pid $pid) on $url"

stamp=$(date +%s)
status=0
OCI_USERNAME=admin OCI_PASSWORD=$password \
  OCI_NAMESPACE="admin/conformance-$stamp" OCI_CROSSMOUNT_NAMESPACE="admin/conformance-cross-$stamp" \
  OCI_AUTOMATIC_CROSSMOUNT=1 \
  "$suite" "$url" "$work/report" || status=$?
if [ "$status" -ne 0 ] || [ -n "${OCI_CONFORMANCE_KEEP:-}" ]; then
  keep=$(mktemp -d "${TMPDIR:-/tmp}/wharf-conformance-report-XXXXXX")
  cp -r "$work/report/." "$keep/" 2>/dev/null || true
  cp "$work/server.log" "$keep/" 2>/dev/null || true
  echo "conformance: reports and server log kept in $keep" >&2
fi
[ "$status" -eq 0 ] && echo "conformance: no failures (OCI_CONFORMANCE_KEEP=1 keeps the reports)"
exit "$status"
