"""Import the modules that register further `shequ` subcommands."""
from . import archive, roster, search, settings, users, volunteers  # noqa: F401
