-- wrk script for docs/bench/aggregates.sh (issue 20, item 5): every
-- connection cycles through the /api/sources and /api/histogram requests
-- the map makes, with and without filters. Requests with a bbox move its
-- maximum longitude by a different 10^-7 degree each time, so no response
-- cache can answer them; the others repeat, as many viewers of one map do.
-- Prints one RESULT line, with 429s and other non-200 answers counted
-- apart.
local box = "36.0,35.5,%.7f,36.3"
local paths = {
  "/api/sources",
  "/api/histogram?interval=month",
  "/api/sources?bbox=" .. box,
  "/api/histogram?interval=week&bbox=" .. box,
  "/api/sources?from=2016-01-01&to=2017-12-31&bbox=" .. box,
  "/api/histogram?interval=day&source=Levant%%20Times&bbox=" .. box,
  "/api/sources?role=incident&role=mention&max_precision=2",
  "/api/histogram?interval=month&source=Levant%%20Times&source=a%%20local%%20council",
}
local threads = {}
setup = function(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
counter, n429, nother = 0, 0, 0
request = function()
  counter = counter + 1
  local n = counter * 2 + id
  local p = paths[n % #paths + 1]
  if p:find("%%") then
    p = string.format(p, 37.2 + n * 1e-7)
  end
  return wrk.format(nil, p)
end
response = function(status, headers, body)
  if status == 429 then
    n429 = n429 + 1
  elseif status ~= 200 then
    nother = nother + 1
  end
end
done = function(summary, latency, requests)
  local t429, tother = 0, 0
  for _, t in ipairs(threads) do
    t429 = t429 + t:get("n429")
    tother = tother + t:get("nother")
  end
  local secs = summary.duration / 1e6
  io.write(string.format("RESULT rps=%.1f p50_ms=%.1f p99_ms=%.1f max_ms=%.1f requests=%d s429=%d other=%d timeouts=%d\n",
    summary.requests / secs, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    summary.requests, t429, tother, summary.errors.timeout))
end
