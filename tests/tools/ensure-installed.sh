#!/usr/bin/env bash
# Idempotent installs shared by the test command and the benchmark:
#   tests/tools/ensure-installed.sh PACKAGE...
# installs the Debian packages that are missing (apt-get only then), then the pinned npm packages of
# tests/tools/s3server and tests/tools/players when node_modules is missing or older than its package-lock.json.
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

# The pinned npm packages of tests/tools: the S3 protocol server (s3rver behind our launcher) and the browser
# players (hls.js) the browser tests load, and tus-js-client for the resumable-upload tests.
for folder in s3server players tus; do
  dir="$repo/tests/tools/$folder"
  if [ ! -f "$dir/node_modules/.package-lock.json" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "installing npm packages for tests/tools/$folder"
    (cd "$dir" && npm ci --silent --no-audit --no-fund)
  fi
done
