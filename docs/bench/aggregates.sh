#!/usr/bin/env bash
# docs/bench/aggregates.sh DB — issue 20, item 5: sixteen concurrent
# /api/sources and /api/histogram requests against a server holding DB
# (the 1,000,000-incident database of docs/bench.sh), while /api/version is
# probed twice a second. docs/bench.sh runs it; it also runs alone:
#
#   docs/bench/aggregates.sh /tmp/incidentmap-bench/gen-1000000.db
#
# Each run starts a fresh server and waits until it is warm (gazetteer,
# point cache and cluster pyramid loaded), then runs wrk -t2 -c16 with
# docs/bench/aggregates.lua for DURATION seconds. One line per run goes to
# stdout (and to OUT when set), as key=value fields:
#   aggregates run=N rps= p50_ms= p99_ms= max_ms= requests= s429= other= timeouts=
#     version_n= version_p50_ms= version_max_ms= version_slow= idle_rss_mb= peak_rss_mb= after_rss_mb= load= duration=
# version_slow counts probes that took 100 ms or more (or failed);
# peak_rss_mb is VmHWM of the server process, reset to its idle RSS just
# before the load (/proc/PID/clear_refs), so it is the peak under the load;
# after_rss_mb is VmRSS 5 s after the load; load is the 1-minute load
# average when the load starts (the machine may be shared).
#
# Environment: BIN (default bin/incidentmap), RUNS (default 5), DURATION
# (seconds, default 20), PORT (default 18932), OUT (a file to append the
# lines to), COLD=1 to start the load at the first answer instead of when
# warm (the point cache still loading), SCRIPT=healthz.lua for the
# control run (the same load on /healthz; the lines then start with
# "control" instead of "aggregates").
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
DB=${1:?usage: docs/bench/aggregates.sh DB}
BIN=${BIN:-$ROOT/bin/incidentmap}
RUNS=${RUNS:-5}
DUR=${DURATION:-20}
ADDR=127.0.0.1:${PORT:-18932}
SCRIPT=${SCRIPT:-aggregates.lua}
KIND=aggregates
[ "$SCRIPT" = aggregates.lua ] || KIND=control
LOG=$(mktemp -d)
PID=
stop() { [ -n "$PID" ] && kill "$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true; PID=; }
trap 'stop; rm -rf "$LOG"' EXIT
mb() { awk -v k="$2:" '$1 == k {print int($2/1024)}' "/proc/$1/status"; }
for run in $(seq 1 "$RUNS"); do
	"$BIN" serve --db "$DB" --addr "$ADDR" >"$LOG/serve.log" 2>&1 &
	PID=$!
	until curl -fs -o /dev/null "http://$ADDR/api/version"; do
		kill -0 "$PID" 2>/dev/null || { echo "aggregates: server died: $(tail -3 "$LOG/serve.log")" >&2; exit 1; }
		sleep 0.05
	done
	if [ "${COLD:-0}" != 1 ]; then
		for _ in $(seq 1 1200); do
			grep -q "cluster pyramid ready" "$LOG/serve.log" && break
			sleep 0.1
		done
		sleep 2
	fi
	idle=$(mb "$PID" VmRSS)
	load=$(cut -d' ' -f1 /proc/loadavg)
	echo 5 >"/proc/$PID/clear_refs" 2>/dev/null || true
	: >"$LOG/version.txt"
	wrk -t2 -c16 -d"${DUR}s" --timeout 300s -s "$ROOT/docs/bench/$SCRIPT" "http://$ADDR" >"$LOG/wrk.txt" 2>&1 &
	WRK=$!
	sleep 0.5
	# Probes in the background, each on its own, so that a slow answer
	# does not thin out the samples after it.
	probes=()
	while kill -0 "$WRK" 2>/dev/null; do
		curl -s -o /dev/null -m 300 -w '%{http_code} %{time_total}\n' "http://$ADDR/api/version" >>"$LOG/version.txt" &
		probes+=($!)
		sleep 0.5
	done
	wait "$WRK" || true
	peak=$(mb "$PID" VmHWM)
	wait "${probes[@]}" 2>/dev/null || true
	sleep 5
	after=$(mb "$PID" VmRSS)
	result=$(grep '^RESULT' "$LOG/wrk.txt" | sed 's/^RESULT //') || { echo "aggregates: wrk failed: $(cat "$LOG/wrk.txt")" >&2; exit 1; }
	version=$(sort -n -k2 "$LOG/version.txt" | awk '{ ms = $2 * 1000; n++; v[n] = ms; if ($1 != 200 || ms >= 100) slow++; if (ms > max) max = ms }
		END { printf "version_n=%d version_p50_ms=%.1f version_max_ms=%.1f version_slow=%d", n, v[int((n + 1) / 2)], max, slow + 0 }')
	line="$KIND run=$run $result $version idle_rss_mb=$idle peak_rss_mb=$peak after_rss_mb=$after load=$load duration=$DUR"
	echo "$line"
	[ -n "${OUT:-}" ] && echo "$line" >>"$OUT"
	stop
done
