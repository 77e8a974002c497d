-- The README's plain vim.lsp.config snippet, without the plugin, against the real server:
-- the client attaches and type inlay hints come back. Driven by tests/e2e/test_nvim.py.
-- Inputs (env): PULSEDEV_E2E_PYTHON, PULSEDEV_E2E_DATA, PULSEDEV_E2E_WORKSPACE, PULSEDEV_E2E_TIMEOUT.
vim.cmd("filetype on")
local timeout = tonumber(vim.env.PULSEDEV_E2E_TIMEOUT or "60") * 1000

-- the snippet (python and dataDir filled in by the test)
vim.lsp.config("pulsedev", {
  cmd = { vim.env.PULSEDEV_E2E_PYTHON, "-m", "pulsedev", "serve" },
  filetypes = { "python" },
  root_markers = { "pyproject.toml", "setup.py", ".git" },
  init_options = { dataDir = vim.env.PULSEDEV_E2E_DATA },
})
vim.lsp.enable("pulsedev")
vim.lsp.inlay_hint.enable(true)

vim.cmd.cd(vim.fn.fnameescape(vim.env.PULSEDEV_E2E_WORKSPACE))
vim.cmd.edit("app.py")
local buf = vim.api.nvim_get_current_buf()
local attached = vim.wait(timeout, function()
  return #vim.lsp.get_clients({ name = "pulsedev", bufnr = buf }) > 0
end, 50)
local labels = {}
local got = attached and vim.wait(timeout, function()
  labels = vim.tbl_map(function(h)
    local l = h.inlay_hint.label
    return type(l) == "string" and l or table.concat(vim.tbl_map(function(p) return p.value end, l))
  end, vim.lsp.inlay_hint.get({ bufnr = buf }))
  return #labels > 0
end, 200)
io.write(("attached=%s hints=%s\n"):format(attached, vim.inspect(labels)))
io.stdout:flush()
for _, c in ipairs(vim.lsp.get_clients()) do
  c:stop()
end
vim.wait(3000, function()
  return #vim.lsp.get_clients() == 0
end)
os.exit((attached and got) and 0 or 1)
