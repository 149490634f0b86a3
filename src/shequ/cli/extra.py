"""Import the modules that register further `shequ` subcommands."""
from . import backup, roster, search, settings, users, volunteers  # noqa: F401
