-- One single report per request, spread over the demo's open bets, each with its own
-- idempotency key. TOKEN comes from the environment (benches/wrk/single.sh sets it).
local counter = 0
local bets = {1, 3, 5, 6, 8, 9, 11, 12, 14, 15, 16, 18, 19, 21, 22, 23, 25, 26, 29}
local stamp = os.time()
local headers = {
  ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
  ["Content-Type"] = "application/json",
}

request = function()
  counter = counter + 1
  local bet = bets[(counter % #bets) + 1]
  local body = string.format('{"value": 101.5, "idempotency_key": "wrk-%d-%d"}', stamp, counter)
  return wrk.format("POST", "/api/v1/bets/" .. bet .. "/reports", headers, body)
end

done = function(summary, latency, requests)
  io.write(string.format("errors: %d non-2xx, %d socket\n", summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
