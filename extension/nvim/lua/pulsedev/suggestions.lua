---Suggestions from the server (`pulsedev/suggestion`): shown with vim.notify, feedback asked with vim.ui.select.
local config = require("pulsedev.config")
local log = require("pulsedev.log")

local M = {}

---@type pulsedev.Suggestion[] most recent last
M.history = {}
local MAX_HISTORY = 20

---Send `pulsedev.feedback` for a suggestion.
---@param id string
---@param helpful boolean
function M.feedback(id, helpful)
  require("pulsedev.server").execute("pulsedev.feedback", { { id = id, helpful = helpful } })
end

---The choices offered for a suggestion: its actions, then Helpful / Not helpful / Dismiss.
---@param s pulsedev.Suggestion
---@return {label: string, run: fun()}[]
function M.choices(s)
  local items = {}
  for _, action in ipairs(type(s.actions) == "table" and s.actions or {}) do
    if type(action) == "table" and type(action.command) == "string" then
      table.insert(items, {
        label = action.title or action.command,
        run = function()
          require("pulsedev.server").execute(action.command, action.arguments or {})
        end,
      })
    end
  end
  table.insert(items, { label = "Helpful", run = function() M.feedback(s.id, true) end })
  table.insert(items, { label = "Not helpful", run = function() M.feedback(s.id, false) end })
  table.insert(items, { label = "Dismiss", run = function() end })
  return items
end

---Ask the user about a suggestion with vim.ui.select.
---@param s pulsedev.Suggestion
function M.ask(s)
  local items = M.choices(s)
  vim.ui.select(items, {
    prompt = ("PulseDev: %s"):format(s.title or "suggestion"),
    format_item = function(item)
      return item.label
    end,
  }, function(choice)
    if choice then
      choice.run()
    end
  end)
end

---@param s pulsedev.Suggestion
---@return string
function M.text(s)
  local lines = { s.title or "Suggestion" }
  if s.message and s.message ~= "" then
    table.insert(lines, s.message)
  end
  for _, e in ipairs(type(s.evidence) == "table" and s.evidence or {}) do
    table.insert(lines, "• " .. tostring(e))
  end
  return table.concat(lines, "\n")
end

---Handle a `pulsedev/suggestion` notification: notify, then ask (after leaving insert mode).
---@param result pulsedev.Suggestion
---@param client_id integer?
function M.on_suggestion(result, client_id)
  if type(result) ~= "table" or result.id == nil then
    log.warn("ignored a malformed pulsedev/suggestion from client %s", tostring(client_id))
    return
  end
  table.insert(M.history, result)
  if #M.history > MAX_HISTORY then
    table.remove(M.history, 1)
  end
  log.notify(M.text(result), vim.log.levels.INFO)
  if not config.current.suggestions.select then
    return
  end
  vim.schedule(function()
    if vim.api.nvim_get_mode().mode:sub(1, 1) == "i" then
      vim.api.nvim_create_autocmd("InsertLeave", {
        once = true,
        desc = "PulseDev: ask about a suggestion",
        callback = vim.schedule_wrap(function()
          M.ask(result)
        end),
      })
    else
      M.ask(result)
    end
  end)
end

---Ask again about the most recent suggestion (`:PulseDev suggestion`).
function M.last()
  local s = M.history[#M.history]
  if not s then
    log.notify("no suggestion yet", vim.log.levels.INFO)
    return
  end
  M.ask(s)
end

return M
