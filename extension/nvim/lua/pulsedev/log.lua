---Leveled file log (stdpath("log")/pulsedev.log) and user messages that never storm.
local M = {}

local names = { [0] = "TRACE", "DEBUG", "INFO", "WARN", "ERROR" }
local level = vim.log.levels.WARN
local shown = {} ---@type table<string, boolean>

---@return string path of the log file
function M.path()
  return vim.fs.joinpath(vim.fn.stdpath("log"), "pulsedev.log")
end

---@param lvl integer vim.log.levels.*
function M.set_level(lvl)
  level = lvl
end

---Append one line to the log file if `lvl` is at or above the level in force.
---@param lvl integer
---@param msg string
function M.write(lvl, msg)
  if lvl < level then
    return
  end
  if vim.in_fast_event() then
    vim.schedule(function()
      M.write(lvl, msg)
    end)
    return
  end
  local path = M.path()
  vim.fn.mkdir(vim.fs.dirname(path), "p")
  local f = io.open(path, "a")
  if f then
    f:write(("%s %-5s %s\n"):format(os.date("%Y-%m-%d %H:%M:%S"), names[lvl] or lvl, msg))
    f:close()
  end
end

---@param fmt string
function M.debug(fmt, ...)
  M.write(vim.log.levels.DEBUG, fmt:format(...))
end
---@param fmt string
function M.info(fmt, ...)
  M.write(vim.log.levels.INFO, fmt:format(...))
end
---@param fmt string
function M.warn(fmt, ...)
  M.write(vim.log.levels.WARN, fmt:format(...))
end
---@param fmt string
function M.error(fmt, ...)
  M.write(vim.log.levels.ERROR, fmt:format(...))
end

---Log and show a message to the user (scheduled, so it is safe from any callback).
---@param msg string
---@param lvl integer?
function M.notify(msg, lvl)
  lvl = lvl or vim.log.levels.INFO
  M.write(lvl, msg)
  vim.schedule(function()
    vim.notify("PulseDev: " .. msg, lvl, { title = "PulseDev" })
  end)
end

---Like notify, but shown at most once per key until `reset_once(key)`.
---@param key string
---@param msg string
---@param lvl integer?
function M.notify_once(key, msg, lvl)
  if shown[key] then
    M.write(lvl or vim.log.levels.INFO, msg)
    return
  end
  shown[key] = true
  M.notify(msg, lvl)
end

---@param key string?
function M.reset_once(key)
  if key then
    shown[key] = nil
  else
    shown = {}
  end
end

return M
