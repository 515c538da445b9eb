-- wrk script: the query given as the URL, with the bbox's maximum
-- longitude moved by a different millionth of a degree on every request,
-- so that no response or count cache can answer it: what a stream of
-- distinct map views costs. The result differs by at most a few incidents.
local counter = 0
local thread_id = 0
setup = function(thread)
  thread:set("thread_id", thread_id)
  thread_id = thread_id + 1
end
request = function()
  counter = counter + 1
  local n = counter * 2 + thread_id
  local path = wrk.path:gsub("bbox=([%d%.%-]+),([%d%.%-]+),([%d%.%-]+),([%d%.%-]+)",
    function(a, b, c, d) return string.format("bbox=%s,%s,%.7f,%s", a, b, tonumber(c) + n * 1e-7, d) end)
  return wrk.format(nil, path)
end
-- wrk script: prints one machine-readable line with throughput and the
-- latency percentiles docs/bench.sh records (wrk's --latency has no p95).
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT rps=%.1f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f max_ms=%.2f requests=%d errors=%d bytes=%d\n",
    summary.requests / secs,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout,
    summary.bytes))
end
