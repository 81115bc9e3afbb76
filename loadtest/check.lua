-- wrk script of loadtest/run.sh: sends one GraphQL query (POST) or fetches one file (GET) and
-- checks every response body byte for byte against the answer fetched and validated before
-- the run, so a failed or wrong answer cannot pass as speed.
--
-- wrk ... -s check.lua URL -- METHOD TEMPLATE EXPECTED ALIASING RUN
--   METHOD     POST (TEMPLATE is a JSON request body with `__ALIAS__` where the root field's
--              alias goes) or GET (TEMPLATE is `-`: the URL is fetched as it is)
--   EXPECTED   the expected body; for POST it holds `zzALIASzz` where the alias appears
--   ALIASING   `same`: the alias `q` in every request (one query text, so caches can hit);
--              `fresh`: a new alias in every request (`t<run>_<thread>_<n>`), so that neither a
--              response cache nor a document cache keyed by the query text can hit
--   RUN        the run's number in run.sh: no two runs send the same alias
-- done() prints one `RESULT key=value ...` line for run.sh.

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_id", thread_count)
  table.insert(threads, thread)
end

local function read_file(path)
  local file = assert(io.open(path, "rb"))
  local text = file:read("*a")
  file:close()
  return text
end

-- Splits `text` at the first plain occurrence of `marker`.
local function split(text, marker)
  local from, to = text:find(marker, 1, true)
  if not from then
    return nil
  end
  return text:sub(1, from - 1), text:sub(to + 1)
end

local method, aliasing, run, body_prefix, body_suffix, fixed_request
local expected_prefix, expected_suffix, expected_same
local headers = { ["Content-Type"] = "application/json", ["Accept"] = "application/json" }
local counter = 0

-- Read by done() through thread:get, so these are globals of the thread's state.
checked = 0
failed = 0
first_failure = ""

function init(args)
  method, aliasing, run = args[1], args[4], args[5]
  local expected = read_file(args[3])
  if method == "POST" then
    body_prefix, body_suffix = split(read_file(args[2]), "__ALIAS__")
    assert(body_prefix, "the request template has no __ALIAS__")
    expected_prefix, expected_suffix = split(expected, "zzALIASzz")
    assert(expected_prefix, "the expected answer has no zzALIASzz")
    expected_same = expected_prefix .. "q" .. expected_suffix
    fixed_request = wrk.format("POST", nil, headers, body_prefix .. "q" .. body_suffix)
  else
    expected_same = expected
    fixed_request = wrk.format("GET", nil, nil, nil)
  end
end

function request()
  if aliasing == "fresh" then
    counter = counter + 1
    local alias = "t" .. run .. "_" .. thread_id .. "_" .. counter
    return wrk.format("POST", nil, headers, body_prefix .. alias .. body_suffix)
  end
  return fixed_request
end

local function matches(body)
  if aliasing ~= "fresh" then
    return body == expected_same
  end
  if body:sub(1, #expected_prefix) ~= expected_prefix then
    return false
  end
  local _, alias_end = body:find("^t%d+_%d+_%d+", #expected_prefix + 1)
  return alias_end ~= nil and body:sub(alias_end + 1) == expected_suffix
end

function response(status, _, body)
  checked = checked + 1
  if status ~= 200 or not matches(body) then
    failed = failed + 1
    if first_failure == "" then
      first_failure = status .. " " .. body:sub(1, 400):gsub("%s+", " ")
    end
  end
end

function done(summary, latency, _)
  local all_checked, all_failed, failure = 0, 0, ""
  for _, thread in ipairs(threads) do
    all_checked = all_checked + thread:get("checked")
    all_failed = all_failed + thread:get("failed")
    if failure == "" then
      failure = thread:get("first_failure")
    end
  end
  local errors = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d checked=%d failed=%d "
      .. "connect=%d read=%d write=%d status=%d timeout=%d\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), all_checked, all_failed,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout))
  if failure ~= "" then
    io.write("FIRST_FAILURE " .. failure .. "\n")
  end
end
