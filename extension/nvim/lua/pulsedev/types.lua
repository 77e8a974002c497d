---Option and protocol types of pulsedev.nvim (LuaCATS annotations only; returns nothing useful).

---@meta

---@class (exact) pulsedev.TelemetryOpts
---@field enabled boolean Send focus, buffer, terminal and debug events (also off when settings.features.telemetry is false)
---@field flush_ms integer Batch window: events are sent at most this long after they happen
---@field batch_size integer Events per `pulsedev/telemetry` request (the protocol allows 1..1000)
---@field max_in_flight integer Requests sent but not yet answered
---@field max_queue integer Events kept while the server is down; the oldest are dropped beyond this

---@class (exact) pulsedev.SuggestionOpts
---@field enabled boolean Declare `experimental.pulsedev.suggestions` and show `pulsedev/suggestion`
---@field select boolean Ask for feedback with vim.ui.select (else only vim.notify)

---@class (exact) pulsedev.RestartOpts
---@field max_attempts integer Crashes in a row before giving up (until :PulseDev restart)
---@field base_ms integer First delay; doubled after each crash
---@field max_ms integer Longest delay
---@field stable_ms integer A server up this long has its crash count reset

---@class (exact) pulsedev.StatuslineOpts
---@field prefix string Text before the state
---@field labels table<string, string> Text per state (flow, stuck, neutral, idle, starting, restarting, failed)

---@class (exact) pulsedev.Opts
---@field python string Interpreter that has `pulsedev` installed
---@field cmd string[]? Full server command; overrides `python`
---@field cmd_env table<string, string>? Extra environment for the server
---@field filetypes string[] Buffers the client attaches to
---@field root_markers string[] Files that mark the workspace root
---@field settings table The protocol's settings object (dataDir, features, thresholds, privacy, hints, idle)
---@field inlay_hints boolean Enable inlay hints (type hints) in attached buffers
---@field telemetry pulsedev.TelemetryOpts
---@field suggestions pulsedev.SuggestionOpts
---@field restart pulsedev.RestartOpts
---@field statusline pulsedev.StatuslineOpts
---@field report_open boolean Open the HTML report with vim.ui.open after :PulseDev report
---@field log_level integer vim.log.levels.* written to stdpath("log")/pulsedev.log

---@class pulsedev.Event
---@field kind string
---@field ts number Unix time in seconds
---@field uri string?
---@field data table?

---@class pulsedev.State
---@field state "flow"|"stuck"|"neutral"|"idle"
---@field since number
---@field scores {stuck: number, flow: number, anomaly: number}?
---@field reason string?

---@class pulsedev.Suggestion
---@field id string
---@field kind string
---@field title string
---@field message string
---@field confidence number?
---@field evidence string[]?
---@field actions {title: string, command: string, arguments: any[]?}[]?

return {}
