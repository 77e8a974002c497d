---Event sources: what only the editor sees (window focus, buffer switches, terminal exit codes,
---nvim-dap sessions) turned into telemetry events by autocmds and listeners.
local config = require("pulsedev.config")
local log = require("pulsedev.log")
local telemetry = require("pulsedev.telemetry")

local M = {}

local last_uri = nil ---@type string?
local dap_hooked = false

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
    telemetry.push("debug_started")
  end
  local function stopped(session)
    local id = session and session.id or 0
    if running[id] then
      running[id] = nil
      telemetry.push("debug_stopped")
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
  last_uri = nil
  if not config.current.telemetry.enabled then
    return
  end
  vim.api.nvim_create_autocmd("FocusGained", {
    group = group,
    desc = "PulseDev: window focus",
    callback = function()
      M.hook_dap()
      telemetry.push("focus_changed", nil, { target = "window", focused = true })
    end,
  })
  vim.api.nvim_create_autocmd("FocusLost", {
    group = group,
    desc = "PulseDev: window focus",
    callback = function()
      telemetry.push("focus_changed", nil, { target = "window", focused = false })
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
        telemetry.push("focus_changed", uri, { target = "editor", focused = true })
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
        telemetry.push("command_executed", nil, { command = prog, exit_code = code })
      end
    end,
  })
  vim.api.nvim_create_autocmd("VimLeavePre", {
    group = group,
    desc = "PulseDev: send what is queued",
    callback = function()
      telemetry.flush_sync(300)
    end,
  })
  M.hook_dap()
end

return M
