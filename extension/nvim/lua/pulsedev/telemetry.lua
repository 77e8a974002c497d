---The telemetry batcher: events queued, sent as `pulsedev/telemetry` requests in batches, few in flight.
local config = require("pulsedev.config")
local log = require("pulsedev.log")

local M = {}

---@type pulsedev.Event[]
local queue = {}
local in_flight = 0
local pending = {} ---@type table<integer, integer> client id -> requests in flight on it
local timer = nil ---@type uv.uv_timer_t?

M.stats = { sent = 0, requests = 0, queued = 0, dropped = 0, rejected = 0, failed = 0 }

---@return number Unix time in seconds
function M.now()
  local s, us = vim.uv.gettimeofday()
  return s + us / 1e6
end

---Queue one event; it is sent within `telemetry.flush_ms`.
---@param kind string
---@param uri string?
---@param data table?
function M.push(kind, uri, data)
  local opts = config.current.telemetry
  if not opts.enabled then
    return
  end
  local ev = { kind = kind, ts = M.now() }
  if uri then
    ev.uri = uri
  end
  if data and next(data) then
    ev.data = data
  end
  table.insert(queue, ev)
  if #queue > opts.max_queue then
    local drop = #queue - opts.max_queue
    for _ = 1, drop do
      table.remove(queue, 1)
    end
    M.stats.dropped = M.stats.dropped + drop
    log.warn("telemetry queue full: dropped %d oldest events", drop)
  end
  M.stats.queued = #queue
  M.schedule()
end

---Arm the flush timer unless it is already armed.
function M.schedule()
  if timer then
    return
  end
  timer = vim.uv.new_timer()
  timer:start(config.current.telemetry.flush_ms, 0, vim.schedule_wrap(function()
    if timer then
      timer:close()
      timer = nil
    end
    M.flush()
  end))
end

---Send queued events now, up to `max_in_flight` requests of `batch_size` events.
---Events stay queued while no client is ready.
function M.flush()
  local server = require("pulsedev.server")
  local opts = config.current.telemetry
  while #queue > 0 and in_flight < opts.max_in_flight do
    local client = server.primary()
    if not client then
      return
    end
    local n = math.min(#queue, opts.batch_size)
    local batch = { unpack(queue, 1, n) }
    for _ = 1, n do
      table.remove(queue, 1)
    end
    local cid = client.id
    in_flight = in_flight + 1
    pending[cid] = (pending[cid] or 0) + 1
    local sent = server.request(client, "pulsedev/telemetry", { events = batch }, function(err, result)
      if not pending[cid] then
        return -- the client exited meanwhile and its requests were written off
      end
      in_flight = in_flight - 1
      pending[cid] = pending[cid] - 1
      if err then
        M.stats.failed = M.stats.failed + #batch
        log.warn("pulsedev/telemetry failed: %s", err.message or vim.inspect(err))
      else
        M.stats.sent = M.stats.sent + (type(result) == "table" and result.accepted or #batch)
        local rejected = type(result) == "table" and result.rejected or {}
        if type(rejected) == "table" and #rejected > 0 then
          M.stats.rejected = M.stats.rejected + #rejected
          log.warn("server rejected %d events: %s", #rejected, vim.inspect(rejected[1]))
        end
      end
      if #queue > 0 then
        vim.schedule(M.flush)
      end
    end)
    if sent then
      M.stats.requests = M.stats.requests + 1
    else
      in_flight = in_flight - 1
      pending[cid] = pending[cid] - 1
      for i = n, 1, -1 do
        table.insert(queue, 1, batch[i])
      end
      break
    end
  end
  M.stats.queued = #queue
end

---Send what is queued and wait for it (at most `timeout_ms`): used when Neovim quits,
---so the last events (focus lost, a terminal's exit) are not lost with the process.
---@param timeout_ms integer
function M.flush_sync(timeout_ms)
  local client = require("pulsedev.server").primary()
  if not client or #queue == 0 then
    return
  end
  local batch = { unpack(queue, 1, math.min(#queue, 1000)) }
  queue = {}
  M.stats.queued = 0
  local res = require("pulsedev.server").request_sync(client, "pulsedev/telemetry", { events = batch }, timeout_ms)
  if res and res.result then
    M.stats.sent = M.stats.sent + (res.result.accepted or 0)
  end
end

---Write off the requests in flight on a client that exited (their events may be lost:
---delivery is at most once), so a crash does not block the queue.
---@param client_id integer
function M.client_exited(client_id)
  local n = pending[client_id]
  if n then
    pending[client_id] = nil
    in_flight = in_flight - n
    if n > 0 then
      log.info("%d telemetry requests were in flight when client %d exited", n, client_id)
    end
  end
end

---@return integer requests sent and not yet answered
function M.in_flight()
  return in_flight
end

---Forget queued events and counters (tests, :PulseDev forget).
function M.reset()
  queue = {}
  pending = {}
  in_flight = 0
  M.stats = { sent = 0, requests = 0, queued = 0, dropped = 0, rejected = 0, failed = 0 }
end

return M
