-- Failure paths: interpreter absent, pulsedev not installed, a server that keeps crashing.
local H = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, "S").source:sub(2)), "helpers.lua"))

local ERROR, WARN = vim.log.levels.ERROR, vim.log.levels.WARN

local function at_least(level)
  return vim.tbl_filter(function(n)
    return n.level >= level
  end, H.notes)
end

local function starts(rec)
  return vim.tbl_filter(function(r)
    return r.start ~= nil
  end, H.records(rec))
end

---A `python` that runs but has no site-packages (so no pulsedev), logging each run.
local function python_without_pulsedev(runs)
  local path = vim.fn.tempname() .. "-python"
  vim.fn.writefile({ "#!/bin/sh", ("echo run >> %s"):format(vim.fn.shellescape(runs)), ("exec %s -I -S \"$@\""):format(H.python) }, path)
  vim.fn.setfperm(path, "rwxr-xr-x")
  return path
end

H.test("interpreter not found: one clear error, no client, statusline says off", function()
  require("pulsedev").setup({ python = "/nonexistent/python3" })
  H.python_buffer()
  H.python_buffer()
  vim.wait(300)
  H.eq(0, #vim.lsp.get_clients(), "clients")
  local errs = at_least(ERROR)
  H.eq(1, #errs, "one error message")
  H.ok(errs[1].msg:match("/nonexistent/python3 was not found") and errs[1].msg:match("setup"), errs[1].msg)
  H.eq("PulseDev: off", require("pulsedev").statusline(), "statusline")
end)

H.test("pulsedev not installed: one clear error naming pip, no restart loop", function()
  local runs = vim.fn.tempname()
  require("pulsedev").setup({ python = python_without_pulsedev(runs), restart = { base_ms = 50 } })
  H.python_buffer()
  H.wait(5000, function()
    return #at_least(ERROR) > 0
  end, "error message")
  vim.wait(600)
  local errs = at_least(ERROR)
  H.eq(1, #errs, "one error message")
  H.ok(errs[1].msg:match("cannot be imported") and errs[1].msg:match("pip install pulsedev"), errs[1].msg)
  H.eq(0, #H.notes_matching("restarting"), "no restart promised")
  H.eq(2, #vim.fn.readfile(runs), "runs: the server once, the import check once")
  H.eq("PulseDev: off", require("pulsedev").statusline(), "statusline")
end)

H.test("a crashing server is restarted with growing delays, then given up on quietly", function()
  local rec = H.tempname()
  require("pulsedev").setup({
    cmd = H.fake_cmd("crash-after-init", rec),
    restart = { base_ms = 100, max_ms = 1000, max_attempts = 3 },
  })
  H.python_buffer()
  H.wait(10000, function()
    return require("pulsedev.server").state.failed ~= nil
  end, "given up")
  vim.wait(500)
  local s = starts(rec)
  H.eq(4, #s, "first start + 3 restarts")
  H.eq(1, #H.notes_matching("restarting in 0%.1 s"), "one warning about restarting")
  local errs = at_least(ERROR)
  H.eq(1, #errs, "one error when giving up")
  H.ok(errs[1].msg:match("crashed 4 times") and errs[1].msg:match(":PulseDev restart"), errs[1].msg)
  H.eq(2, #at_least(WARN), "two messages in all")
  H.eq("PulseDev: off", require("pulsedev").statusline(), "statusline")
  -- :PulseDev restart clears the give-up and tries again
  vim.cmd("PulseDev restart")
  H.wait(5000, function()
    return #starts(rec) == 5
  end, "restarted on request")
end)

H.test("delays between restarts grow: each restart waits at least its backoff", function()
  local rec = H.tempname()
  local attaches = {}
  local r = { base_ms = 150, max_ms = 500, max_attempts = 3 }
  require("pulsedev").setup({ cmd = H.fake_cmd("crash-after-init", rec), restart = r })
  local server, recovery = require("pulsedev.server"), require("pulsedev.recovery")
  H.eq({ 150, 300, 500, 500 }, { recovery.backoff(1, r), recovery.backoff(2, r), recovery.backoff(3, r), recovery.backoff(4, r) }, "schedule")
  vim.api.nvim_create_autocmd("LspAttach", {
    callback = function()
      table.insert(attaches, vim.uv.now())
    end,
  })
  H.python_buffer()
  H.wait(15000, function()
    return server.state.failed ~= nil
  end, "given up")
  H.eq(4, #attaches, "attaches")
  H.eq({ 150, 300, 500 }, vim.tbl_map(function(x)
    return x.delay
  end, server.state.restarts), "delays used")
  for i, x in ipairs(server.state.restarts) do
    H.ok(attaches[i + 1] - x.at >= x.delay, ("restart %d came %d ms after the crash, before its %d ms delay"):format(i, attaches[i + 1] - x.at, x.delay))
  end
end)

H.test("a server that crashes on every batch: the queue keeps moving, few messages, then given up", function()
  local rec = H.tempname()
  require("pulsedev").setup({
    cmd = H.fake_cmd("crash-on-telemetry", rec),
    restart = { base_ms = 50, max_attempts = 2 },
    telemetry = { flush_ms = 10, max_in_flight = 1 },
  })
  local server, tel = require("pulsedev.server"), require("pulsedev.telemetry")
  H.python_buffer()
  -- keep the editor busy: every batch kills the server, and a stuck in-flight count would stop the crashes
  H.wait(15000, function()
    vim.api.nvim_exec_autocmds("FocusLost", {})
    vim.api.nvim_exec_autocmds("FocusGained", {})
    return server.state.failed ~= nil
  end, "given up")
  H.eq(3, #starts(rec), "first start + 2 restarts")
  H.eq(3, #H.method(rec, "pulsedev/telemetry"), "one batch reached each server")
  H.eq(0, tel.in_flight(), "nothing left in flight")
  H.eq(2, #at_least(WARN), "two messages in all: " .. vim.inspect(H.notes))
end)

H.test("checkhealth reports the missing interpreter as an error", function()
  require("pulsedev").setup({ python = "/nonexistent/python3" })
  vim.cmd("checkhealth pulsedev")
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  H.ok(text:match("ERROR[^\n]*/nonexistent/python3 was not found"), text)
  H.ok(text:match("OK[^\n]*Neovim 0%.1"), text)
end)

H.run()
