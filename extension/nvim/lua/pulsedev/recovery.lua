---Crash recovery: the real exit code, why the server cannot start, restart with backoff, giving up quietly.
local config = require("pulsedev.config")
local log = require("pulsedev.log")
local server = require("pulsedev.server")

local M = {}
local state = server.state

local exits = setmetatable({}, { __mode = "k" }) ---@type table<table, {code: integer, signal: integer}>

---The server command as a function: the same process, but its exit reaches Neovim's own
---handler as a clean one, so a crash loop shows our messages only (Neovim warns on every exit).
---The real code is kept and read back by on_exit through the client's rpc object.
---@param argv string[]
---@param env table<string, string>?
---@return fun(dispatchers: table, cfg: table?): table
function M.quiet_cmd(argv, env)
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

---Delay before restart number `attempt`: base, 2*base, 4*base, ... capped at max_ms.
---@param attempt integer 1-based
---@param r pulsedev.RestartOpts
---@return integer ms
function M.backoff(attempt, r)
  return math.floor(math.min(r.base_ms * 2 ^ (attempt - 1), r.max_ms))
end

---Why the server cannot start, found by running the interpreter (nil if it can).
---@param cb fun(problem: string?)
function M.diagnose(cb)
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

---What to do after a client exited: nothing if on purpose, else diagnose, then restart later or give up.
---@param code integer
---@param signal integer
---@param client_id integer
---@param exiting boolean Neovim is quitting
local function handle_exit(code, signal, client_id, exiting)
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
      if #server.clients() == 0 then
        server.set_status(nil)
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
  M.diagnose(vim.schedule_wrap(function(problem)
    if generation ~= state.generation then
      return -- stopped or restarted on purpose meanwhile
    end
    local others = vim.tbl_filter(function(c)
      return c.id ~= client_id
    end, server.clients())
    if #others > 0 then
      return -- another client is up (e.g. a second workspace)
    end
    if problem then
      state.failed = problem
      server.set_status("failed")
      log.notify_once("server-problem", problem, vim.log.levels.ERROR)
      return
    end
    if attempt > opts.restart.max_attempts then
      state.failed = ("crashed %d times in a row"):format(attempt)
      server.set_status("failed")
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
    server.set_status("restarting")
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
      if generation == state.generation and state.failed == nil and #server.clients() == 0 then
        log.info("restarting the server (attempt %d)", attempt)
        server.start_all()
      end
    end))
  end))
end


---The client config's on_exit (a fast context): read the real exit code, then handle it scheduled.
---@param code integer
---@param signal integer
---@param client_id integer
function M.on_client_exit(code, signal, client_id)
  local client = vim.lsp.get_client_by_id(client_id)
  local real = client and exits[client.rpc]
  if real then
    code, signal = real.code, real.signal
  end
  local exiting = vim.v.exiting ~= vim.NIL
  vim.schedule(function()
    handle_exit(code, signal, client_id, exiting)
  end)
end

return M
