-- :PulseDev {status|stuck|flow|neutral|train|report|forget|restart|tracer|unhide|suggestion|log}; nothing else runs at startup.
if vim.g.loaded_pulsedev then
  return
end
vim.g.loaded_pulsedev = true

vim.api.nvim_create_user_command("PulseDev", function(args)
  require("pulsedev.commands").run(args)
end, {
  nargs = "?",
  bang = true,
  desc = "PulseDev: status, self-report, train, report, forget, restart, tracer",
  complete = function(lead)
    return require("pulsedev.commands").complete(lead)
  end,
})
