-- wrk script: GET /healthz, the cheapest request there is. docs/bench/
-- aggregates.sh runs it with SCRIPT=healthz.lua as the control: the same
-- sixteen connections keeping the cores busy, without any counting, to
-- tell how much of /api/version's latency the machine itself adds.
request = function()
  return wrk.format(nil, "/healthz")
end
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT rps=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f requests=%d s429=0 other=%d timeouts=%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, summary.errors.status, summary.errors.timeout))
end
