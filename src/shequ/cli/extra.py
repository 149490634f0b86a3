"""Import the modules that register further `shequ` subcommands."""
from . import roster, search, settings, transfer, users, volunteers  # noqa: F401
