#!/usr/bin/env bash
# docs/bench.sh — issue 8's benchmarks, end to end; `make bench` runs it
# after building bin/incidentmap and installing wrk. It generates the
# databases it needs, runs the Go benchmarks, load-tests the server with
# wrk, measures start-up, memory, ingest and export, and writes
# docs/performance.md.
#
# Environment:
#   BENCH_DIR     where databases and logs go (default: $TMPDIR/incidentmap-bench);
#                 generated databases are reused when present.
#   BENCH_SIZES   table sizes for the scale curve (default: "10000 100000 1000000")
#   BENCH_10M=1   also 10,000,000 incidents (about 10 GB and a long generation)
#   BENCH_DURATION  seconds per wrk run (default 10)
#   BENCH_AGG_RUNS  servers started for docs/bench/aggregates.sh (default 5)
#   BENCH_OUT     the report (default docs/performance.md)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=${BIN:-$ROOT/bin/incidentmap}
DIR=${BENCH_DIR:-${TMPDIR:-/tmp}/incidentmap-bench}
SIZES=${BENCH_SIZES:-"10000 100000 1000000"}
[ "${BENCH_10M:-0}" = 1 ] && SIZES="$SIZES 10000000"
DUR=${BENCH_DURATION:-10}
OUT=${BENCH_OUT:-$ROOT/docs/performance.md}
PORT=${BENCH_PORT:-18931}
ADDR=127.0.0.1:$PORT
LUA=$ROOT/docs/bench
WRK="wrk -t2 -c16 -d${DUR}s"
mkdir -p "$DIR"
[ -x "$BIN" ] || { echo "bench: $BIN missing: run make build" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk missing: make debs-bench" >&2; exit 1; }

log() { echo "bench: $*" >&2; }
results=$DIR/results.txt
: >"$results"
rec() { echo "$*" >>"$results"; } # key value lines, read back by the report

# The queries of issue 8 (and the two tiles).
Q_REGION="/api/incidents?bbox=36.0,35.5,37.2,36.3&limit=1000"
Q_FILTER="/api/incidents?bbox=36.0,35.5,37.2,36.3&limit=1000&from=2016-01-01&to=2017-12-31&source=Levant%20Times"
Q_CITY="/api/incidents?bbox=36.58,35.89,36.70,35.97&limit=1000"
Q_SMALL="/api/incidents?bbox=44.30,33.25,44.45,33.40&limit=1000" # Baghdad: a town with few incidents
T_Z8="/tiles/incidents/8/154/100.mvt"                               # Idlib
T_Z4="/tiles/incidents/4/9/6.mvt"                                   # the Middle East
QUERIES="region:$Q_REGION filter:$Q_FILTER city:$Q_CITY small:$Q_SMALL"

# --- machine ---------------------------------------------------------------
rec "date $(date -u +%Y-%m-%dT%H:%MZ)"
rec "nproc $(nproc)"
rec "cpu $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
rec "ram $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
rec "go $(go version | awk '{print $3}')"
rec "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with local changes)')"
rec "load_before $(cut -d' ' -f1-3 /proc/loadavg)"

# --- databases -------------------------------------------------------------
# One base database with the default gazetteer, copied for every size, so
# the gazetteer is imported once.
if [ ! -f "$DIR/base.db" ]; then
	log "base database (default gazetteer)"
	"$BIN" generate --db "$DIR/base.db" --incidents 0
fi
for n in $SIZES; do
	db=$DIR/gen-$n.db
	if [ ! -f "$db" ]; then
		log "generating $n incidents"
		cp "$DIR/base.db" "$db.tmp"
		# From 10M the load drops the indexes and rebuilds them at the end
		# (--offline): several times faster than keeping them up to date.
		off=; [ "$n" -ge 10000000 ] && off=--offline
		"$BIN" generate --db "$db.tmp" --incidents "$n" --seed 1 $off | tee "$DIR/generate-$n.txt"
		rm -f "$db.tmp-wal" "$db.tmp-shm"
		mv "$db.tmp" "$db"
	fi
	rec "generate $n $(grep -o '([0-9]* incidents/s)' "$DIR/generate-$n.txt" 2>/dev/null | tr -dc 0-9)"
	rec "dbsize $n $(du -m "$db" | cut -f1)"
done

# --- Go benchmarks -----------------------------------------------------------
# The store's BenchmarkFindIncidentsDB runs on the largest generated
# database (1M when present).
log "Go benchmarks"
INCIDENTMAP_BENCH_DB=$DIR/gen-$(echo "$SIZES" | tr ' ' '\n' | grep -x 1000000 || echo "$SIZES" | awk '{print $NF}').db \
	go test -run '^$' -bench . -benchtime "${BENCH_GOTIME:-2s}" \
	./geo/... ./tiles ./cmd/incidentmap/internal/export ./cmd/incidentmap/internal/store \
	>"$DIR/gobench.txt" 2>&1 || log "some Go benchmarks failed: see $DIR/gobench.txt"
# The whole /api/incidents handler on that database, uncached.
INCIDENTMAP_BENCH_DB=$DIR/gen-$(echo "$SIZES" | tr ' ' '\n' | grep -x 1000000 || echo "$SIZES" | awk '{print $NF}').db \
	go test -run '^$' -bench IncidentListDB -benchtime "${BENCH_GOTIME:-2s}" ./cmd/incidentmap/internal/server \
	>>"$DIR/gobench.txt" 2>&1 || log "some Go benchmarks failed: see $DIR/gobench.txt"

# --- server helpers ------------------------------------------------------------
PID=
start_server() { # db [serve flags...]: starts the server, records start-up time in STARTUP_MS
	local t1 db=$1
	shift
	T0=$(date +%s%N)
	"$BIN" serve --db "$db" --addr "$ADDR" "$@" >"$DIR/serve.log" 2>&1 &
	PID=$!
	until curl -fs -o /dev/null "http://$ADDR/api/incidents?limit=1"; do
		kill -0 "$PID" 2>/dev/null || { log "server died: $(tail -5 "$DIR/serve.log")"; exit 1; }
		sleep 0.01
	done
	t1=$(date +%s%N)
	STARTUP_MS=$(((t1 - T0) / 1000000))
}
# wait_warm: waits until the server started by start_server has loaded
# what it loads in the background (the gazetteer; from 20,000 incidents the
# point cache and the cluster pyramid), so that idle memory and the load runs
# measure the server as it runs, not half-started. Sets READY_MS (from launch).
wait_warm() {
	local n=$1 i
	for i in $(seq 1 1200); do # at most 2 minutes
		if grep -q "gazetteer ready" "$DIR/serve.log" &&
			{ [ "$n" -lt 20000 ] || grep -q "cluster pyramid ready" "$DIR/serve.log"; }; then
			break
		fi
		sleep 0.1
	done
	READY_MS=$((($(date +%s%N) - T0) / 1000000))
	# Idle means idle: serve hands spare heap back to the OS once a 10 s
	# sampling interval has passed without requests (trimWhenIdle), so
	# up to 20 s after the last load; a server between users is that.
	sleep 25
}
stop_server() {
	[ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
	PID=
}
trap stop_server EXIT
rss() { awk -v k="$2:" '$1 == k {print int($2/1024)}' "/proc/$1/status"; } # MB of VmRSS or VmHWM
run_wrk() { # name url [script]
	local out
	out=$($WRK --latency -s "${3:-$LUA/report.lua}" "http://$ADDR$2" 2>&1)
	echo "$out" >"$DIR/wrk-$1.txt"
	echo "$out" | grep '^RESULT' | sed 's/^RESULT //'
}
matched() { curl -fs "http://$ADDR$1" | grep -o '"numberMatched":[0-9]*,"numberReturned":[0-9]*' | tr -dc '0-9,' | sed 's/,/ /'; }

# --- load runs per size ---------------------------------------------------------
for n in $SIZES; do
	db=$DIR/gen-$n.db
	log "serving $n incidents"
	start_server "$db"
	rec "startup $n $STARTUP_MS"
	rec "startup_rss $n $(rss "$PID" VmRSS)"
	wait_warm "$n"
	rec "ready $n $READY_MS"
	rec "idle_rss $n $(rss "$PID" VmRSS)"
	for q in $QUERIES; do
		name=${q%%:*} url=${q#*:}
		rec "matched $n $name $(matched "$url")"
		curl -fs -o /dev/null "http://$ADDR$url" # warm the page cache and the response cache
		log "  $name: cached"
		rec "wrk $n $name cached $(run_wrk "$n-$name-cached" "$url")"
		log "  $name: uncached"
		rec "wrk $n $name uncached $(run_wrk "$n-$name-uncached" "$url" "$LUA/jitter.lua")"
	done
	for t in z8:$T_Z8 z4:$T_Z4; do
		name=${t%%:*} url=${t#*:}
		code=$(curl -s -o "$DIR/tile-$n-$name.mvt" -w '%{http_code}' "http://$ADDR$url")
		rec "tilesize $n $name $code $(stat -c %s "$DIR/tile-$n-$name.mvt")"
		log "  tile $name"
		rec "wrk $n tile-$name cached $(run_wrk "$n-tile-$name" "$url")"
	done
	rec "peak_rss $n $(rss "$PID" VmHWM)"
	# RssFile counts SQLite's memory-mapped database pages once per
	# connection mapping them; RssAnon is the process's own memory.
	rec "rss_split $n $(rss "$PID" RssAnon) $(rss "$PID" RssFile)"
	stop_server
done

big=$(echo "$SIZES" | tr ' ' '\n' | grep -x 1000000 || echo "$SIZES" | awk '{print $NF}')

# --- cold reads ----------------------------------------------------------------------
# "Uncached" above still finds the page's incidents in the row cache (pages
# are in id order, so jittered boxes ask for the same rows); with the row
# cache off every request reads its page through SQL: a never-seen area.
log "cold reads at $big incidents (--row-cache-mb 0)"
start_server "$DIR/gen-$big.db" --row-cache-mb 0
wait_warm "$big"
for q in region:$Q_REGION filter:$Q_FILTER city:$Q_CITY; do
	name=${q%%:*} url=${q#*:}
	log "  $name: cold"
	rec "wrk $big $name cold $(run_wrk "$big-$name-cold" "$url" "$LUA/jitter.lua")"
done
stop_server

# --- export memory (issue 5 item 4) ---------------------------------------------
log "export memory at $big incidents"
start_server "$DIR/gen-$big.db"
wait_warm "$big"
curl -fs -o /dev/null "http://$ADDR$Q_REGION"
idle=$(rss "$PID" VmRSS)
echo 5 >"/proc/$PID/clear_refs" 2>/dev/null || true # reset VmHWM to the current RSS
t0=$(date +%s%N)
bytes=$(curl -fs -o /dev/null -w '%{size_download}' "http://$ADDR/api/export?format=geojson")
t1=$(date +%s%N)
rec "export $big $idle $(rss "$PID" VmHWM) $bytes $(((t1 - t0) / 1000000))"
stop_server

# --- /api/sources and /api/histogram under load (issue 20, item 5) ----------------------
# Sixteen concurrent counts against a warm server while /api/version is
# probed; several fresh servers, so the report gives the median and the
# range. One "aggregates run=N ..." line per run goes to the results.
log "sources and histogram under load at $big incidents"
stop_server
BIN=$BIN RUNS=${BENCH_AGG_RUNS:-5} DURATION=$DUR PORT=$((PORT + 1)) OUT=$results \
	"$ROOT/docs/bench/aggregates.sh" "$DIR/gen-$big.db" >&2
# The control: the same load on /healthz ("control run=N ..." lines).
BIN=$BIN RUNS=${BENCH_AGG_RUNS:-5} DURATION=$DUR PORT=$((PORT + 1)) OUT=$results SCRIPT=healthz.lua \
	"$ROOT/docs/bench/aggregates.sh" "$DIR/gen-$big.db" >&2

# --- ingest throughput ---------------------------------------------------------------
# 3,000 reports: the rate is the difference of two runs that each start by
# loading the gazetteer (~2 s). With 500 reports (0.4-1 s of ingest) that
# start-up's jitter moved the rate between 490 and 1,440 reports/s from one
# run to the next on one machine; at 3,000 it stays within ~15%.
NREP=${BENCH_REPORTS:-3000}
log "ingest of $NREP generated reports"
rm -rf "$DIR/reports" "$DIR/reports-1" && mkdir -p "$DIR/reports-1"
"$BIN" generate --report-texts "$NREP" --out "$DIR/reports" --seed 7
cp "$DIR/reports/gen-000000.txt" "$DIR/reports/source" "$DIR/reports-1/"
avg=$(cat "$DIR"/reports/gen-*.txt | wc -c)
cp "$DIR/base.db" "$DIR/ingest.db" && rm -f "$DIR/ingest.db-wal" "$DIR/ingest.db-shm"
t0=$(date +%s%N)
"$BIN" ingest --db "$DIR/ingest.db" "$DIR/reports-1" >/dev/null
t1=$(date +%s%N)
"$BIN" ingest --db "$DIR/ingest.db" "$DIR/reports" >"$DIR/ingest.txt"
t2=$(date +%s%N)
# The first run is start-up plus one report; the second start-up plus the
# other NREP-1 (the first is already stored): the difference is ingest.
rec "ingest $NREP $(((t1 - t0) / 1000000)) $(((t2 - t1) / 1000000)) $((avg / NREP)) $(grep -o '^[0-9]* stored' "$DIR/ingest.txt" | tr -dc 0-9)"
rec "load_after $(cut -d' ' -f1-3 /proc/loadavg)"

log "writing $OUT"
"$ROOT/docs/bench/report.sh" "$results" "$DIR" >"$OUT"
log "done: $OUT"
