# Shared by the benchmark scripts (sourced, not run): sandbox processes on free ports, cleaned up on
# exit; document counts; a loader measured under GNU time. Expects BIN, WORK and DST to be set.

# Sandboxes start inside $(...): their pids go to a file the exit trap reads.
cleanup() {
  [ -f "$WORK/pids" ] || return 0
  while read -r p; do kill "$p" 2>/dev/null || true; done <"$WORK/pids"
}
trap cleanup EXIT

# Starts a sandbox on a free port; prints its URL.
start_sandbox() {
  local flavor=$1 version=$2 log=$3
  "$BIN/migrate-sandbox" --flavor "$flavor" --version "$version" --port 0 "${@:4}" >"$log" 2>"$log.err" &
  echo $! >>"$WORK/pids"
  for _ in $(seq 100); do
    if grep -q "listening on" "$log" 2>/dev/null; then
      sed -n 's/.*listening on //p' "$log" | head -1
      return
    fi
    sleep 0.1
  done
  echo "sandbox $flavor $version did not start" >&2
  exit 1
}
count() { curl -s "$1/$2/_count" | sed -n 's/.*"count":\([0-9]*\).*/\1/p'; }
# Runs a loader under GNU time; appends "name docs seconds rss_kb" to the results.
measure() {
  local name=$1 index=$2; shift 2
  /usr/bin/time -f "%e %M" -o "$WORK/$name.time" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  curl -s -XPOST "$DST/$index/_refresh" >/dev/null
  read -r secs rss <"$WORK/$name.time"
  echo "$name $(count "$DST" "$index") $secs $rss" >>"$WORK/results"
}

