---The language-server client's lifecycle: its config, start and attach, stop and restart (crashes: recovery.lua).
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

---Send a request and wait for its answer (0.10: client.request_sync, 0.11+: client:request_sync).
---@param client vim.lsp.Client
---@param method string
---@param params any
---@param timeout_ms integer
---@return {err: any, result: any}?
function M.request_sync(client, method, params, timeout_ms)
  if has_011 then
    return client:request_sync(method, params, timeout_ms)
  end
  return client.request_sync(method, params, timeout_ms)
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

---@param s string?
function M.set_status(s)
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

---The vim.lsp client config for the options in force.
---@param opts pulsedev.Opts
---@return table
function M.client_config(opts)
  local settings = config.server_settings(opts)
  local capabilities = vim.lsp.protocol.make_client_capabilities()
  capabilities.experimental = { pulsedev = { suggestions = opts.suggestions.enabled } }
  return {
    name = M.name,
    cmd = require("pulsedev.recovery").quiet_cmd(config.cmd(opts), opts.cmd_env),
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
      M.set_status("running")
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
      require("pulsedev.recovery").on_client_exit(code, signal, client_id)
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
  M.set_status(#M.clients() > 0 and "running" or "starting")
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
  M.set_status("failed")
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
  -- buffers already open (setup() run late, e.g. lazy-loaded): a client running for the same root is reused
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
      M.set_status(nil)
      log.notify("restarted; it starts with the next Python buffer", vim.log.levels.INFO)
    end
  end)
end

return M
