---pulsedev.nvim: `require("pulsedev").setup({...})` and the public API (statusline, status, restart).
local M = {}

---Set up the plugin: check the Neovim version, merge options, register the language
---server (vim.lsp.config/vim.lsp.enable on 0.11+, vim.lsp.start on 0.10) and the telemetry autocmds.
---@param opts pulsedev.Opts|table|nil
function M.setup(opts)
  if vim.fn.has("nvim-0.10") == 0 then
    vim.notify("PulseDev needs Neovim 0.10 or newer", vim.log.levels.ERROR)
    return
  end
  local config = require("pulsedev.config")
  local log = require("pulsedev.log")
  local merged, warnings = config.set(opts)
  log.set_level(merged.log_level)
  for _, w in ipairs(warnings) do
    log.notify(w, vim.log.levels.WARN)
  end
  if vim.fn.exists(":PulseDev") ~= 2 then
    -- put on 'runtimepath' after startup (e.g. a plugin manager adding extension/nvim late)
    vim.cmd.runtime("plugin/pulsedev.lua")
  end
  require("pulsedev.sources").setup()
  vim.api.nvim_create_autocmd("LspProgress", {
    group = vim.api.nvim_create_augroup("pulsedev.progress", { clear = true }),
    desc = "PulseDev: training progress in the statusline",
    callback = function(args)
      require("pulsedev.status").on_progress(args)
    end,
  })
  require("pulsedev.server").enable(merged)
end

---Statusline component: "PulseDev: flow", "PulseDev: stuck · training 40%", "PulseDev: restarting",
---or "" before the server starts.
---@return string
function M.statusline()
  return require("pulsedev.status").statusline()
end

---The last `pulsedev/state` the server sent (nil before the first).
---@return pulsedev.State?
function M.state()
  return require("pulsedev.status").current
end

---Request `pulsedev/status`; cb(result, err).
---@param cb fun(result: table?, err: string?)
function M.status(cb)
  require("pulsedev.status").fetch(cb)
end

---Restart the server (also clears a given-up crash loop).
function M.restart()
  require("pulsedev.server").restart()
end

return M
