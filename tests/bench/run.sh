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

# nginx (origin and proxy contenders), wrk (small objects), iproute2 (ss: socket memory), fonts for the charts;
# and s3rver's npm packages.
"$repo/tests/tools/ensure-installed.sh" nginx-light wrk iproute2 fontconfig fonts-dejavu-core

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
