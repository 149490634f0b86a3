"""Import the modules that register further `shequ` subcommands."""
from . import province, roster, search, settings, users, volunteers  # noqa: F401
