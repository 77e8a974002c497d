---What only the editor sees (focus, buffer switches, terminal exit codes, DAP sessions), batched into `pulsedev/telemetry`.
local config = require("pulsedev.config")
local log = require("pulsedev.log")

local M = {}

---@type pulsedev.Event[]
local queue = {}
local in_flight = 0
local pending = {} ---@type table<integer, integer> client id -> requests in flight on it
local timer = nil ---@type uv.uv_timer_t?
local last_uri = nil ---@type string?
local dap_hooked = false

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

---Program name of a word list: the basename of the first word; `python -m X` gives X.
---@param words string[]
---@return string?
local function program_of(words)
  local i = 1
  while words[i] and words[i]:match("^[%w_]+=") do
    i = i + 1 -- VAR=value prefixes
  end
  local first = words[i]
  if not first or first == "" then
    return nil
  end
  local prog = first:gsub("^.*[/\\]", "")
  if prog:match("^python[%d.]*$") and words[i + 1] == "-m" and words[i + 2] then
    return words[i + 2]
  end
  return prog
end

---Program name only (no arguments) of a terminal job's command line.
---`sh -c "pytest -x"` gives "pytest", `python -m pytest` gives "pytest", `/usr/bin/make all` gives "make".
---@param argv string[]|string
---@return string?
function M.program_name(argv)
  if type(argv) == "string" then
    argv = vim.split(vim.trim(argv), "%s+")
  end
  if type(argv) ~= "table" or #argv == 0 then
    return nil
  end
  local shell = argv[1]:gsub("^.*[/\\]", "")
  if #argv >= 3 and (argv[2] == "-c" or argv[2] == vim.o.shellcmdflag) and shell:match("sh$") then
    return program_of(vim.split(vim.trim(argv[3]), "%s+"))
  end
  return program_of(argv)
end

---The argv of a terminal buffer's job (from the channel, else from the term:// name).
---@param buf integer
---@return string[]|string|nil
local function term_argv(buf)
  local chan = vim.bo[buf].channel
  if chan and chan > 0 then
    local ok, info = pcall(vim.api.nvim_get_chan_info, chan)
    if ok and type(info) == "table" and type(info.argv) == "table" and #info.argv > 0 then
      return info.argv
    end
  end
  local name = vim.api.nvim_buf_get_name(buf)
  return name:match("^term://.-//%d+:(.*)$")
end

---Hook nvim-dap's listeners once it is loaded (checked lazily: nvim-dap may load after setup).
function M.hook_dap()
  if dap_hooked or not package.loaded["dap"] then
    return
  end
  local dap = package.loaded["dap"]
  if type(dap) ~= "table" or type(dap.listeners) ~= "table" then
    return
  end
  dap_hooked = true
  local running = {}
  dap.listeners.after.event_initialized["pulsedev"] = function(session)
    running[session and session.id or 0] = true
    M.push("debug_started")
  end
  local function stopped(session)
    local id = session and session.id or 0
    if running[id] then
      running[id] = nil
      M.push("debug_stopped")
    end
  end
  dap.listeners.before.event_terminated["pulsedev"] = stopped
  dap.listeners.before.event_exited["pulsedev"] = stopped
  dap.listeners.before.disconnect["pulsedev"] = stopped
  log.info("nvim-dap listeners added")
end

---Create the autocmds that turn editor activity into events.
function M.setup()
  local group = vim.api.nvim_create_augroup("pulsedev.telemetry", { clear = true })
  if not config.current.telemetry.enabled then
    return
  end
  vim.api.nvim_create_autocmd("FocusGained", {
    group = group,
    desc = "PulseDev: window focus",
    callback = function()
      M.hook_dap()
      M.push("focus_changed", nil, { target = "window", focused = true })
    end,
  })
  vim.api.nvim_create_autocmd("FocusLost", {
    group = group,
    desc = "PulseDev: window focus",
    callback = function()
      M.push("focus_changed", nil, { target = "window", focused = false })
    end,
  })
  vim.api.nvim_create_autocmd("BufEnter", {
    group = group,
    desc = "PulseDev: active editor",
    callback = function(args)
      M.hook_dap()
      if vim.bo[args.buf].buftype ~= "" or vim.api.nvim_buf_get_name(args.buf) == "" then
        return
      end
      local uri = vim.uri_from_bufnr(args.buf)
      if uri ~= last_uri then
        last_uri = uri
        M.push("focus_changed", uri, { target = "editor", focused = true })
      end
    end,
  })
  vim.api.nvim_create_autocmd("TermClose", {
    group = group,
    desc = "PulseDev: terminal exit codes",
    callback = function(args)
      local code = vim.v.event and vim.v.event.status
      local prog = M.program_name(term_argv(args.buf))
      if prog and type(code) == "number" then
        M.push("command_executed", nil, { command = prog, exit_code = code })
      end
    end,
  })
  vim.api.nvim_create_autocmd("VimLeavePre", {
    group = group,
    desc = "PulseDev: send what is queued",
    callback = function()
      M.flush()
    end,
  })
  M.hook_dap()
end

---Forget queued events and counters (tests, :PulseDev forget).
function M.reset()
  queue = {}
  pending = {}
  in_flight = 0
  last_uri = nil
  M.stats = { sent = 0, requests = 0, queued = 0, dropped = 0, rejected = 0, failed = 0 }
end

return M
