---A tiny test harness for headless Neovim (no plenary, no network): test(), run(), eq(), wait(), a fake server.
local H = {}

H.root = vim.fs.dirname(vim.fs.dirname(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p")))
H.tests_dir = vim.fs.joinpath(H.root, "tests")
H.python = vim.env.PULSEDEV_TEST_PYTHON or "python3"
vim.opt.runtimepath:prepend(H.root)
vim.opt.shortmess:append("F")
vim.cmd.runtime("plugin/pulsedev.lua")

local tests = {}
H.notes = {} ---@type {msg: string, level: integer}[]

vim.notify = function(msg, level)
  table.insert(H.notes, { msg = msg, level = level or vim.log.levels.INFO })
end

---@param name string
---@param fn fun()
function H.test(name, fn)
  table.insert(tests, { name = name, fn = fn })
end

function H.eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(("%s: expected %s, got %s"):format(what or "value", vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

function H.ok(cond, what)
  if not cond then
    error(what or "assertion failed", 2)
  end
end

---Wait until pred() is true or fail after ms.
function H.wait(ms, pred, what)
  if not vim.wait(ms, pred, 20) then
    error("timed out waiting for " .. (what or "condition"), 2)
  end
end

---A temp file path for the fake server's record.
function H.tempname()
  return vim.fn.tempname()
end

---The fake server's command line.
---@param mode string?
---@param record string
---@param extra string[]?
function H.fake_cmd(mode, record, extra)
  local cmd = { H.python, vim.fs.joinpath(H.tests_dir, "fake_server.py"), "--mode", mode or "ok", "--record", record }
  vim.list_extend(cmd, extra or {})
  return cmd
end

---Messages the fake server received (and its "start" lines).
---@param path string
---@return table[]
function H.records(path)
  local out = {}
  local f = io.open(path)
  if not f then
    return out
  end
  for line in f:lines() do
    table.insert(out, vim.json.decode(line))
  end
  f:close()
  return out
end

---Records of one method.
function H.method(path, method)
  return vim.tbl_filter(function(r)
    return r.method == method
  end, H.records(path))
end

---Open a Python buffer (no filetype detection under -u NONE, so it is set by hand).
---@param path string?
---@return integer bufnr
function H.python_buffer(path)
  path = path or (vim.fn.tempname() .. ".py")
  if vim.fn.filereadable(path) == 0 then
    vim.fn.writefile({ "x = 1", "def f(a):", "    return a + 1" }, path)
  end
  vim.cmd.edit(vim.fn.fnameescape(path))
  vim.bo.filetype = "python"
  return vim.api.nvim_get_current_buf()
end

---Stop every client and forget the plugin's modules, so the next test starts clean.
function H.reset()
  local ok, server = pcall(require, "pulsedev.server")
  if ok then
    server.stop()
  end
  for _, c in ipairs(vim.lsp.get_clients({ _uninitialized = true })) do
    c:stop(true)
  end
  vim.wait(2000, function()
    return #vim.lsp.get_clients({ _uninitialized = true }) == 0
  end, 20)
  pcall(vim.lsp.enable, "pulsedev", false)
  for name in pairs(package.loaded) do
    if name == "pulsedev" or name:match("^pulsedev%.") then
      package.loaded[name] = nil
    end
  end
  pcall(vim.api.nvim_del_augroup_by_name, "pulsedev.telemetry")
  pcall(vim.api.nvim_del_augroup_by_name, "pulsedev.server")
  vim.cmd("silent! %bwipeout!")
  H.notes = {}
end

---Notes (vim.notify calls) whose text matches a Lua pattern.
function H.notes_matching(pattern)
  return vim.tbl_filter(function(n)
    return n.msg:match(pattern) ~= nil
  end, H.notes)
end

---Run the tests registered so far and exit with 0 if all passed.
function H.run()
  local failed = 0
  for _, t in ipairs(tests) do
    local start = vim.uv.hrtime()
    local ok, err = xpcall(t.fn, debug.traceback)
    local ms = (vim.uv.hrtime() - start) / 1e6
    if ok then
      io.write(("ok   %s (%.0f ms)\n"):format(t.name, ms))
    else
      failed = failed + 1
      io.write(("FAIL %s (%.0f ms)\n%s\n"):format(t.name, ms, err))
    end
    pcall(H.reset)
  end
  io.write(("%d passed, %d failed\n"):format(#tests - failed, failed))
  io.stdout:flush()
  os.exit(failed == 0 and 0 or 1)
end

return H
