"""LSP handlers, one module per area; importing this package registers them all.

Each module decorates functions on `pulsedev.app.server`; handlers stay thin:
parse, call one domain function, reply.
"""

import importlib
import pkgutil

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
