#!/usr/bin/env bash
# snapshot_reindex killed with SIGKILL in the middle of a shard and resumed (issue 21): a source
# sandbox (Elasticsearch 7.10, 4 shards) seeded with DOCS generated documents, `migrate apply`
# (snapshot in an fs repository, its Lucene files read and bulk-loaded into an OpenSearch 2.11
# sandbox) killed once the state's checkpoint shows a shard part-way through (polled from the
# state, never a timed kill), then `migrate apply` again. Passes only when
#   - the resumed run exits 0 and its verify step's proof is clean (level `proof`: every `_id` both
#     ways and every document's content compared),
#   - every shard the kill left part-way resumed after its checkpointed (segment, document), not
#     from its first document, and the resumed run wrote exactly the documents after the
#     checkpoints (DOCS minus the checkpointed count),
#   - the destination holds DOCS documents.
#
#   scripts/kill-resume-snapshot-reindex.sh [DOCS] [DOC_BYTES] [KILL_AT]
#       # defaults: 1000000 1000 0.4 (kill once 40 % of the documents are checkpointed)
#
# Not part of CI (release build, minutes). Everything it makes lives under target/ and is removed
# when it passes (KEEP=1 keeps it).
set -euo pipefail
cd "$(dirname "$0")/.."

DOCS=${1:-1000000}
BYTES=${2:-1000}
KILL_AT=${3:-0.4}
WORK=$PWD/target/kill-resume-snapshot-reindex
rm -rf "$WORK" && mkdir -p "$WORK/repo"

PROFILE=${PROFILE:-release}
cargo build --profile "$PROFILE" -q -p migrate-cli --bin migrate -p migrate-sandbox --bin migrate-sandbox
cargo build --profile "$PROFILE" -q -p migrate-cluster --example raw_bulk
BIN=$PWD/target/$([ "$PROFILE" = dev ] && echo debug || echo "$PROFILE")

fail() {
  echo "FAIL: $*" >&2
  exit 1
}
say() { echo "[$(date -u +%T)] $*"; }

source scripts/bench-lib.sh
SRC=$(start_sandbox elasticsearch 7.10.2 "$WORK/source.log" --path-repo "$WORK/repo")
DST=$(start_sandbox opensearch 2.11.0 "$WORK/destination.log")

say "seeding $DOCS documents of ~$BYTES bytes into the source ($SRC)"
curl -s -XPUT "$SRC/movies" -H 'content-type: application/json' \
  -d '{"settings":{"number_of_shards":4,"number_of_replicas":0}}' >/dev/null
"$BIN/examples/raw_bulk" --url "$SRC" --index movies --docs "$DOCS" --doc-bytes "$BYTES" >/dev/null
curl -s -XPOST "$SRC/movies/_refresh" >/dev/null
[ "$(count "$SRC" movies)" = "$DOCS" ] || fail "the source was not seeded"

cat >"$WORK/plan.yaml" <<EOF
version: 1
name: kill-resume-snapshot-reindex
source: { url: "$SRC" }
destination: { url: "$DST" }
indexes: [movies]
strategy:
  snapshot_reindex:
    repository: killresume
    store: { fs: { location: "$WORK/repo/killresume" } }
cutover: { approved: true, block_source_writes: false }
verify: { level: proof, doc_count: true }
EOF

state() { "$BIN/migrate" state show "$WORK/plan.yaml" 2>/dev/null || true; }
# The snapshot-reindex step's checkpoint: { "<index>/<shard>": { done, segment, doc, docs } }.
checkpoint() {
  jq -c '[.steps | to_entries[] | select(.key | startswith("snapshot-reindex/"))
          | .value.handle.shards // {} | to_entries[]] | from_entries'
}

say "migrate apply (run 1), to be killed once ${KILL_AT} of the documents are checkpointed"
START=$(date +%s.%N)
(cd "$WORK" && exec "$BIN/migrate" apply plan.yaml --output json >run1.jsonl 2>run1.err) &
PID=$!
KILLED=
while kill -0 "$PID" 2>/dev/null; do
  marks=$(state | checkpoint)
  if [ -n "$marks" ] && echo "$marks" | jq -e --argjson docs "$DOCS" --argjson at "$KILL_AT" '
      ([.[] | .docs] | add // 0) >= $docs * $at
      and any(.[]; (.done | not) and .doc != null)' >/dev/null; then
    kill -KILL "$PID"
    KILLED=1
    break
  fi
  sleep 0.2 # polling interval of the state, not a synchronisation
done
wait "$PID" 2>/dev/null && rc=0 || rc=$?
[ -n "$KILLED" ] || fail "run 1 ended (exit $rc) before the kill point; see $WORK/run1.err"
[ "$rc" = 137 ] || fail "run 1 exited $rc, not killed by SIGKILL"
KILL_SECS=$(echo "$(date +%s.%N) - $START" | bc -l)

# What the state says after the kill: only acknowledged batches are in it.
AT_KILL=$(state | checkpoint)
echo "$AT_KILL" | jq . >"$WORK/checkpoint-at-kill.json"
CHECKPOINTED=$(echo "$AT_KILL" | jq '[.[] | .docs] | add // 0')
MID=$(echo "$AT_KILL" | jq -c '[to_entries[] | select((.value.done | not) and .value.doc != null)
                                | {key, segment: .value.segment, doc: .value.doc}]')
[ "$(echo "$MID" | jq length)" -gt 0 ] || fail "no shard was part-way at the kill"
say "killed after $(printf %.1f "$KILL_SECS") s: $CHECKPOINTED documents checkpointed; part-way: $MID"
say "destination count at the kill: $(curl -s -XPOST "$DST/movies/_refresh" >/dev/null; count "$DST" movies)"

say "migrate apply (run 2, resuming)"
START=$(date +%s.%N)
(cd "$WORK" && exec "$BIN/migrate" apply plan.yaml --output json >run2.jsonl 2>run2.err) ||
  fail "the resumed run failed; see $WORK/run2.err and $WORK/run2.jsonl"
RESUME_SECS=$(echo "$(date +%s.%N) - $START" | bc -l)

FINAL=$(state)
# The round the kill interrupted: the first loading round (round-1 sorts after `final`, which
# loads only what changed after it).
STEP=$(echo "$FINAL" | jq -c '[.steps | to_entries[] | select(.key | startswith("snapshot-reindex/"))]
  | sort_by(.key | endswith("/final")) | .[0].value')
[ "$(echo "$STEP" | jq -r .status)" = done ] || fail "the snapshot-reindex step is not done"
# Every shard part-way at the kill resumed after exactly its checkpointed position.
RESUMED=$(echo "$STEP" | jq -c '.outputs.resumed // {}')
echo "$MID" | jq -e --argjson resumed "$RESUMED" \
  'all(.[]; $resumed[.key].segment == .segment and $resumed[.key].doc == .doc)' >/dev/null ||
  fail "a part-way shard did not resume at its checkpoint: part-way $MID, resumed $RESUMED"
# The resumed run wrote the documents after the checkpoints, and no more.
WRITTEN=$(echo "$STEP" | jq '.outputs.written_this_attempt')
[ "$WRITTEN" = "$((DOCS - CHECKPOINTED))" ] ||
  fail "the resumed run wrote $WRITTEN documents; after the checkpoints there were $((DOCS - CHECKPOINTED))"
# The proof: verify's verdict for the index.
VERIFY=$(echo "$FINAL" | jq -c '[.steps | to_entries[] | select(.key | startswith("verify"))][0].value')
[ "$(echo "$VERIFY" | jq -r .status)" = done ] || fail "verify did not pass: $VERIFY"
[ "$(echo "$VERIFY" | jq -r .outputs.clean)" = true ] || fail "the proof is not clean: $VERIFY"
curl -s -XPOST "$DST/movies/_refresh" >/dev/null
[ "$(count "$DST" movies)" = "$DOCS" ] || fail "the destination holds $(count "$DST" movies) documents, not $DOCS"

echo "$VERIFY" | jq '.outputs' >"$WORK/verify-outputs.json"
echo
echo "documents: $DOCS of ~$BYTES bytes; source ES 7.10.2 sandbox (4 shards), destination OpenSearch 2.11.0 sandbox"
echo "run 1: killed (SIGKILL) after $(printf %.1f "$KILL_SECS") s with $CHECKPOINTED documents checkpointed, shards part-way: $MID"
echo "run 2: resumed, wrote $WRITTEN documents ($(printf %.1f "$RESUME_SECS") s including the proof); verify: done, proof clean"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
echo "PASS"
[ -n "${KEEP:-}" ] || { cleanup; rm -rf "$WORK"; }
