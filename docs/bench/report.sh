#!/usr/bin/env bash
# docs/bench/report.sh RESULTS DIR — turns docs/bench.sh's results file
# (key value lines) and Go benchmark output into docs/performance.md on
# stdout. Targets are issue 8's.
set -euo pipefail
R=$1
DIR=$2
get() { awk -v k="$1" '$1 == k { $1 = ""; sub(/^ /, ""); print; exit }' "$R"; }
# wrkf SIZE NAME MODE FIELD: one figure of a wrk run
wrkf() { awk -v n="$1" -v q="$2" -v m="$3" -v f="$4" '$1 == "wrk" && $2 == n && $3 == q && $4 == m {
	for (i = 5; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' "$R"; }
sizes=$(awk '$1 == "dbsize" {print $2}' "$R")
big=$(echo "$sizes" | grep -x 1000000 || echo "$sizes" | tail -1)
fmt() { awk -v x="$1" 'BEGIN { if (x == "") print "—"; else printf "%s", x }'; }
# aggvals FIELD [KIND]: the field's values over docs/bench/aggregates.sh's
# runs (KIND aggregates, or control for the /healthz runs), sorted
aggvals() { awk -v f="$1" -v k="${2:-aggregates}" '$1 == k { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == f) print kv[2] } }' "$R" | sort -g; }
# aggstat FIELD [KIND]: "median (min–max)" of those values; "—" when none
aggstat() { aggvals "$1" "${2:-}" | awk '{ v[NR] = $1 } END { if (NR == 0) { printf "—"; exit }
	m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
	if (v[1] == v[NR]) printf "%s", m; else printf "%s (%s–%s)", m, v[1], v[NR] }'; }
aggmax() { aggvals "$1" | tail -1; }
verdict() { # value op target
	awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN {
		if (v == "") { print "not measured"; exit }
		ok = (op == ">=") ? v >= t : v <= t
		r = (op == ">=") ? v / t : t / v
		if (ok) printf "**met** (%.1f× the target)", r; else printf "**not met** (%.0f%% of the target)", 100 * r }'
}

cat <<EOF
# Performance

Issue 8's benchmarks, written by \`make bench\` (\`docs/bench.sh\`, which calls
\`docs/bench/report.sh\`). Every figure below comes from the run described here; re-run
\`make bench\` to refresh them. Runs on a busy machine are slower: the load average before and after
the run is recorded.

## Machine and run

| | |
|---|---|
| date (UTC) | $(get date) |
| CPU | $(get cpu), $(get nproc) cores (nproc) |
| RAM | $(get ram) |
| Go | $(get go) |
| commit | $(get commit) |
| load average before / after | $(get load_before) / $(get load_after) |

Commands (all from the repository root):

\`\`\`sh
make bench                       # = make build debs-bench && ./docs/bench.sh
BENCH_10M=1 make bench           # adds the 10,000,000-incident database (long)
bin/incidentmap generate --db DB --incidents N --seed 1     # the databases
bin/incidentmap serve --db DB --addr 127.0.0.1:18931
wrk -t2 -c16 -d10s --latency -s docs/bench/report.lua  'http://127.0.0.1:18931/QUERY'   # cached
wrk -t2 -c16 -d10s --latency -s docs/bench/jitter.lua  'http://127.0.0.1:18931/QUERY'   # uncached
bin/incidentmap serve --db DB --addr 127.0.0.1:18931 --row-cache-mb 0                    # then jitter.lua: cold
go test -run '^\$' -bench . ./geo/... ./tiles ./cmd/incidentmap/internal/export ./cmd/incidentmap/internal/store
\`\`\`

"Cached" repeats one URL, so after the first request the server answers from its response cache
(encoded pages keyed by data version and normalised query, \`internal/server/cache.go\`) — what a
popular view, an embed or a polling dashboard costs. "Uncached" (\`jitter.lua\`) moves the bbox's
east edge by a different 10⁻⁷° on every request, so neither the response cache nor the count cache
can answer: what a stream of distinct map views over one area costs. Its page's incidents still come
from the row cache (incidents read for pages, by id and data version, \`internal/store/rowcache.go\`):
pages are in id order, so boxes over one area share most of their rows. "Cold" is the same run
against a server started with \`--row-cache-mb 0\`: every page's rows read through SQL (encoded
features are still reused), as for areas nobody has looked at since the last write.

## Targets at $big incidents (wrk -t2 -c16, loopback)

| query | target | measured (cached) | verdict | uncached | cold |
|---|---|---|---|---|---|
EOF
row() { # name label rps_target p99_target
	local rps p99 urps up99 crps cp99
	rps=$(wrkf "$big" "$1" cached rps) p99=$(wrkf "$big" "$1" cached p99_ms)
	urps=$(wrkf "$big" "$1" uncached rps) up99=$(wrkf "$big" "$1" uncached p99_ms)
	crps=$(wrkf "$big" "$1" cold rps) cp99=$(wrkf "$big" "$1" cold p99_ms)
	local v
	v="$(verdict "$rps" ">=" "$3")"
	[ -n "$4" ] && v="$v; p99 $(verdict "$p99" "<=" "$4")"
	local tgt="≥ $3 req/s"
	[ -n "$4" ] && tgt="$tgt, p99 ≤ $4 ms"
	echo "| $2 | $tgt | $(fmt "$rps") req/s, p99 $(fmt "$p99") ms | $v | $(fmt "$urps") req/s, p99 $(fmt "$up99") ms | $(fmt "$crps") req/s, p99 $(fmt "$cp99") ms |"
}
row region '`bbox=36.0,35.5,37.2,36.3&limit=1000`' 250 150
row filter 'same + `from=2016-01-01&to=2017-12-31&source=Levant Times`' 200 200
row city 'Idlib city `bbox=36.58,35.89,36.70,35.97&limit=1000`' 400 ""
for z in z8 z4; do
	rps=$(wrkf "$big" "tile-$z" cached rps) p95=$(wrkf "$big" "tile-$z" cached p95_ms)
	echo "| tile $z $( [ $z = z8 ] && echo 'over Idlib (8/154/100)' || echo 'over the Middle East (4/9/6)') | ≥ 100 tiles/s, p95 ≤ 50 ms | $(fmt "$rps") tiles/s, p95 $(fmt "$p95") ms | $(verdict "$rps" ">=" 100); p95 $(verdict "$p95" "<=" 50) | — | — |"
done
read -r ing_n ing_t1 ing_t2 ing_avg ing_stored <<<"$(get ingest)"
ing_rate=$(awk -v n="$ing_n" -v a="$ing_t1" -v b="$ing_t2" 'BEGIN { d = b - a; if (d > 0) printf "%.0f", (n - 1) * 1000 / d }')
echo "| ingest of seed-sized reports (~${ing_avg} bytes), geoparsing included | ≥ 500 reports/s | $(fmt "$ing_rate") reports/s | $(verdict "$ing_rate" ">=" 500) | — | — |"
st=$(awk -v n="$big" '$1 == "startup" && $2 == n {print $3}' "$R")
idle=$(awk -v n="$big" '$1 == "idle_rss" && $2 == n {print $3}' "$R")
peak=$(awk -v n="$big" '$1 == "peak_rss" && $2 == n {print $3}' "$R")
echo "| start-up to first answer | ≤ 1000 ms | $(fmt "$st") ms | $(verdict "$st" "<=" 1000) | — | — |"
echo "| idle RSS (when warm: gazetteer, point cache and pyramid loaded) | ≤ 150 MB | $(fmt "$idle") MB | $(verdict "$idle" "<=" 150) | — | — |"
echo "| peak RSS under the load runs | ≤ 400 MB | $(fmt "$peak") MB | $(verdict "$peak" "<=" 400) | — | — |"
if [ -n "$(aggmax version_max_ms)" ]; then
	echo "| 16 concurrent \`/api/sources\` and \`/api/histogram\` (issue 20): \`/api/version\` answer, slowest probe of each run | < 100 ms | median $(aggstat version_max_ms) ms | $(verdict "$(aggmax version_max_ms)" "<=" 100) (worst run) | — | — |"
	echo "| the same: peak RSS of the server under that load | ≤ 400 MB | median $(aggstat peak_rss_mb) MB | $(verdict "$(aggmax peak_rss_mb)" "<=" 400) (worst run) | — | — |"
fi
read -r ex_n ex_idle ex_peak ex_bytes ex_ms <<<"$(get export)"
ex_d=$(awk -v a="$ex_idle" -v b="$ex_peak" 'BEGIN { if (b != "") print b - a }')
echo "| GeoJSON export of all $ex_n (issue 5 item 4): peak RSS above idle | < 100 MB | $(fmt "$ex_d") MB ($(awk -v b="$ex_bytes" 'BEGIN{printf "%.0f", b/1048576}') MB in $(fmt "$ex_ms") ms) | $(verdict "$ex_d" "<=" 100) | — | — |"

cat <<EOF

Ingest: $(fmt "$ing_stored") generated reports stored (\`incidentmap generate --report-texts\`, then
\`incidentmap ingest\`); the rate is (N − 1) reports over the difference between ingesting all N and
ingesting one, so the gazetteer load at start-up is not counted.

## Scale curve

The same queries at every size. "matched" is numberMatched (the whole result), "returned" the page.

"start-up" is the first answer; "warm" is when the background loads are done (gazetteer; from
20,000 incidents the point cache and the cluster pyramid); RSS at the first answer, and idle RSS 25 s after
warm (serve returns spare heap to the OS after a 10 s interval without requests).

| incidents | DB MB | generate (incidents/s) | start-up ms | warm ms | RSS at first answer MB | idle RSS (warm) MB | peak RSS MB | RSS after the runs: anon / file-mapped MB |
|---|---|---|---|---|---|---|---|---|
EOF
for n in $sizes; do
	g=$(awk -v n="$n" '$1 == "generate" && $2 == n {print $3}' "$R")
	echo "| $n | $(awk -v n="$n" '$1 == "dbsize" && $2 == n {print $3}' "$R") | $(fmt "$g") | $(awk -v n="$n" '$1 == "startup" && $2 == n {print $3}' "$R") | $(fmt "$(awk -v n="$n" '$1 == "ready" && $2 == n {print $3}' "$R")") | $(fmt "$(awk -v n="$n" '$1 == "startup_rss" && $2 == n {print $3}' "$R")") | $(awk -v n="$n" '$1 == "idle_rss" && $2 == n {print $3}' "$R") | $(awk -v n="$n" '$1 == "peak_rss" && $2 == n {print $3}' "$R") | $(fmt "$(awk -v n="$n" '$1 == "rss_split" && $2 == n {print $3 " / " $4}' "$R")") |"
done
echo
echo "| query | incidents | matched | returned | cached req/s | cached p99 ms | uncached req/s | uncached p50 ms | uncached p99 ms |"
echo "|---|---|---|---|---|---|---|---|---|"
for q in region filter city small; do
	for n in $sizes; do
		read -r m ret <<<"$(awk -v n="$n" -v q="$q" '$1 == "matched" && $2 == n && $3 == q {print $4, $5}' "$R")"
		echo "| $q | $n | $(fmt "$m") | $(fmt "$ret") | $(fmt "$(wrkf "$n" "$q" cached rps)") | $(fmt "$(wrkf "$n" "$q" cached p99_ms)") | $(fmt "$(wrkf "$n" "$q" uncached rps)") | $(fmt "$(wrkf "$n" "$q" uncached p50_ms)") | $(fmt "$(wrkf "$n" "$q" uncached p99_ms)") |"
	done
done
echo
echo "| tile | incidents | status | bytes | tiles/s | p50 ms | p95 ms |"
echo "|---|---|---|---|---|---|---|"
for z in z8 z4; do
	for n in $sizes; do
		read -r code size <<<"$(awk -v n="$n" -v z="$z" '$1 == "tilesize" && $2 == n && $3 == z {print $4, $5}' "$R")"
		echo "| $z | $n | $(fmt "$code") | $(fmt "$size") | $(fmt "$(wrkf "$n" "tile-$z" cached rps)") | $(fmt "$(wrkf "$n" "tile-$z" cached p50_ms)") | $(fmt "$(wrkf "$n" "tile-$z" cached p95_ms)") |"
	done
done
cat <<EOF

Queries: region \`bbox=36.0,35.5,37.2,36.3&limit=1000\`; filter adds \`from=2016-01-01&to=2017-12-31&source=Levant%20Times\`;
city \`bbox=36.58,35.89,36.70,35.97&limit=1000\`; small \`bbox=44.30,33.25,44.45,33.40&limit=1000\` (Baghdad, few incidents).

## /api/sources and /api/histogram under load (issue 20, item 5)

\`docs/bench/aggregates.sh\` on the $big-incident database: $(aggvals rps | wc -l) fresh servers, each
warm (point cache and pyramid loaded), then \`wrk -t2 -c16\` for $(aggstat duration) s cycling through the map's
source-list and histogram requests (\`docs/bench/aggregates.lua\`: half of them with a bbox moved
by 10⁻⁷° each time, so no cache answers them), while \`/api/version\` is asked twice a second. Median
of the runs, and in brackets the range.

The control runs put the same sixteen connections on \`/healthz\` (\`docs/bench/healthz.lua\`): the
cores as busy, no counting, so they show what the machine alone adds to \`/api/version\`.

| | counts: median (range) | control, \`/healthz\`: median (range) |
|---|---|---|
| requests answered per second | $(aggstat rps) | $(aggstat rps control) |
| latency p50 / p99 / max, ms | $(aggstat p50_ms) / $(aggstat p99_ms) / $(aggstat max_ms) | $(aggstat p50_ms control) / $(aggstat p99_ms control) / $(aggstat max_ms control) |
| requests answered; of them 429 | $(aggstat requests); $(aggstat s429) | $(aggstat requests control); — |
| \`/api/version\`: median, ms | $(aggstat version_p50_ms) | $(aggstat version_p50_ms control) |
| \`/api/version\`: slowest probe, ms | $(aggstat version_max_ms) | $(aggstat version_max_ms control) |
| \`/api/version\` probes ≥ 100 ms (of $(aggstat version_n)) | $(aggstat version_slow) | $(aggstat version_slow control) |
| RSS idle before the load / peak under it / 5 s after, MB | $(aggstat idle_rss_mb) / $(aggstat peak_rss_mb) / $(aggstat after_rss_mb) | $(aggstat idle_rss_mb control) / $(aggstat peak_rss_mb control) / $(aggstat after_rss_mb control) |
| load average when the load started | $(aggstat load) | $(aggstat load control) |

## Go benchmarks

\`\`\`
$(grep -E '^(Benchmark|ok|FAIL|---)' "$DIR/gobench.txt" || echo "(none: see $DIR/gobench.txt)")
\`\`\`
EOF
if [ -f "$(dirname "$0")/notes.md" ]; then
	echo
	cat "$(dirname "$0")/notes.md"
fi
