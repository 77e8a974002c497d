---The language-server client's lifecycle: config, start, attach, crash diagnosis and restart with backoff.
local config = require("pulsedev.config")
local log = require("pulsedev.log")

local M = {}

M.name = "pulsedev"

---@class pulsedev.ServerState
---@field attempts integer crashes in a row
---@field stopping table<integer, boolean> clients we stop on purpose
---@field started_at table<integer, integer> client id -> uv.now() at start
---@field timer uv.uv_timer_t?
---@field failed string? why the server is given up on (until :PulseDev restart)
---@field last_exit {code: integer, signal: integer, client_id: integer}?
---@field restarts {at: integer, delay: integer}[] restarts scheduled (uv.now() ms), for status and tests
---@field enabled boolean setup() registered the client
---@field active boolean crashes are restarted (false after stop())
---@field generation integer bumped by stop(): pending restarts of an older generation are dropped
local state = { restarts = {}, generation = 0, attempts = 0, stopping = {}, started_at = {}, timer = nil, failed = nil, last_exit = nil, enabled = false }
M.state = state

local has_011 = vim.fn.has("nvim-0.11") == 1

---Send a request on `client` (0.10: client.request, 0.11+: client:request).
---@param client vim.lsp.Client
---@param method string
---@param params any
---@param handler fun(err: any, result: any, ctx: table)?
---@return boolean sent
function M.request(client, method, params, handler)
  local ok
  if has_011 then
    ok = client:request(method, params, handler)
  else
    ok = client.request(method, params, handler)
  end
  return ok and true or false
end

---Stop a client (0.10: client.stop(force), 0.11+: client:stop(force)).
---@param client vim.lsp.Client
---@param force boolean?
function M.stop_client(client, force)
  if has_011 then
    client:stop(force)
  else
    client.stop(force)
  end
end

---@return vim.lsp.Client[] running pulsedev clients
function M.clients()
  return vim.lsp.get_clients({ name = M.name })
end

---The client to talk to: the one attached to the current buffer, else any initialized one.
---@return vim.lsp.Client?
function M.primary()
  local here = vim.lsp.get_clients({ name = M.name, bufnr = vim.api.nvim_get_current_buf() })
  for _, c in ipairs(here) do
    if c.initialized then
      return c
    end
  end
  for _, c in ipairs(M.clients()) do
    if c.initialized then
      return c
    end
  end
end

---Run a workspace/executeCommand on the primary client.
---@param command string
---@param arguments any[]
---@param cb fun(err: any, result: any)?
---@return boolean sent
function M.execute(command, arguments, cb)
  local client = M.primary()
  if not client then
    log.notify("the server is not running (open a Python file, or :PulseDev restart)", vim.log.levels.WARN)
    return false
  end
  return M.request(client, "workspace/executeCommand", { command = command, arguments = arguments }, function(err, result)
    if err then
      log.notify(("%s failed: %s"):format(command, err.message or vim.inspect(err)), vim.log.levels.WARN)
    end
    if cb then
      cb(err, result)
    end
  end)
end

local function set_server_status(s)
  require("pulsedev.status").set_server(s)
end

---@param bufnr integer
---@param opts pulsedev.Opts
---@return boolean
local function wants(bufnr, opts)
  return vim.api.nvim_buf_is_loaded(bufnr)
    and vim.bo[bufnr].buftype == ""
    and vim.tbl_contains(opts.filetypes, vim.bo[bufnr].filetype)
end

local on_exit
local exits = setmetatable({}, { __mode = "k" }) ---@type table<table, {code: integer, signal: integer}>

---The server command as a function: the same process, but its exit reaches Neovim's own
---handler as a clean one, so a crash loop shows our messages only (Neovim warns on every exit).
---The real code is kept and read back by on_exit through the client's rpc object.
---@param argv string[]
---@param env table<string, string>?
---@return fun(dispatchers: table, cfg: table?): table
local function quiet_cmd(argv, env)
  return function(dispatchers, cfg)
    local d, rpc = {}, nil
    for k, v in pairs(dispatchers) do
      d[k] = v
    end
    d.on_exit = function(code, signal)
      if rpc then
        exits[rpc] = { code = code, signal = signal }
      end
      dispatchers.on_exit(0, 0)
    end
    rpc = vim.lsp.rpc.start(argv, d, { cwd = cfg and cfg.cmd_cwd, env = env })
    return rpc
  end
end

---The vim.lsp client config for the options in force.
---@param opts pulsedev.Opts
---@return table
function M.client_config(opts)
  local settings = config.server_settings(opts)
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  capabilities.experimental = { pulsedev = { suggestions = opts.suggestions.enabled } }
  return {
    name = M.name,
    cmd = quiet_cmd(config.cmd(opts), opts.cmd_env),
    filetypes = opts.filetypes,
    root_markers = opts.root_markers,
    init_options = settings,
    settings = { pulsedev = settings },
    capabilities = capabilities,
    handlers = {
      ["pulsedev/state"] = function(_, result, ctx)
        require("pulsedev.status").on_state(result, ctx and ctx.client_id)
      end,
      ["pulsedev/suggestion"] = function(_, result, ctx)
        require("pulsedev.suggestions").on_suggestion(result, ctx and ctx.client_id)
      end,
    },
    on_init = function(client)
      state.started_at[client.id] = vim.uv.now()
      state.failed = nil
      set_server_status("running")
      log.info("server initialized (client %d)", client.id)
      vim.schedule(function()
        require("pulsedev.telemetry").flush()
      end)
    end,
    on_attach = function(client, bufnr)
      if opts.inlay_hints and vim.lsp.inlay_hint and client.server_capabilities.inlayHintProvider then
        vim.lsp.inlay_hint.enable(true, { bufnr = bufnr })
      end
    end,
    on_exit = function(code, signal, client_id)
      local client = vim.lsp.get_client_by_id(client_id)
      local real = client and exits[client.rpc]
      if real then
        code, signal = real.code, real.signal
      end
      local exiting = vim.v.exiting ~= vim.NIL
      vim.schedule(function()
        on_exit(code, signal, client_id, exiting)
      end)
    end,
  }
end

---Start (or reuse) a client for one buffer.
---@param bufnr integer
---@return integer? client_id
function M.start_buffer(bufnr)
  local opts = config.current
  if not wants(bufnr, opts) then
    return nil
  end
  local cfg = M.client_config(opts)
  cfg.root_dir = vim.fs.root(bufnr, opts.root_markers)
  set_server_status(#M.clients() > 0 and "running" or "starting")
  return vim.lsp.start(cfg, { bufnr = bufnr, silent = true })
end

---Start clients for every loaded buffer the plugin applies to.
---@return integer count of buffers attached
function M.start_all()
  local n = 0
  for _, b in ipairs(vim.api.nvim_list_bufs()) do
    if M.start_buffer(b) then
      n = n + 1
    end
  end
  return n
end

---Whether the server command can run at all; shows one clear message if not.
---@param opts pulsedev.Opts
---@return boolean
function M.preflight(opts)
  local exe = config.cmd(opts)[1]
  if vim.fn.executable(exe) == 1 then
    return true
  end
  state.failed = ("%s was not found"):format(exe)
  set_server_status("failed")
  log.notify_once(
    "missing-exe",
    ("%s was not found: set `python` (or `cmd`) in require('pulsedev').setup()"):format(exe),
    vim.log.levels.ERROR
  )
  return false
end

---Send new settings to running clients (setup() called again): workspace/didChangeConfiguration.
---@param opts pulsedev.Opts
function M.push_settings(opts)
  local settings = config.server_settings(opts)
  for _, c in ipairs(M.clients()) do
    c.settings = { pulsedev = settings }
    if has_011 then
      c:notify("workspace/didChangeConfiguration", { settings = c.settings })
    else
      c.notify("workspace/didChangeConfiguration", { settings = c.settings })
    end
  end
end

---Register the client so it starts with the first matching buffer
---(vim.lsp.config/vim.lsp.enable on 0.11+, a FileType autocmd and vim.lsp.start on 0.10).
---@param opts pulsedev.Opts
function M.enable(opts)
  if not M.preflight(opts) then
    return
  end
  state.enabled = true
  state.active = true
  M.push_settings(opts)
  local group = vim.api.nvim_create_augroup("pulsedev.server", { clear = true })
  if vim.lsp.config and vim.lsp.enable then
    vim.lsp.config[M.name] = M.client_config(opts) -- replace, not merge: setup() again drops old options
    vim.lsp.enable(M.name)
    if vim.v.vim_did_enter ~= 1 then
      return -- FileType will start it
    end
  else
    vim.api.nvim_create_autocmd("FileType", {
      group = group,
      pattern = opts.filetypes,
      desc = "Start the PulseDev language server",
      callback = function(args)
        M.start_buffer(args.buf)
      end,
    })
  end
  M.start_all()
end

---Stop the running clients on purpose (no restart follows).
---@param cb fun()? called once they have exited
function M.stop(cb)
  state.active = false
  state.generation = state.generation + 1
  if state.timer then
    state.timer:stop()
  end
  -- _uninitialized: a client still starting must be stopped too (0.11; ignored by 0.10, which lists all)
  local clients = vim.lsp.get_clients({ name = M.name, _uninitialized = true })
  for _, c in ipairs(clients) do
    state.stopping[c.id] = true
    M.stop_client(c)
  end
  if cb then
    vim.wait(0)
    local deadline = vim.uv.now() + 3000
    local function check()
      local alive = vim.tbl_filter(function(c)
        return not c.is_stopped(c)
      end, clients)
      if #alive == 0 or vim.uv.now() > deadline then
        for _, c in ipairs(alive) do
          M.stop_client(c, true)
        end
        cb()
      else
        vim.defer_fn(check, 50)
      end
    end
    check()
  end
end

---Stop the clients, clear the crash count and start again for the open buffers.
function M.restart()
  state.attempts = 0
  state.failed = nil
  log.reset_once()
  if not M.preflight(config.current) then
    return
  end
  if not state.enabled then
    M.enable(config.current)
    return
  end
  M.stop(function()
    state.active = true
    local n = M.start_all()
    if n == 0 then
      set_server_status(nil)
      log.notify("restarted; it starts with the next Python buffer", vim.log.levels.INFO)
    end
  end)
end

---Delay before restart number `attempt`: base, 2*base, 4*base, ... capped at max_ms.
---@param attempt integer 1-based
---@param r pulsedev.RestartOpts
---@return integer ms
function M.backoff(attempt, r)
  return math.floor(math.min(r.base_ms * 2 ^ (attempt - 1), r.max_ms))
end

---Why the server cannot start, found by running the interpreter (nil if it can).
---@param cb fun(problem: string?)
local function diagnose(cb)
  local opts = config.current
  if opts.cmd then
    if vim.fn.executable(opts.cmd[1]) == 1 then
      cb(nil)
    else
      cb(opts.cmd[1] .. " was not found")
    end
    return
  end
  if vim.fn.executable(opts.python) == 0 then
    cb(opts.python .. " was not found")
    return
  end
  local ok, err = pcall(vim.system, { opts.python, "-c", "import pulsedev" }, { text = true }, function(res)
    if res.code == 0 then
      cb(nil)
    else
      local last = vim.trim((res.stderr or ""):match("([^\n]*)\n?$") or "")
      cb(("pulsedev cannot be imported by %s (%s): install it with `%s -m pip install pulsedev`"):format(opts.python, last, opts.python))
    end
  end)
  if not ok then
    cb(tostring(err))
  end
end
M.diagnose = diagnose

---@param code integer
---@param signal integer
---@param client_id integer
---@param exiting boolean Neovim is quitting
on_exit = function(code, signal, client_id, exiting)
  local started = state.started_at[client_id]
  state.started_at[client_id] = nil
  state.last_exit = { code = code, signal = signal, client_id = client_id }
  require("pulsedev.telemetry").client_exited(client_id)
  if state.stopping[client_id] or exiting or not state.active then
    state.stopping[client_id] = nil
    return
  end
  if code == 0 and signal == 0 then
    log.info("server exited normally (client %d)", client_id)
    vim.schedule(function()
      if #M.clients() == 0 then
        set_server_status(nil)
      end
    end)
    return
  end
  local opts = config.current
  if started and vim.uv.now() - started >= opts.restart.stable_ms then
    state.attempts = 0
  end
  state.attempts = state.attempts + 1
  local attempt = state.attempts
  local generation = state.generation
  log.warn("server exited with code %d signal %d (crash %d in a row)", code, signal, attempt)
  diagnose(vim.schedule_wrap(function(problem)
    if generation ~= state.generation then
      return -- stopped or restarted on purpose meanwhile
    end
    local others = vim.tbl_filter(function(c)
      return c.id ~= client_id
    end, M.clients())
    if #others > 0 then
      return -- another client is up (e.g. a second workspace)
    end
    if problem then
      state.failed = problem
      set_server_status("failed")
      log.notify_once("server-problem", problem, vim.log.levels.ERROR)
      return
    end
    if attempt > opts.restart.max_attempts then
      state.failed = ("crashed %d times in a row"):format(attempt)
      set_server_status("failed")
      log.notify_once(
        "gave-up",
        ("the server crashed %d times in a row; not restarting. See %s and :checkhealth pulsedev, then :PulseDev restart"):format(
          attempt,
          vim.lsp.get_log_path()
        ),
        vim.log.levels.ERROR
      )
      return
    end
    local delay = M.backoff(attempt, opts.restart)
    table.insert(state.restarts, { at = vim.uv.now(), delay = delay })
    set_server_status("restarting")
    log.notify_once(
      "crashed",
      ("the server exited (code %d); restarting in %.1f s, with longer waits if it keeps failing"):format(code, delay / 1000),
      vim.log.levels.WARN
    )
    if state.timer then
      state.timer:stop()
      state.timer:close()
    end
    state.timer = vim.uv.new_timer()
    state.timer:start(delay, 0, vim.schedule_wrap(function()
      if generation == state.generation and state.failed == nil and #M.clients() == 0 then
        log.info("restarting the server (attempt %d)", attempt)
        M.start_all()
      end
    end))
  end))
end

return M
