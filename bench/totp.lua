-- wrk script for the TOTP benchmark: POST /v1/auth/totp for the users of codes.txt in turn,
-- each with its code for the current 30-second step, and a count of the answers by kind.
-- Usage: wrk ... -s bench/totp.lua URL -- CODES_FILE APP_KEY
local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local users, codes, base_step, steps = {}, {}, 0, 0
local headers = {}
approved, replayed, locked, invalid, other = 0, 0, 0, 0, 0

function init(args)
  local file = assert(io.open(args[1]))
  local first, count = file:read("*l"):match("(%d+) (%d+)")
  base_step, steps = tonumber(first), tonumber(count)
  for line in file:lines() do
    local name, rest = line:match("(%S+) (.*)")
    local list = {}
    for code in rest:gmatch("%S+") do list[#list + 1] = code end
    users[#users + 1] = name
    codes[#codes + 1] = list
  end
  file:close()
  headers["Authorization"] = "Bearer " .. args[2]
  headers["Content-Type"] = "application/json"
  -- Threads start at different users so that they do not ask for the same one at once.
  next_user = ((id or 1) - 1) * math.floor(#users / 4)
end

function request()
  next_user = next_user % #users + 1
  local step = math.floor(os.time() / 30) - base_step + 1
  if step > steps then step = steps end
  local body = '{"username":"' .. users[next_user] .. '","code":"' .. codes[next_user][step] .. '"}'
  return wrk.format("POST", "/v1/auth/totp", headers, body)
end

function response(status, _, body)
  if status ~= 200 then other = other + 1
  elseif body:find('"approved"', 1, true) then approved = approved + 1
  elseif body:find("replayed_code", 1, true) then replayed = replayed + 1
  elseif body:find("locked_out", 1, true) then locked = locked + 1
  elseif body:find("invalid_code", 1, true) then invalid = invalid + 1
  else other = other + 1 end
end

function done(summary, latency, _)
  local total = { approved = 0, replayed = 0, locked = 0, invalid = 0, other = 0 }
  for _, thread in ipairs(threads) do
    for kind in pairs(total) do total[kind] = total[kind] + (thread:get(kind) or 0) end
  end
  io.write(string.format(
    'MIX {"approved":%d,"replayed_code":%d,"locked_out":%d,"invalid_code":%d,"other":%d}\n',
    total.approved, total.replayed, total.locked, total.invalid, total.other))
end
