#!/usr/bin/env bash
# The benchmark suite, in one command (see tests/bench/README.md):
#   tests/bench/run.sh            the real run (~20 minutes): writes results/latest.md and results/*.png
#   tests/bench/run.sh --quick    a smoke test of the harness (about a minute): report in results/raw/<run>/
# Any other option is passed to the bench program (e.g. --only downloads,memory --large-size 256MiB).
# Installs what it needs idempotently (Debian packages only when missing, s3rver's npm packages only when
# stale), builds the gateway and the bench programs in Release, one build at a time, then runs the bench.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"

# nginx (origin and proxy contenders), wrk (small objects), iproute2 (ss: socket memory), fonts for the charts.
packages=(nginx-light wrk iproute2 fontconfig fonts-dejavu-core)
missing=()
for package in "${packages[@]}"; do
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
s3server="$repo/tests/tools/s3server"
if [ ! -f "$s3server/node_modules/.package-lock.json" ] || [ "$s3server/package-lock.json" -nt "$s3server/node_modules/.package-lock.json" ]; then
  echo "installing npm packages for tests/tools/s3server"
  (cd "$s3server" && npm ci --silent --no-audit --no-fund)
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Not part of StreamForge.Gateway.sln, so the test command never builds them; built here by path, in Release.
for project in src/StreamForge.Gateway/StreamForge.Gateway.csproj \
               tests/bench/BareYarp/BareYarp.csproj \
               tests/bench/BareUpload/BareUpload.csproj \
               tests/bench/StreamForge.Bench/StreamForge.Bench.csproj; do
  echo "building $project (Release)"
  dotnet build "$project" -c Release -nologo -v quiet -clp:ErrorsOnly
done

exec dotnet tests/bench/StreamForge.Bench/bin/Release/net10.0/StreamForge.Bench.dll --repo "$repo" "$@"
