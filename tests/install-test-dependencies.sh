#!/usr/bin/env bash
# Installs what the test suite needs, idempotently: the Debian packages the functional tests start or drive
# (only those missing) and the pinned npm packages of tests/tools. A no-op when everything is present.
set -euo pipefail
exec "$(dirname "${BASH_SOURCE[0]}")/tools/ensure-installed.sh" nginx-light redis-server ffmpeg aria2 curl chromium
