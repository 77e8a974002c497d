-- The plugin against the fake server: attach, settings, telemetry batching, state, suggestions, commands.
local H = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, "S").source:sub(2)), "helpers.lua"))

local function start(extra_args, opts)
  local rec = H.tempname()
  opts = vim.tbl_deep_extend("force", { cmd = H.fake_cmd("ok", rec, extra_args), telemetry = { flush_ms = 50 } }, opts or {})
  require("pulsedev").setup(opts)
  local buf = H.python_buffer()
  H.wait(5000, function()
    local c = require("pulsedev.server").primary()
    return c ~= nil and c.attached_buffers[buf]
  end, "client attached")
  return rec, buf
end

H.test("attaches, sends settings as objects, declares suggestions, enables inlay hints", function()
  local rec, buf = start(nil, { settings = { dataDir = "/tmp/pd", features = {} } })
  local init = H.method(rec, "initialize")[1].params
  H.eq({ dataDir = "/tmp/pd", features = vim.empty_dict() }, init.initializationOptions, "initializationOptions")
  H.eq({ pulsedev = { suggestions = true } }, init.capabilities.experimental, "experimental capabilities")
  H.wait(2000, function()
    return #H.method(rec, "workspace/didChangeConfiguration") > 0
  end, "didChangeConfiguration")
  H.eq("/tmp/pd", H.method(rec, "workspace/didChangeConfiguration")[1].params.settings.pulsedev.dataDir, "settings.pulsedev")
  H.ok(vim.lsp.inlay_hint.is_enabled({ bufnr = buf }), "inlay hints enabled")
  H.eq("PulseDev", require("pulsedev").statusline(), "statusline before any state")
end)

H.test("setup() after a Python buffer is open (lazy loading) attaches it, one server", function()
  local rec = H.tempname()
  local buf = H.python_buffer()
  require("pulsedev").setup({ cmd = H.fake_cmd("ok", rec) })
  H.wait(5000, function()
    local c = require("pulsedev.server").primary()
    return c ~= nil and c.attached_buffers[buf]
  end, "attached")
  vim.cmd("doautoall FileType") -- what vim.lsp.enable does once Neovim has entered
  vim.wait(300)
  H.eq(1, #H.method(rec, "initialize"), "one server")
  H.eq(1, #vim.lsp.get_clients({ name = "pulsedev" }), "one client")
end)

H.test("empty settings go out as {} not []", function()
  local rec = start()
  local raw = io.open(rec):read("*a")
  H.ok(raw:find('"initializationOptions": {}', 1, true), "initializationOptions is an object: " .. raw:sub(1, 300))
end)

H.test("focus pair and buffer switches are batched into one request", function()
  local rec, first = start()
  H.wait(2000, function()
    return #H.method(rec, "pulsedev/telemetry") > 0
  end, "first BufEnter sent")
  local before = #H.method(rec, "pulsedev/telemetry")
  vim.api.nvim_exec_autocmds("FocusLost", {})
  vim.api.nvim_exec_autocmds("FocusGained", {})
  local second = H.python_buffer()
  vim.api.nvim_set_current_buf(second) -- same buffer again: no duplicate
  vim.api.nvim_set_current_buf(first)
  H.wait(2000, function()
    return #H.method(rec, "pulsedev/telemetry") > before
  end, "batch sent")
  vim.wait(200)
  local reqs = H.method(rec, "pulsedev/telemetry")
  H.eq(before + 1, #reqs, "one request for the whole burst")
  local evs = reqs[#reqs].params.events
  local summary = vim.tbl_map(function(e)
    return { e.kind, e.data.target, e.data.focused, e.uri ~= nil }
  end, evs)
  H.eq({
    { "focus_changed", "window", false, false },
    { "focus_changed", "window", true, false },
    { "focus_changed", "editor", true, true },
    { "focus_changed", "editor", true, true },
  }, summary, "events")
  H.eq(vim.uri_from_bufnr(first), evs[4].uri, "uri of the newly active buffer")
  H.ok(type(evs[1].ts) == "number" and math.abs(evs[1].ts - os.time()) < 5, "ts is Unix seconds")
end)

H.test("bursts are split into batches with few requests in flight", function()
  local rec = start({ "--delay", "0.15" }, { telemetry = { batch_size = 200, max_in_flight = 2 } })
  local tel = require("pulsedev.telemetry")
  H.wait(3000, function()
    return tel.in_flight() == 0 and tel.stats.queued == 0
  end, "idle")
  local base = #H.method(rec, "pulsedev/telemetry")
  for i = 1, 1000 do
    tel.push("cursor_moved", nil, { line = i })
  end
  H.wait(10000, function()
    return tel.stats.queued == 0 and tel.in_flight() == 0
  end, "all sent")
  local reqs = vim.list_slice(H.method(rec, "pulsedev/telemetry"), base + 1)
  H.eq(5, #reqs, "requests for 1000 events")
  local max_out, lines = 0, {}
  for _, r in ipairs(reqs) do
    max_out = math.max(max_out, r.outstanding)
    for _, e in ipairs(r.params.events) do
      table.insert(lines, e.data.line)
    end
  end
  H.ok(max_out <= 2, "at most 2 in flight, saw " .. max_out)
  H.eq(1000, #lines, "events delivered")
  H.eq(1, lines[1], "order kept")
  H.eq(1000, lines[1000], "order kept")
end)

H.test("events wait in the queue while no server runs, then go", function()
  local rec = H.tempname()
  require("pulsedev").setup({ cmd = H.fake_cmd("ok", rec), telemetry = { flush_ms = 20, max_queue = 3 } })
  for _ = 1, 5 do
    vim.api.nvim_exec_autocmds("FocusLost", {})
  end
  vim.wait(100)
  local tel = require("pulsedev.telemetry")
  H.eq(3, tel.stats.queued, "queue bounded")
  H.eq(2, tel.stats.dropped, "oldest dropped")
  H.python_buffer()
  H.wait(5000, function()
    local n = 0
    for _, r in ipairs(H.method(rec, "pulsedev/telemetry")) do
      n = n + #r.params.events
    end
    return n == 3
  end, "the 3 newest (2 focus + 1 BufEnter) delivered")
  H.eq(3, tel.stats.dropped, "dropped")
end)

H.test("pulsedev/state shows in the statusline; :PulseDev stuck self-reports", function()
  local rec = start()
  local fired = 0
  vim.api.nvim_create_autocmd("User", {
    pattern = "PulseDevState",
    callback = function()
      fired = fired + 1
    end,
  })
  vim.cmd("PulseDev stuck")
  H.wait(3000, function()
    return #H.method(rec, "workspace/executeCommand") > 0
  end, "selfReport sent")
  H.eq({ command = "pulsedev.selfReport", arguments = { { state = "stuck" } } }, H.method(rec, "workspace/executeCommand")[1].params, "command")
  H.wait(3000, function()
    return require("pulsedev").statusline() == "PulseDev: stuck"
  end, "statusline shows stuck, got " .. require("pulsedev").statusline())
  H.eq("stuck", require("pulsedev").state().state, "state()")
  H.wait(1000, function()
    return fired > 0
  end, "User PulseDevState")
  local got
  require("pulsedev").status(function(r)
    got = r
  end)
  H.wait(3000, function()
    return got ~= nil
  end, "status")
  local lines = require("pulsedev.status").format(got)
  H.ok(lines[1]:match("^State: stuck"), lines[1])
end)

H.test("a suggestion asks with vim.ui.select and sends pulsedev.feedback", function()
  local asked
  vim.ui.select = function(items, o, on_choice)
    asked = { prompt = o.prompt, labels = vim.tbl_map(o.format_item, items) }
    on_choice(items[2], 2)
  end
  local rec = start({ "--suggest" })
  H.wait(3000, function()
    return asked ~= nil
  end, "vim.ui.select called")
  H.eq({ "Helpful", "Not helpful", "Dismiss" }, asked.labels, "choices")
  H.ok(asked.prompt:match("Try a smaller test"), asked.prompt)
  H.ok(#H.notes_matching("Run only the failing test") == 1, "message shown once")
  H.wait(3000, function()
    return #H.method(rec, "workspace/executeCommand") > 0
  end, "feedback sent")
  H.eq(
    { command = "pulsedev.feedback", arguments = { { id = "s1", helpful = false } } },
    H.method(rec, "workspace/executeCommand")[1].params,
    "feedback"
  )
end)

H.test("a terminal job's exit code becomes command_executed with the program name only", function()
  local rec = start()
  local src = require("pulsedev.sources")
  vim.cmd("terminal sh -c 'exit 3'")
  H.wait(5000, function()
    for _, r in ipairs(H.method(rec, "pulsedev/telemetry")) do
      for _, e in ipairs(r.params.events) do
        if e.kind == "command_executed" then
          H.eq({ command = "sh", exit_code = 3 }, e.data, "data")
          return true
        end
      end
    end
  end, "command_executed")
  H.eq("pytest", src.program_name({ "/bin/bash", "-c", "pytest -x tests/ --foo" }), "shell -c")
  H.eq("pytest", src.program_name({ "/usr/bin/python3.11", "-m", "pytest", "-q" }), "python -m")
  H.eq("make", src.program_name("/usr/bin/make all"), "string cmd")
  H.eq(nil, src.program_name({}), "empty")
end)

H.test("nvim-dap sessions become debug_started/debug_stopped", function()
  local listeners = { after = { event_initialized = {} }, before = { event_terminated = {}, event_exited = {}, disconnect = {} } }
  package.loaded["dap"] = { listeners = listeners }
  local rec = start()
  H.ok(listeners.after.event_initialized.pulsedev, "listener added")
  listeners.after.event_initialized.pulsedev({ id = 1 })
  listeners.before.event_terminated.pulsedev({ id = 1 })
  listeners.before.event_exited.pulsedev({ id = 1 }) -- same session: no second stop
  H.wait(3000, function()
    local kinds = {}
    for _, r in ipairs(H.method(rec, "pulsedev/telemetry")) do
      for _, e in ipairs(r.params.events) do
        if e.kind:match("^debug") then
          table.insert(kinds, e.kind)
        end
      end
    end
    return vim.deep_equal(kinds, { "debug_started", "debug_stopped" })
  end, "debug events")
  package.loaded["dap"] = nil
end)

H.test("telemetry off in settings: no autocmds, nothing sent", function()
  local rec = start(nil, { settings = { features = { telemetry = false } } })
  H.eq(0, #vim.api.nvim_get_autocmds({ group = "pulsedev.telemetry" }), "autocmds")
  vim.api.nvim_exec_autocmds("FocusLost", {})
  vim.wait(300)
  H.eq(0, #H.method(rec, "pulsedev/telemetry"), "telemetry requests")
end)

H.test(":PulseDev report, tracer, train, unhide and unknown subcommands", function()
  local rec = start(nil, { report_open = false })
  vim.cmd("PulseDev report")
  vim.cmd("PulseDev tracer")
  vim.cmd("PulseDev train")
  vim.cmd("PulseDev unhide")
  vim.cmd("PulseDev bogus")
  H.wait(3000, function()
    return #H.method(rec, "workspace/executeCommand") == 4
  end, "four commands")
  H.wait(2000, function()
    return #H.notes_matching("2 hidden type hints are shown again") == 1
  end, "unhide count")
  H.wait(2000, function()
    return #H.notes_matching("report written to /tmp/pulsedev%-fake%-report.html") == 1
  end, "report path")
  H.wait(2000, function()
    return vim.fn.getreg('"'):match("PYTHONPATH=.*/fake/tracer.*pytest %-p pulsedev_tracer") ~= nil
  end, "tracer line in the unnamed register")
  H.eq(1, #H.notes_matching('unknown subcommand "bogus"'), "unknown subcommand message")
  H.eq({ "flow", "forget" }, require("pulsedev.commands").complete("f"), "completion")
end)

H.test("quitting sends what is still queued, synchronously", function()
  local rec = start(nil, { telemetry = { flush_ms = 60000 } })
  vim.api.nvim_exec_autocmds("FocusLost", {})
  vim.api.nvim_exec_autocmds("VimLeavePre", {})
  local got = {}
  for _, r in ipairs(H.method(rec, "pulsedev/telemetry")) do
    for _, e in ipairs(r.params.events) do
      table.insert(got, e.kind .. ":" .. e.data.target)
    end
  end
  H.eq({ "focus_changed:editor", "focus_changed:window" }, got, "sent before VimLeavePre returned")
  H.eq(0, require("pulsedev.telemetry").stats.queued, "queue empty")
end)

H.test(":PulseDev forget asks first; :PulseDev forget! does not", function()
  local answers = { 2, 1 } -- Cancel, then confirm
  vim.ui.select = function(items, _, on_choice)
    local i = table.remove(answers, 1)
    on_choice(items[i], i)
  end
  local rec = start()
  vim.cmd("PulseDev forget")
  vim.wait(200)
  H.eq(0, #H.method(rec, "workspace/executeCommand"), "cancelled: nothing sent")
  vim.cmd("PulseDev forget")
  vim.cmd("PulseDev forget!")
  vim.cmd("PulseDev! forget")
  H.wait(3000, function()
    return #H.method(rec, "workspace/executeCommand") == 3
  end, "three forgets")
  H.eq(0, #answers, "asked twice, not for the bang forms")
  H.eq({ command = "pulsedev.forget", arguments = {} }, H.method(rec, "workspace/executeCommand")[1].params, "command")
end)

H.test("training progress shows in the statusline, then goes away", function()
  start()
  local seen = {}
  vim.api.nvim_create_autocmd("User", {
    pattern = "PulseDevState",
    callback = function()
      seen[require("pulsedev").statusline()] = true
    end,
  })
  vim.cmd("PulseDev train")
  H.wait(5000, function()
    return seen["PulseDev · training 40%"] == true
  end, "progress in the statusline, saw " .. vim.inspect(seen))
  H.wait(5000, function()
    return require("pulsedev").statusline() == "PulseDev"
  end, "progress gone")
end)

H.test("setup() defines :PulseDev when plugin/ was not sourced", function()
  vim.api.nvim_del_user_command("PulseDev")
  vim.g.loaded_pulsedev = nil
  start()
  H.eq(2, vim.fn.exists(":PulseDev"), ":PulseDev exists")
end)

H.test("setup() again sends the new settings to the running server", function()
  local rec = start(nil, { settings = { thresholds = { typeHintConfidence = 0.8 } } })
  require("pulsedev").setup({ cmd = H.fake_cmd("ok", rec), settings = { thresholds = { typeHintConfidence = 0.95 } } })
  H.wait(3000, function()
    for _, m in ipairs(H.method(rec, "workspace/didChangeConfiguration")) do
      if m.params.settings.pulsedev.thresholds.typeHintConfidence == 0.95 then
        return true
      end
    end
  end, "didChangeConfiguration with the new threshold")
  H.eq(1, #H.method(rec, "initialize"), "the same server, not a new one")
end)

H.test("without vim.lsp.enable (Neovim 0.10) a FileType autocmd starts the client", function()
  local enable, cfg = vim.lsp.enable, vim.lsp.config
  vim.lsp.enable, vim.lsp.config = nil, nil
  local ok, err = pcall(function()
    local rec = H.tempname()
    require("pulsedev").setup({ cmd = H.fake_cmd("ok", rec) })
    H.eq(1, #vim.api.nvim_get_autocmds({ group = "pulsedev.server", event = "FileType" }), "FileType autocmd")
    local buf = H.python_buffer()
    H.wait(5000, function()
      local c = require("pulsedev.server").primary()
      return c ~= nil and c.attached_buffers[buf]
    end, "attached via vim.lsp.start")
    H.eq(1, #H.method(rec, "initialize"), "one server")
  end)
  vim.lsp.enable, vim.lsp.config = enable, cfg
  assert(ok, err)
end)

H.run()
