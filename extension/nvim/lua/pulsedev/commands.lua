---`:PulseDev <subcommand>`: each subcommand maps onto one request or command of the protocol.
local log = require("pulsedev.log")

local M = {}

local function server()
  return require("pulsedev.server")
end

local function self_report(state)
  return function()
    server().execute("pulsedev.selfReport", { { state = state } }, function(err)
      if not err then
        log.notify(("noted: %s"):format(state), vim.log.levels.INFO)
      end
    end)
  end
end

---@type table<string, fun(args: table)>
M.handlers = {
  status = function()
    require("pulsedev.status").show()
  end,
  stuck = self_report("stuck"),
  flow = self_report("flow"),
  neutral = self_report("neutral"),
  train = function()
    server().execute("pulsedev.train", {}, function(err)
      if not err then
        log.notify("training started in the background", vim.log.levels.INFO)
      end
    end)
  end,
  report = function()
    server().execute("pulsedev.report", {}, function(err, uri)
      if err or type(uri) ~= "string" then
        return
      end
      local path = uri:match("^file://") and vim.uri_to_fname(uri) or uri
      log.notify("report written to " .. path, vim.log.levels.INFO)
      if require("pulsedev.config").current.report_open and vim.ui.open then
        vim.ui.open(path)
      end
    end)
  end,
  forget = function(args)
    local function forget()
      server().execute("pulsedev.forget", {}, function(err)
        if not err then
          require("pulsedev.telemetry").reset()
          log.notify("stored events and learned state deleted", vim.log.levels.INFO)
        end
      end)
    end
    if args.bang then
      forget()
      return
    end
    vim.ui.select({ "Delete all stored events and learned state", "Cancel" }, { prompt = "PulseDev: forget?" }, function(choice, idx)
      if idx == 1 then
        forget()
      end
    end)
  end,
  restart = function()
    server().restart()
  end,
  tracer = function()
    server().execute("pulsedev.tracerSetup", {}, function(err, result)
      if err or type(result) ~= "table" then
        return
      end
      local parts = {}
      for k, v in pairs(type(result.env) == "table" and result.env or {}) do
        table.insert(parts, ("%s=%s"):format(k, vim.fn.shellescape(v)))
      end
      table.sort(parts)
      local line = ("env %s pytest %s"):format(table.concat(parts, " "), table.concat(result.args or {}, " "))
      vim.fn.setreg('"', line)
      log.notify("to trace a test run, use (copied to the unnamed register):\n" .. line, vim.log.levels.INFO)
    end)
  end,
  unhide = function()
    server().execute("pulsedev.showHiddenHints", {}, function(err, result)
      if err then
        return
      end
      local n = type(result) == "table" and tonumber(result.restored) or 0
      local msg = n > 0 and ("%d hidden type hint%s shown again"):format(n, n == 1 and " is" or "s are")
        or "no type hints were hidden"
      log.notify(msg, vim.log.levels.INFO)
    end)
  end,
  suggestion = function()
    require("pulsedev.suggestions").last()
  end,
  log = function()
    vim.cmd.split(vim.fn.fnameescape(log.path()))
  end,
}

---Run `:PulseDev` with the user command's args (no argument: status).
---@param args {fargs: string[], bang: boolean}
function M.run(args)
  local name = args.fargs[1] or "status"
  if name:sub(-1) == "!" then
    name = name:sub(1, -2) -- `:PulseDev forget!` as well as `:PulseDev! forget`
    args = vim.tbl_extend("force", args, { bang = true })
  end
  local fn = M.handlers[name]
  if not fn then
    log.notify(("unknown subcommand %q; try one of: %s"):format(name, table.concat(M.complete(""), ", ")), vim.log.levels.ERROR)
    return
  end
  fn(args)
end

---@param lead string
---@return string[]
function M.complete(lead)
  local names = vim.tbl_keys(M.handlers)
  table.sort(names)
  return vim.tbl_filter(function(n)
    return n:sub(1, #lead) == lead
  end, names)
end

return M
