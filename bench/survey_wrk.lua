-- wrk script for the public survey page (driven by bench/survey_page.sh).
--
--   GET:  wrk -t2 -c8 -d20s -s bench/survey_wrk.lua http://127.0.0.1:8000/s/<token>
--   POST: MODE=post LINKS=<paths file> THREADS=2 CSRF_COOKIE=<cookie> CSRF_TOKEN=<form token> \
--         wrk -t2 -c8 -d20s -s bench/survey_wrk.lua http://127.0.0.1:8000
--
-- GET opens the same link again and again (a GET does not use it up). POST answers a fresh
-- single-use link each time: the paths of LINKS (one "/s/<token>" a line) are shared out
-- between the wrk threads, so no link is answered twice; a 409 means the file ran out. The CSRF
-- cookie and form token come from one GET (they do not depend on the link).
-- Prints one RESULT line: requests/s, latency percentiles, socket errors, and the statuses
-- that are neither 2xx nor 3xx (a correct answer is a 302 to the thank-you page).

local mode = os.getenv("MODE") or "get"
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  if mode ~= "post" then
    return
  end
  local threads = tonumber(os.getenv("THREADS") or "1")
  paths, n, i = {}, 0, 0
  for line in io.lines(os.getenv("LINKS")) do
    if n % threads == id then
      paths[#paths + 1] = line
    end
    n = n + 1
  end
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
  wrk.headers["Cookie"] = "csrftoken=" .. os.getenv("CSRF_COOKIE")
  wrk.body = "q_e1=very&q_e2=rather&q_e3=very&q_e5=dont_know&q_overall=very&q_comment="
    .. "&csrfmiddlewaretoken=" .. os.getenv("CSRF_TOKEN")
end

function request()
  if mode ~= "post" then
    return wrk.format()
  end
  i = i + 1
  return wrk.format(nil, paths[i] or paths[#paths])
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "RESULT mode=%s requests=%d seconds=%.1f per_second=%.1f p50_ms=%.1f p95_ms=%.1f "
      .. "p99_ms=%.1f socket_errors=%d not_2xx_3xx=%d\n",
    mode, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, e.connect + e.read + e.write + e.timeout, e.status))
end
