#!/usr/bin/env bash
# Verification benchmark, side by side in one run (docs/performance.md, issue 18): `migrate verify`
# (the proof: every `_id` both ways and every document's canonical `_source` hash, plus the
# metadata) against one full read of both sides with the same scan and nothing else
# (crates/migrate-cluster/examples/read_both.rs), over one index pair between two sandbox processes
# (source Elasticsearch 7.17.22: point in time + search_after; destination OpenSearch 2.11.0:
# sliced scroll). Reports wall time and peak RSS (GNU time's %M) of each, the ratio, and the load
# average.
#
#   scripts/bench-verify.sh [DOCS] [DOC_BYTES]      # defaults: 200000 1000
#
# The source is seeded with raw `_bulk` (crates/migrate-cluster/examples/raw_bulk.rs); the
# destination is filled by `migrate apply` of a copy plan (counts verification, not measured),
# since `migrate verify` checks an applied plan. The plan's verification is then switched to the
# proof (the default level) and `migrate verify` is measured.
#
# Not part of CI (minutes of release build and run). Everything it makes lives under target/.
set -euo pipefail
cd "$(dirname "$0")/.."

DOCS=${1:-200000}
BYTES=${2:-1000}
WORK=$PWD/target/bench-verify
rm -rf "$WORK" && mkdir -p "$WORK"

# PROFILE=dev checks the script quickly; figures are release figures.
PROFILE=${PROFILE:-release}
# One build command: the examples' dev-dependencies unify features once (separate commands would
# rebuild the dependencies with each command's feature set).
cargo build --profile "$PROFILE" -q -p migrate-cli --bin migrate -p migrate-sandbox --bin migrate-sandbox \
  -p migrate-cluster --example raw_bulk --example read_both
BIN=$PWD/target/$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")

source scripts/bench-lib.sh
# SOURCE_VERSION: 7.17.22 reads the source with a sliced point in time, 7.10.2 with one sweep.
SRC=$(start_sandbox elasticsearch "${SOURCE_VERSION:-7.17.22}" "$WORK/source.log")
DST=$(start_sandbox opensearch 2.11.0 "$WORK/destination.log")

curl -s -XPUT "$SRC/movies" -H 'content-type: application/json' \
  -d '{"settings":{"number_of_shards":4,"number_of_replicas":0}}' >/dev/null
"$BIN/examples/raw_bulk" --url "$SRC" --index movies --docs "$DOCS" --doc-bytes "$BYTES" >/dev/null
curl -s -XPOST "$SRC/movies/_refresh" >/dev/null
[ "$(count "$SRC" movies)" = "$DOCS" ] || { echo "source not seeded" >&2; exit 1; }

plan() {
  cat <<EOF
version: 1
name: bench-verify
source: { url: "$SRC" }
destination: { url: "$DST" }
indexes: [movies]
strategy:
  copy:
    slices: 4
    batch_size: 1000
    concurrency: 4
    copy_settings: { number_of_replicas: 0 }
    reconcile_deletes: false   # nothing is deleted; the fill is not what is measured
cutover: { approved: true, block_source_writes: false }
$1
EOF
}
plan "verify: { level: counts, doc_count: true }" >"$WORK/plan.yaml"
(cd "$WORK" && "$BIN/migrate" apply plan.yaml --output plain >"$WORK/apply.out" 2>"$WORK/apply.err") ||
  { echo "apply failed: see $WORK/apply.err" >&2; exit 1; }
[ "$(count "$DST" movies)" = "$DOCS" ] || { echo "destination not filled" >&2; exit 1; }
plan "verify: { level: proof }" >"$WORK/plan.yaml"

# Runs a command under GNU time; appends "name seconds rss_kb" to the results.
timed() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err" ||
    { echo "$name failed (exit $?): see $WORK/$name.err" >&2; cat "$WORK/$name.out" >&2; exit 1; }
  read -r secs rss <"$WORK/$name.time"
  echo "$name $secs $rss" >>"$WORK/results"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
timed read "$BIN/examples/read_both" --source "$SRC" --destination "$DST" --index movies
timed verify env --chdir="$WORK" "$BIN/migrate" verify plan.yaml --output plain
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

grep -q "\"source_docs\":$DOCS,\"destination_docs\":$DOCS," "$WORK/read.out" ||
  { echo "the read did not see every document: $(cat "$WORK/read.out")" >&2; exit 1; }
# The table goes to stderr; the `movies` row must end "clean".
cat "$WORK/verify.out" "$WORK/verify.err" | grep -Eq '^movies .* clean\s*$' ||
  { echo "verify was not clean: see $WORK/verify.err" >&2; exit 1; }

echo "documents: $DOCS of ~$BYTES bytes on each side; source ES ${SOURCE_VERSION:-7.17.22} sandbox (point in time), destination OpenSearch 2.11.0 sandbox (sliced scroll)"
echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER ($(nproc) cores)"
printf '%-26s %9s %12s\n' run seconds "peak RSS MB"
while read -r name secs rss; do
  label=$([ "$name" = read ] && echo "full read of both sides" || echo "migrate verify (proof)")
  printf '%-26s %9s %12.1f\n' "$label" "$secs" "$(echo "$rss / 1024" | bc -l)"
done <"$WORK/results"
read -r _ read_secs _ < <(grep '^read ' "$WORK/results")
read -r _ verify_secs verify_rss < <(grep '^verify ' "$WORK/results")
ratio=$(echo "$verify_secs / $read_secs" | bc -l)
printf 'ratio verify / read: %.2f (goal <= 1.5); verify peak RSS %.1f MB (goal < 200)\n' \
  "$ratio" "$(echo "$verify_rss / 1024" | bc -l)"
