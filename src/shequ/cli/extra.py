"""Import the modules that register further `shequ` subcommands."""
from . import search, settings, users  # noqa: F401
