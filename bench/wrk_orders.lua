-- wrk script: POST /api/v1/orders, each request a new order of one of the first 100,000
-- generated customers (C0000001...). Order ids are unique per wrk thread and run.
-- Usage: KEY=vafa_... wrk -t2 -c64 -d15s --latency -s bench/wrk_orders.lua http://127.0.0.1:PORT
--
-- thread_id is a global on purpose: setup() writes it into each thread's Lua state with
-- thread:set, and a `local thread_id` here would shadow it (every thread would then be 0, with
-- the same seed and the same ids, and half the requests would be replays). done() prints how
-- many answers were replays; bench/run also counts the orders the store gained.
local counter = 0
local threads = {}
local run = tostring(os.time())
replays = 0
failures = 0

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  math.randomseed(thread_id * 7919 + os.time())
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local id = string.format("wrk-%s-%d-%d", run, thread_id, counter)
  local customer = string.format("C%07d", math.random(1, 100000))
  local body = string.format(
    '{"id":"%s","customer_id":"%s","channel":"web","currency":"USD",' ..
    '"lines":[{"sku":"SKU%06d","quantity":%d,"unit_price_minor":%d}]}',
    id, customer, math.random(1, 500), math.random(1, 3), math.random(500, 20000))
  wrk.headers["Idempotency-Key"] = id
  return wrk.format("POST", "/api/v1/orders", nil, body)
end

function response(status, headers, body)
  if headers["Idempotent-Replayed"] or headers["idempotent-replayed"] then
    replays = replays + 1
  end
  if status ~= 201 then
    failures = failures + 1
    if failures <= 3 then print("unexpected " .. status .. ": " .. body) end
  end
end

function done(summary, latency, requests)
  local replayed, failed = 0, 0
  for _, thread in ipairs(threads) do
    replayed = replayed + thread:get("replays")
    failed = failed + thread:get("failures")
  end
  print(string.format("replayed answers: %d, failures: %d, threads: %d", replayed, failed,
                      #threads))
end
