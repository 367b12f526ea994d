#!/usr/bin/env bash
# The resumable-upload memory figure: the gateway's RSS while N tus-js-client uploads run at once, each of SIZE
# bytes in CHUNK-sized PATCHes. Memory per upload is meant to be a constant (config/README.md, "Memory per
# stream"), so RSS must stay flat as the uploads progress, not grow with the bytes received.
#
#   tests/bench/tus-memory.sh [--store files|s3] [--clients 20] [--size 1GiB] [--chunk 1MiB]
#
# Standalone: it does not touch tests/bench/run.sh or its results. Builds the gateway in Release into a temp
# folder, starts it (and s3rver for --store s3) on loopback, samples /proc/<pid>/status every 0.5 s, and prints
# RSS at every 10% of the bytes acknowledged, the peak (VmHWM) and the time taken.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

store=files clients=20 size=1GiB chunk=1MiB
while (($#)); do
  case "$1" in
    --store) store="$2" ;; --clients) clients="$2" ;; --size) size="$2" ;; --chunk) chunk="$2" ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift 2
done
bytes() { case "$1" in *[0-9]) echo "$1" ;; *) numfmt --from=iec-i "${1%B}" ;; esac; }  # 1GiB, 256MiB, 1048576
size_bytes=$(bytes "$size"); chunk_bytes=$(bytes "$chunk")

work="$(mktemp -d /tmp/tus-memory.XXXXXX)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

"$repo/tests/tools/ensure-installed.sh"
echo "building the gateway (Release)"
dotnet build "$repo/src/StreamForge.Gateway" -c Release -nologo -v quiet -o "$work/gateway" >/dev/null
# Sparse: the gateway never looks at the bytes, and a sparse source keeps the client's disk reads cheap.
truncate -s "$size_bytes" "$work/upload.bin"

if [ "$store" = s3 ]; then
  mkdir -p "$work/s3"
  node "$repo/tests/tools/s3server/start.js" --ignore-stdin --port 0 --directory "$work/s3" --bucket media >"$work/s3.log" 2>&1 </dev/null &
  pids+=($!)
  until grep -q S3RVER_LISTENING "$work/s3.log"; do sleep 0.2; done
  s3port=$(sed -n 's/.*port=\([0-9]*\).*/\1/p' "$work/s3.log")
  address="s3://media/tus/"
  s3config="\"S3\": { \"ServiceUrl\": \"http://127.0.0.1:$s3port\", \"ForcePathStyle\": true, \"AccessKey\": \"S3RVER\", \"SecretKey\": \"S3RVER\" },"
else
  mkdir -p "$work/files"
  address="file://$work/files/"
  s3config=""
fi

port=$(free_port)
cat >"$work/gateway.json" <<JSON
{ "ReverseProxy": {
    "Routes": { "up": { "ClusterId": "store", "Match": { "Path": "/up/{**key}" }, "Metadata": { "StreamPolicy": "tus", "WriteAccess": "Anonymous" } } },
    "Clusters": { "store": { "Destinations": { "d1": { "Address": "$address" } } } } },
  "StreamForge": { $s3config
    "StreamPolicies": { "tus": { "Resumable": { "Enabled": true, "MaxSize": "5GiB" }, "Upload": { "PartSize": "5MiB" } } } } }
JSON
dotnet "$work/gateway/StreamForge.Gateway.dll" --config "$work/gateway.json" --Urls "http://127.0.0.1:$port" \
  --Logging:LogLevel:Default Warning >"$work/gateway.log" 2>&1 &
gateway=$!
pids+=("$gateway")
until curl -sf "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.2; done

rss_mib() { awk '/^VmRSS/ { printf "%.0f", $2 / 1024 }' "/proc/$gateway/status"; }
hwm_mib() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$gateway/status"; }
echo "store $store, $clients clients x $size in $chunk PATCHes; gateway pid $gateway, idle RSS $(rss_mib) MiB"
echo 5 > "/proc/$gateway/clear_refs" 2>/dev/null || true  # resets VmHWM to the current RSS

printf '%-10s %s\n' "progress" "RSS (MiB)"
node "$repo/tests/tools/tus/many.js" --endpoint "http://127.0.0.1:$port/up/" --file "$work/upload.bin" \
  --clients "$clients" --chunk-size "$chunk_bytes" | while read -r what value; do
  if [ "$what" = progress ] && ((value % 10 == 0)); then printf '%-10s %s\n' "$value%" "$(rss_mib)"; fi
  if [ "$what" = done ]; then echo "all uploads complete in $value s"; fi
done
echo "peak RSS during the run (VmHWM): $(hwm_mib) MiB"
if [ "$store" = files ]; then
  stored=$(find "$work/files" -maxdepth 1 -name 'client-*.bin' -size "${size_bytes}c" | wc -l)
  echo "stored objects of the full size: $stored of $clients; left in .streamforge-tus: $(find "$work/files/.streamforge-tus" -type f 2>/dev/null | wc -l)"
fi
