---What the server said about the developer's state (`pulsedev/state`), the statusline component and `:PulseDev status`.
local config = require("pulsedev.config")

local M = {}

---@type pulsedev.State?
M.current = nil
---@type string? server status: nil (not started), "starting", "running", "restarting", "failed"
M.server = nil
---@type {title: string, message: string?, percentage: number?}? work the server reports with $/progress (training)
M.progress = nil

local function changed()
  vim.schedule(function()
    pcall(vim.cmd.redrawstatus)
    pcall(vim.api.nvim_exec_autocmds, "User", { pattern = "PulseDevState", modeline = false })
  end)
end

---Record the server's status (called by the lifecycle code).
---@param s string?
function M.set_server(s)
  if M.server ~= s then
    M.server = s
    if s ~= "running" then
      M.current = nil
      M.progress = nil
    end
    changed()
  end
end

---Handle a `pulsedev/state` notification.
---@param result pulsedev.State
---@param client_id integer?
function M.on_state(result, client_id)
  if type(result) ~= "table" or type(result.state) ~= "string" then
    require("pulsedev.log").warn("ignored a malformed pulsedev/state from client %s", tostring(client_id))
    return
  end
  M.current = result
  changed()
end

---Handle an LspProgress event; only the pulsedev client's work counts.
---@param args {data: {client_id: integer, params: {value: table}}}
function M.on_progress(args)
  local data = args.data or {}
  local client = data.client_id and vim.lsp.get_client_by_id(data.client_id)
  local value = data.params and data.params.value
  if not client or client.name ~= "pulsedev" or type(value) ~= "table" then
    return
  end
  if value.kind == "end" then
    M.progress = nil
  elseif value.kind == "begin" then
    M.progress = { title = value.title or "working", message = value.message, percentage = value.percentage }
  elseif M.progress then
    M.progress.message = value.message or M.progress.message
    M.progress.percentage = value.percentage or M.progress.percentage
  end
  changed()
end

---Suffix for the statusline while the server reports progress: " · Training 40%".
---@return string
local function progress_suffix()
  local p = M.progress
  if not p then
    return ""
  end
  local title = p.title:gsub("^[Pp]ulse[Dd]ev:?%s*", "") -- the prefix is already there
  return (" · %s%s"):format(title, p.percentage and (" %d%%"):format(p.percentage) or "")
end

---The statusline component: "PulseDev: flow", "PulseDev: restarting", ... or "" when not started.
---@return string
function M.statusline()
  local opts = config.current.statusline
  local key
  if M.server == "running" then
    key = M.current and M.current.state
    if not key then
      return opts.prefix .. progress_suffix()
    end
  elseif M.server then
    key = M.server
  else
    return ""
  end
  return ("%s: %s%s"):format(opts.prefix, opts.labels[key] or key, M.server == "running" and progress_suffix() or "")
end

---Format a `pulsedev/status` result as lines for the user.
---@param r table
---@return string[]
function M.format(r)
  local lines = {}
  local st = type(r.state) == "table" and r.state or {}
  table.insert(lines, ("State: %s%s"):format(st.state or "unknown", st.reason and st.reason ~= "" and (" — " .. st.reason) or ""))
  if type(st.scores) == "table" then
    table.insert(
      lines,
      ("Scores: stuck %.2f, flow %.2f, anomaly %.2f"):format(st.scores.stuck or 0, st.scores.flow or 0, st.scores.anomaly or 0)
    )
  end
  if type(r.events) == "table" then
    table.insert(lines, ("Events: %d stored, %d rejected"):format(r.events.stored or 0, r.events.rejected or 0))
  end
  for _, m in ipairs(type(r.models) == "table" and r.models or {}) do
    table.insert(lines, ("Model %s %s: %s samples"):format(m.name or "?", m.version or "", tostring(m.samples or 0)))
  end
  if type(r.training) == "table" then
    table.insert(lines, ("Training: %s"):format(r.training.running and "running" or "idle"))
  end
  local tel = require("pulsedev.telemetry").stats
  table.insert(lines, ("Sent: %d events in %d requests, %d queued, %d dropped"):format(tel.sent, tel.requests, tel.queued, tel.dropped))
  return lines
end

---Request `pulsedev/status` and call cb with the result (nil and an error message on failure).
---@param cb fun(result: table?, err: string?)
function M.fetch(cb)
  local server = require("pulsedev.server")
  local client = server.primary()
  if not client then
    cb(nil, "the server is not running")
    return
  end
  local sent = server.request(client, "pulsedev/status", vim.NIL, function(err, result)
    if err then
      cb(nil, err.message or vim.inspect(err))
    else
      cb(result, nil)
    end
  end)
  if not sent then
    cb(nil, "the request could not be sent")
  end
end

---Show `pulsedev/status` to the user.
function M.show()
  local log = require("pulsedev.log")
  M.fetch(function(result, err)
    if not result then
      local srv = require("pulsedev.server").state
      log.notify(("status unavailable: %s%s"):format(err, srv.failed and (" (" .. srv.failed .. ")") or ""), vim.log.levels.WARN)
      return
    end
    log.notify(table.concat(M.format(result), "\n"), vim.log.levels.INFO)
  end)
end

return M
