---Options of pulsedev.nvim: the defaults, merging user options, and what goes to the server.
local M = {}

---@type pulsedev.Opts
M.defaults = {
  python = "python3",
  cmd = nil,
  cmd_env = nil,
  filetypes = { "python" },
  root_markers = { "pyproject.toml", "setup.py", "setup.cfg", "requirements.txt", ".git" },
  settings = {},
  inlay_hints = true,
  telemetry = { enabled = true, flush_ms = 500, batch_size = 200, max_in_flight = 2, max_queue = 5000 },
  suggestions = { enabled = true, select = true },
  restart = { max_attempts = 5, base_ms = 1000, max_ms = 30000, stable_ms = 30000 },
  statusline = {
    prefix = "PulseDev",
    labels = {
      flow = "flow",
      stuck = "stuck",
      neutral = "neutral",
      idle = "idle",
      starting = "starting",
      restarting = "restarting",
      failed = "off",
    },
  },
  report_open = true,
  log_level = vim.log.levels.WARN,
}

---@type pulsedev.Opts
M.current = vim.deepcopy(M.defaults)

---Merge user options over the defaults; unknown keys are reported and ignored.
---@param opts table?
---@return pulsedev.Opts merged
---@return string[] warnings
function M.merge(opts)
  opts = vim.deepcopy(opts or {}) -- the caller's table is left as it was
  local warnings = {}
  for key in pairs(opts) do
    if M.defaults[key] == nil and key ~= "cmd" and key ~= "cmd_env" then
      table.insert(warnings, ("unknown option %q ignored"):format(key))
      opts[key] = nil
    end
  end
  local merged = vim.tbl_deep_extend("force", vim.deepcopy(M.defaults), opts)
  if opts.filetypes then
    merged.filetypes = opts.filetypes -- lists replace, not merge
  end
  if opts.root_markers then
    merged.root_markers = opts.root_markers
  end
  if type(merged.python) ~= "string" or merged.python == "" then
    table.insert(warnings, "option python must be a non-empty string; using python3")
    merged.python = "python3"
  end
  local t = merged.telemetry
  t.batch_size = math.max(1, math.min(1000, t.batch_size))
  t.max_in_flight = math.max(1, t.max_in_flight)
  if vim.tbl_get(merged.settings, "features", "telemetry") == false then
    t.enabled = false -- a feature that is off sends nothing
  end
  return merged, warnings
end

---Merge and remember the options in force.
---@param opts table?
---@return pulsedev.Opts
---@return string[] warnings
function M.set(opts)
  local merged, warnings = M.merge(opts)
  M.current = merged
  return merged, warnings
end

---The command that starts the server.
---@param opts pulsedev.Opts?
---@return string[]
function M.cmd(opts)
  opts = opts or M.current
  return opts.cmd or { opts.python, "-m", "pulsedev", "serve" }
end

---Copy a Lua value for JSON: empty tables become `{}` objects, not `[]`.
---@param value any
---@return any
local function as_json_object(value)
  if type(value) ~= "table" then
    return value
  end
  if next(value) == nil then
    return vim.empty_dict()
  end
  if vim.islist(value) then
    return vim.tbl_map(as_json_object, value)
  end
  local out = {}
  for k, v in pairs(value) do
    out[k] = as_json_object(v)
  end
  return out
end

---The protocol's settings object, as sent in initializationOptions and settings.pulsedev.
---@param opts pulsedev.Opts?
---@return table
function M.server_settings(opts)
  opts = opts or M.current
  return as_json_object(opts.settings or {})
end

M.as_json_object = as_json_object

return M
