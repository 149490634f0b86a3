"""Import the modules that register further `shequ` subcommands."""
from . import backup, requests, roster, search, settings, transfer, users, volunteers  # noqa: F401
