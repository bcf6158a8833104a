#!/usr/bin/env bash
# Builds Wharf's container image without network access, from what this
# checkout already has, with buildah (Debian package; scripts/install-system-deps.sh
# installs it), and writes it as an OCI archive.
#
#   scripts/build-image.sh [OUTPUT.tar]     default: wharf-image.oci.tar
#
# The image holds only: Node 24 (node_modules/node, debug symbols stripped when
# `strip` exists), the shared libraries `ldd` lists for it, the compiled dist/
# (scripts/build.sh), the production node_modules (`npm ls --omit=dev`), the CA
# certificates, /etc/passwd and /etc/group with the non-root user wharf
# (10001), and /data (a volume, owned by wharf). No shell, no package manager.
# Config: user 10001, entrypoint node … dist/cli/main.js, cmd `serve`,
# WHARF_DATA_DIR=/data, WHARF_LISTEN=0.0.0.0:5000, EXPOSE 5000, a healthcheck
# on /healthz (kept only in a docker-archive: see the end of this script).
#
# Environment: WHARF_IMAGE_NAME (default localhost/wharf:<version>),
# STORAGE_DRIVER for buildah (default vfs: works without overlay support).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
output=$(realpath -m "${1:-wharf-image.oci.tar}")
node_bin="$root/node_modules/node/bin/node"
export STORAGE_DRIVER=${STORAGE_DRIVER:-vfs}
# Docker format keeps the healthcheck (OCI image configs have no field for it).
export BUILDAH_FORMAT=docker

if ! command -v buildah >/dev/null 2>&1; then
  echo "build-image: buildah is missing; install it with scripts/install-system-deps.sh (Debian: apt-get install buildah)" >&2
  exit 1
fi
if [ ! -x "$node_bin" ]; then
  echo "build-image: $node_bin is missing; run npm ci first" >&2
  exit 1
fi
version=$("$node_bin" -p 'require("./package.json").version')
name=${WHARF_IMAGE_NAME:-localhost/wharf:$version}

# dist/ when missing or older than a source file.
if [ ! -f dist/.built ] || [ -n "$(find src -name '*.ts' -newer dist/.built -print -quit)" ]; then
  bash scripts/build.sh
fi

stage=$(mktemp -d)
ctr=""
cleanup() {
  rm -rf "$stage"
  if [ -n "$ctr" ]; then buildah rm "$ctr" >/dev/null 2>&1 || true; fi
}
trap cleanup EXIT

# Node and the libraries its loader needs, at the paths ldd names.
install -D -m 0755 "$(readlink -f "$node_bin")" "$stage/usr/local/bin/node"
if command -v strip >/dev/null 2>&1; then strip --strip-debug "$stage/usr/local/bin/node"; fi
ldd "$node_bin" | awk '/=> \// { print $3 } /^[[:space:]]*\// { print $1 }' | while read -r lib; do
  install -D -m 0755 "$(readlink -f "$lib")" "$stage$lib"
done

# The application: compiled code, package.json, production dependencies only.
mkdir -p "$stage/app"
cp -R dist "$stage/app/dist"
rm -f "$stage/app/dist/.built"
find "$stage/app/dist" -name '*.map' -delete
cp package.json "$stage/app/package.json"
# npm ls exits non-zero for extraneous packages; its list is still right.
{ npm ls --omit=dev --parseable --all 2>/dev/null || true; } | while read -r dir; do
  case "$dir" in */node_modules/*) ;; *) continue ;; esac
  rel=node_modules/${dir#*/node_modules/}
  mkdir -p "$stage/app/$(dirname "$rel")"
  cp -RL "$dir" "$stage/app/$rel"
done

# CA certificates (outbound TLS to upstream registries), users, /data, /tmp.
install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$stage/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nwharf:x:10001:10001:wharf:/data:/sbin/nologin\n' >"$stage/etc/passwd"
printf 'root:x:0:\nwharf:x:10001:\n' >"$stage/etc/group"
mkdir -p "$stage/tmp" && chmod 1777 "$stage/tmp"
mkdir -p "$stage-data"

# The healthcheck runs without a shell: the kernel follows the shebang.
cat >"$stage/app/healthcheck.mjs" <<'EOF_HEALTH'
#!/usr/local/bin/node
// Exit 0 when this container's Wharf answers GET /healthz (HTTP or built-in TLS).
const port = (process.env.WHARF_LISTEN ?? ":5000").split(":").pop();
const scheme = process.env.WHARF_TLS__CERT ? "https" : "http";
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";
const res = await fetch(`${scheme}://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(4000) }).catch(() => null);
process.exit(res?.ok ? 0 : 1);
EOF_HEALTH
chmod 0755 "$stage/app/healthcheck.mjs"

ctr=$(buildah from scratch)
buildah copy "$ctr" "$stage" / >/dev/null
buildah copy --chown 10001:10001 "$ctr" "$stage-data" /data >/dev/null
rmdir "$stage-data"
buildah config \
  --user 10001:10001 \
  --workingdir /data \
  --volume /data \
  --port 5000/tcp \
  --env WHARF_DATA_DIR=/data \
  --env WHARF_LISTEN=0.0.0.0:5000 \
  --env NODE_ENV=production \
  --env SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
  --entrypoint '["/usr/local/bin/node","--disable-warning=ExperimentalWarning","--optimize-for-size","--use-openssl-ca","/app/dist/cli/main.js"]' \
  --cmd '["serve"]' \
  --healthcheck "CMD /app/healthcheck.mjs" \
  --healthcheck-interval 30s --healthcheck-timeout 5s --healthcheck-retries 3 --healthcheck-start-period 10s \
  --label org.opencontainers.image.title=wharf \
  --label "org.opencontainers.image.version=$version" \
  --label org.opencontainers.image.licenses=Apache-2.0 \
  "$ctr"
# An OCI archive by default. OCI image configs have no healthcheck field, so
# converting drops it (Kubernetes ignores it anyway and uses its probes); an
# OUTPUT ending in .docker.tar is written as a docker-archive, which keeps it.
rm -f "$output"
transport=oci-archive
case "$output" in *.docker.tar) transport=docker-archive ;; esac
buildah commit --quiet --disable-compression=false --format docker "$ctr" "$transport:$output:$name" >/dev/null
echo "build-image: wrote $output ($name, $(du -h "$output" | cut -f1))"
