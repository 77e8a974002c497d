---`:checkhealth pulsedev`: Neovim version, server found and importable, data dir writable, client attached.
local M = {}

local health = vim.health

---The data dir in force: settings.dataDir, else what the server computes, else the XDG default.
---@param opts pulsedev.Opts
---@param from_python string?
---@return string
local function data_dir(opts, from_python)
  local dir = opts.settings and opts.settings.dataDir
  if type(dir) == "string" and dir ~= "" then
    return vim.fs.normalize(dir)
  end
  if from_python and from_python ~= "" then
    return from_python
  end
  local base = vim.env.XDG_DATA_HOME
  if not base or base == "" then
    base = vim.fs.joinpath(vim.uv.os_homedir(), ".local", "share")
  end
  return vim.fs.joinpath(base, "pulsedev")
end

---@param dir string
---@return boolean ok
---@return string? err
local function writable(dir)
  if vim.fn.isdirectory(dir) == 0 and vim.fn.mkdir(dir, "p") == 0 then
    return false, "cannot create it"
  end
  local probe = vim.fs.joinpath(dir, (".nvim-health-%d"):format(vim.uv.os_getpid()))
  local f, err = io.open(probe, "w")
  if not f then
    return false, err
  end
  f:write("ok")
  f:close()
  os.remove(probe)
  return true
end

---Entry point of :checkhealth pulsedev.
function M.check()
  local config = require("pulsedev.config")
  local server = require("pulsedev.server")
  local opts = config.current

  health.start("Neovim")
  local v = vim.version()
  local vs = ("%d.%d.%d"):format(v.major, v.minor, v.patch)
  if vim.fn.has("nvim-0.10") == 1 then
    health.ok(("Neovim %s (0.10+ needed%s)"):format(vs, vim.lsp.enable and "; uses vim.lsp.config/vim.lsp.enable" or ""))
  else
    health.error(("Neovim %s is too old: pulsedev needs 0.10+"):format(vs))
  end
  if server.state.enabled then
    health.ok("require('pulsedev').setup() has run")
  else
    health.warn("require('pulsedev').setup() has not run (or the server command was not found)")
  end

  health.start("Server")
  local cmd = config.cmd(opts)
  local exe = vim.fn.exepath(cmd[1])
  local py_dir
  if exe == "" then
    health.error(("%s was not found"):format(cmd[1]), { "Set `python` (or `cmd`) in require('pulsedev').setup({...})" })
  else
    health.ok(("server command: %s (%s)"):format(table.concat(cmd, " "), exe))
    if not opts.cmd then
      local code = "import pulsedev, sys\n"
        .. "try:\n    from pulsedev.options import default_data_dir; d = str(default_data_dir())\n"
        .. "except Exception:\n    d = ''\n"
        .. "print(pulsedev.__version__); print(d)"
      local ok, res = pcall(function()
        return vim.system({ opts.python, "-c", code }, { text = true }):wait(20000)
      end)
      if ok and res.code == 0 then
        local lines = vim.split(vim.trim(res.stdout or ""), "\n")
        health.ok(("pulsedev %s is importable by %s"):format(lines[1] or "?", opts.python))
        py_dir = lines[2]
      else
        local err = ok and vim.trim(res.stderr or "") or tostring(res)
        health.error(("pulsedev cannot be imported by %s: %s"):format(opts.python, err:match("[^\n]*$") or err), {
          ("Install it: %s -m pip install pulsedev"):format(opts.python),
          "Or point `python` at the interpreter that has it",
        })
      end
    end
  end
  if server.state.failed then
    health.error("the server is stopped: " .. server.state.failed, { ":PulseDev restart", "Log: " .. vim.lsp.get_log_path() })
  end

  health.start("Data")
  local dir = data_dir(opts, py_dir)
  local ok, err = writable(dir)
  if ok then
    health.ok(("data dir %s is writable"):format(dir))
  else
    health.error(("data dir %s is not writable: %s"):format(dir, err or "?"), { "Set settings.dataDir in setup()" })
  end

  health.start("Client")
  local clients = server.clients()
  if #clients == 0 then
    health.warn(("no client running: it starts with the first buffer of filetype %s"):format(table.concat(opts.filetypes, ", ")))
  end
  for _, c in ipairs(clients) do
    local bufs = vim.tbl_keys(c.attached_buffers or {})
    table.sort(bufs)
    local msg = ("client %d (%s) %s, attached to buffers %s"):format(
      c.id,
      c.config.root_dir or "no root",
      c.initialized and "initialized" or "initializing",
      #bufs > 0 and table.concat(bufs, ", ") or "none"
    )
    if c.initialized and #bufs > 0 then
      health.ok(msg)
    else
      health.warn(msg)
    end
  end
  local tel = require("pulsedev.telemetry").stats
  if opts.telemetry.enabled then
    health.ok(("telemetry: %d events sent in %d requests, %d queued, %d rejected, %d dropped"):format(tel.sent, tel.requests, tel.queued, tel.rejected, tel.dropped))
  else
    health.info("telemetry is off")
  end
  health.info("plugin log: " .. require("pulsedev.log").path())
end

return M
