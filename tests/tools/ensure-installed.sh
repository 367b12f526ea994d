#!/usr/bin/env bash
# Idempotent installs shared by the test command and the benchmark:
#   tests/tools/ensure-installed.sh PACKAGE...
# installs the Debian packages that are missing (apt-get only then), then the pinned npm packages of
# tests/tools/s3server when node_modules is missing or older than its package-lock.json.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

missing=()
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done

if ((${#missing[@]} > 0)); then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

command -v node >/dev/null || { echo "node (Node.js 20) is required for the S3 server" >&2; exit 1; }

# The S3 protocol server (s3rver, pinned in package-lock.json) behind our launcher.
s3server="$repo/tests/tools/s3server"
if [ ! -f "$s3server/node_modules/.package-lock.json" ] || [ "$s3server/package-lock.json" -nt "$s3server/node_modules/.package-lock.json" ]; then
  echo "installing npm packages for tests/tools/s3server"
  (cd "$s3server" && npm ci --silent --no-audit --no-fund)
fi
