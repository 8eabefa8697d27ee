#!/usr/bin/env bash
# snapshot_reindex end to end, side by side in one run with the raw `_bulk` ceiling
# (docs/performance.md): a source sandbox (Elasticsearch 7.10) seeded with DOCS documents, a
# snapshot of it in an fs repository, `migrate apply` reading that snapshot's Lucene files and
# bulk-loading an OpenSearch 2.11 sandbox; then raw_bulk (pre-built bodies, parallel posts) into
# the same destination. Reports documents/s, wall time and peak RSS of each, and the load average.
# The migrate time is the whole apply: preflight, snapshot, reading and loading, count check; the
# time of each step (from the run's JSON events) follows the table, the load step's rate with it.
#
#   scripts/bench-snapshot-reindex.sh [DOCS] [DOC_BYTES]      # defaults: 200000 1000
#
# Not part of CI (minutes of release build and run). Everything it makes lives under target/.
set -euo pipefail
cd "$(dirname "$0")/.."

DOCS=${1:-200000}
BYTES=${2:-1000}
WORK=$PWD/target/bench-snapshot-reindex
rm -rf "$WORK" && mkdir -p "$WORK/repo"

# PROFILE=dev checks the script quickly; figures are release figures.
PROFILE=${PROFILE:-release}
cargo build --profile "$PROFILE" -q -p migrate-cli --bin migrate -p migrate-sandbox --bin migrate-sandbox
cargo build --profile "$PROFILE" -q -p migrate-cluster --example raw_bulk
BIN=$PWD/target/$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")

source scripts/bench-lib.sh
SRC=$(start_sandbox elasticsearch 7.10.2 "$WORK/source.log" --path-repo "$WORK/repo")
DST=$(start_sandbox opensearch 2.11.0 "$WORK/destination.log")

curl -s -XPUT "$SRC/movies" -H 'content-type: application/json' \
  -d '{"settings":{"number_of_shards":4,"number_of_replicas":0}}' >/dev/null
"$BIN/examples/raw_bulk" --url "$SRC" --index movies --docs "$DOCS" --doc-bytes "$BYTES" >/dev/null
[ "$(count "$SRC" movies)" = "$DOCS" ] || { echo "source not seeded" >&2; exit 1; }

cat >"$WORK/plan.yaml" <<EOF
version: 1
name: bench-snapshot-reindex
source: { url: "$SRC" }
destination: { url: "$DST" }
indexes: [movies]
strategy:
  snapshot_reindex:
    repository: bench
    store: { fs: { location: "$WORK/repo/bench" } }
cutover: { approved: true, block_source_writes: false }
verify: { level: counts, doc_count: true }
EOF

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
measure migrate movies env --chdir="$WORK" "$BIN/migrate" apply plan.yaml --output json
measure raw_bulk raw "$BIN/examples/raw_bulk" --url "$DST" --index raw --docs "$DOCS" --doc-bytes "$BYTES" --concurrency 4
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

echo "documents: $DOCS of ~$BYTES bytes; source ES 7.10.2 sandbox (snapshot in an fs repository), destination OpenSearch 2.11.0 sandbox"
echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER ($(nproc) cores)"
printf '%-12s %10s %9s %10s %12s\n' loader documents seconds docs/s "peak RSS MB"
while read -r name n secs rss; do
  printf '%-12s %10s %9s %10.0f %12.1f\n' "$name" "$n" "$secs" "$(echo "$n / $secs" | bc -l)" "$(echo "$rss / 1024" | bc -l)"
done <"$WORK/results"
echo "migrate apply, step by step (seconds, from its events):"
python3 - "$WORK/migrate.out" "$DOCS" <<'PY'
import json, sys
from datetime import datetime
started, rows = {}, []
for line in open(sys.argv[1]):
    try:
        e = json.loads(line)
    except ValueError:
        continue
    at = datetime.fromisoformat(e.get("time", "").replace("Z", "+00:00")) if e.get("time") else None
    if e.get("event") == "step_started":
        started[e["id"]] = at
    elif e.get("event") == "step_done" and e["id"] in started:
        rows.append((e["id"], (at - started[e["id"]]).total_seconds()))
for step, secs in rows:
    rate = f"  ({int(sys.argv[2]) / secs:,.0f} docs/s)" if step.startswith("snapshot-reindex/") else ""
    print(f"  {step:<48} {secs:8.2f}{rate}")
PY
