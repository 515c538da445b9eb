#!/usr/bin/env bash
# bench-map.sh: the browser benchmark of the map (issue 6, item 1), run by
# `make bench-map` after building bin/incidentmap and installing Chromium.
# It generates a database of 100,000 incidents (reused when present), then
# RUNS times starts a fresh server on a copy of it (empty tile and response
# caches), waits until the gazetteer and the cluster pyramid are loaded,
# and runs static/test/bench-server.mjs against it: first render, then ten
# pans and ten zooms, each timed until the new view is drawn.
#   BENCH_DIR  where the database and logs go (default: $TMPDIR/incidentmap-bench)
#   RUNS       fresh servers to measure (default 3)
#   INCIDENTS  incidents to generate (default 100000)
#   SETTLE     seconds to wait after the loads (default 5): the server is
#              measured running, not in the seconds its start-up garbage
#              is collected
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=$PWD/bin/incidentmap
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/incidentmap-bench}
RUNS=${RUNS:-3}
N=${INCIDENTS:-100000}
ADDR=127.0.0.1:${PORT:-8097}
mkdir -p "$DIR"
db=$DIR/gen-$N.db
if [ ! -f "$db" ]; then
	echo "generating $N incidents into $db"
	"$BIN" generate --db "$db.tmp" --incidents "$N" --seed 1
	rm -f "$db.tmp-wal" "$db.tmp-shm"
	mv "$db.tmp" "$db"
fi
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null; rm -f "$DIR"/map-run.db*' EXIT
for i in $(seq 1 "$RUNS"); do
	cp "$db" "$DIR/map-run.db"
	"$BIN" serve --db "$DIR/map-run.db" --addr "$ADDR" >"$DIR/map-serve.log" 2>&1 &
	PID=$!
	for _ in $(seq 1 1200); do # at most 2 minutes
		grep -q "gazetteer ready" "$DIR/map-serve.log" && grep -q "cluster pyramid ready" "$DIR/map-serve.log" && break
		kill -0 "$PID" 2>/dev/null || { echo "server died: $(tail -5 "$DIR/map-serve.log")"; exit 1; }
		sleep 0.1
	done
	sleep "${SETTLE:-5}"
	echo "run $i of $RUNS ($(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg))"
	node static/test/bench-server.mjs "http://$ADDR"
	kill "$PID"
	wait "$PID" 2>/dev/null || true
	PID=
done
