-- wrk script: authenticated GETs of random customers among the first 100,000 (C0000001...).
-- Usage: KEY=vafa_... PATH_FORMAT=/api/v1/customers/C%07d wrk ... -s bench/wrk_get.lua URL
local format = os.getenv("PATH_FORMAT") or "/api/v1/customers/C%07d"

function init(args)
  wrk.headers["Authorization"] = "Bearer " .. os.getenv("KEY")
end

function request()
  return wrk.format("GET", string.format(format, math.random(1, 100000)))
end

local failures = 0
function response(status, headers, body)
  if status ~= 200 then
    failures = failures + 1
    if failures <= 3 then print("unexpected " .. status .. ": " .. body) end
  end
end
