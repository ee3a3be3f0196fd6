-- wrk script: print p50/p95/p99 (ms), requests/s and non-2xx/3xx answers in one line.
-- Optional: WRK_PATHS="/a /b /c" rotates the paths; WRK_BYPASS=1 adds &b=<n> to each request
-- (an undeclared parameter: the public page cache renders the page every time).
local paths, i = {}, 0
for p in string.gmatch(os.getenv("WRK_PATHS") or "", "%S+") do paths[#paths + 1] = p end
local bypass = os.getenv("WRK_BYPASS") == "1"
request = function()
  i = i + 1
  local path = #paths > 0 and paths[(i % #paths) + 1] or wrk.path
  if bypass then
    path = path .. (string.find(path, "?", 1, true) and "&" or "?") .. "b=" .. i
  end
  return wrk.format(nil, path)
end
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT rps=%.0f p50=%.2fms p95=%.2fms p99=%.2fms requests=%d errors=%d\n",
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests, errors))
end
