-- wrk script for bench/city_load.py: each request picks a random path from a file (one path a
-- line), and the run ends with one JSON line of figures (prefixed CITY_RESULT) for the driver.
--   wrk -t2 -c8 -d20s -s bench/city.lua http://127.0.0.1:8765 -- /tmp/paths.txt
-- Errors counted: responses that are not 2xx (wrk itself counts only >= 400) and socket errors.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    if line ~= "" then table.insert(paths, line) end
  end
  if #paths == 0 then error("no paths in " .. tostring(args[1])) end
  math.randomseed(os.time() * 1000 + id)
  non2xx = 0
  statuses = {}
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local non2xx_total = 0
  local codes = {}
  for _, thread in ipairs(threads) do
    non2xx_total = non2xx_total + (thread:get("non2xx") or 0)
    local s = thread:get("statuses")
    if s then
      for code, n in pairs(s) do codes[#codes + 1] = string.format('"%d": %d', code, n) end
    end
  end
  local e = summary.errors
  io.write(string.format(
    'CITY_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "non2xx": %d, "statuses": {%s}, '
      .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, '
      .. '"p50_us": %d, "p95_us": %d, "p99_us": %d, "mean_us": %.1f, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, non2xx_total, table.concat(codes, ", "),
    e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max
  ))
end
