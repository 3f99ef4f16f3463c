-- wrk script: sends the requests listed in a file, one "<path> <token>" per line, in turn.
--   wrk ... -s bench/wrk/rotate.lua <url> -- <requests file> <threads> <label> [pause ms]
-- Thread t of n sends lines t, t+n, t+2n, ... so the threads never share a line: with as many lines as requests,
-- no request repeats (the cold-cache runs rely on it; "wrapped" in the result counts passes past the end).
-- With a pause, each connection waits that long after every response before its next request: a paced load,
-- about connections / (pause + latency) requests per second, well below saturation.
-- done() prints one line, "BENCH-RESULT label=... rps=... p50=... p99=... p999=..." (latencies in microseconds),
-- which bench/tools/report.mjs reads.

local thread_count = 0
local threads = {}

function setup(thread)
  thread_count = thread_count + 1
  thread:set("id", thread_count)
  table.insert(threads, thread)
end

function init(args)
  local file, total = args[1], tonumber(args[2])
  label = args[3] or "run"
  local pause = tonumber(args[4] or "")
  if pause then
    -- wrk looks for delay() after init() has run.
    function delay()
      return pause
    end
  end
  requests = {}
  wrapped = 0
  local n = 0
  for line in io.lines(file) do
    if n % total == id - 1 then
      local path, token = line:match("^(%S+)%s+(%S+)$")
      requests[#requests + 1] = wrk.format("GET", path, { ["Authorization"] = "Bearer " .. token })
    end
    n = n + 1
  end
  if #requests == 0 then
    error("no requests for thread " .. id .. " in " .. file)
  end
  next_index = 0
end

function request()
  next_index = next_index + 1
  if next_index > #requests then
    next_index = 1
    wrapped = wrapped + 1
  end
  return requests[next_index]
end

function done(summary, latency, requests)
  local wraps = 0
  for _, thread in ipairs(threads) do
    wraps = wraps + (thread:get("wrapped") or 0)
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "BENCH-RESULT label=%s requests=%d seconds=%.2f rps=%.1f p50=%d p90=%d p99=%d p999=%d max=%d non2xx=%d socket_errors=%d wrapped=%d\n",
    threads[1]:get("label"), summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency:percentile(99.9), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout, wraps))
end
