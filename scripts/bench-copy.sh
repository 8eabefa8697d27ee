#!/usr/bin/env bash
# Copy benchmark, side by side in one run (docs/performance.md): `migrate apply` with the copy
# strategy vs elasticdump (npm, pinned below, installed under target/bench-tools) vs the raw `_bulk`
# ceiling (crates/migrate-cluster/examples/raw_bulk.rs: pre-built bodies, parallel posts), between
# two sandbox processes (source Elasticsearch 7.17, destination OpenSearch 2.11), same documents.
# Reports documents/s, wall time and peak RSS (GNU time's %M) of each loader, and the load average.
#
#   scripts/bench-copy.sh [DOCS] [DOC_BYTES]      # defaults: 200000 1000
#
# Not part of CI (minutes of release build and run). Everything it makes lives under target/.
set -euo pipefail
cd "$(dirname "$0")/.."

DOCS=${1:-200000}
BYTES=${2:-1000}
ELASTICDUMP_VERSION=6.125.1
WORK=$PWD/target/bench-copy
TOOLS=target/bench-tools
rm -rf "$WORK" && mkdir -p "$WORK"

# PROFILE=dev checks the script quickly; figures are release figures.
PROFILE=${PROFILE:-release}
cargo build --profile "$PROFILE" -q -p migrate-cli --bin migrate -p migrate-sandbox --bin migrate-sandbox
cargo build --profile "$PROFILE" -q -p migrate-cluster --example raw_bulk
BIN=$PWD/target/$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")
if [ ! -x "$TOOLS/node_modules/.bin/elasticdump" ]; then
  npm install --no-audit --no-fund --prefix "$TOOLS" "elasticdump@$ELASTICDUMP_VERSION" >/dev/null
fi

source scripts/bench-lib.sh
SRC=$(start_sandbox elasticsearch 7.17.22 "$WORK/source.log")
DST=$(start_sandbox opensearch 2.11.0 "$WORK/destination.log")

curl -s -XPUT "$SRC/movies" -H 'content-type: application/json' \
  -d '{"settings":{"number_of_shards":4,"number_of_replicas":0}}' >/dev/null
"$BIN/examples/raw_bulk" --url "$SRC" --index movies --docs "$DOCS" --doc-bytes "$BYTES" >/dev/null
[ "$(count "$SRC" movies)" = "$DOCS" ] || { echo "source not seeded" >&2; exit 1; }

cat >"$WORK/plan.yaml" <<EOF
version: 1
name: bench-copy
source: { url: "$SRC" }
destination: { url: "$DST" }
indexes: [movies]
strategy:
  copy:
    slices: 4
    batch_size: 1000
    concurrency: 4
    update_field: updated_at
    incremental_passes: 1
    copy_settings: { number_of_replicas: 0 }
cutover: { approved: true, block_source_writes: false }
verify: { level: counts, doc_count: true }
EOF

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
measure raw_bulk raw "$BIN/examples/raw_bulk" --url "$DST" --index raw --docs "$DOCS" --doc-bytes "$BYTES" --concurrency 4
measure migrate movies env --chdir="$WORK" "$BIN/migrate" apply plan.yaml --output plain
measure elasticdump dump "$TOOLS/node_modules/.bin/elasticdump" --input="$SRC/movies" \
  --output="$DST/dump" --type=data --limit=1000 --noRefresh --quiet
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

echo "documents: $DOCS of ~$BYTES bytes; source ES 7.17.22 sandbox, destination OpenSearch 2.11.0 sandbox"
echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER ($(nproc) cores)"
printf '%-12s %10s %9s %10s %12s\n' loader documents seconds docs/s "peak RSS MB"
while read -r name n secs rss; do
  printf '%-12s %10s %9s %10.0f %12.1f\n' "$name" "$n" "$secs" "$(echo "$n / $secs" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
done <"$WORK/results"
