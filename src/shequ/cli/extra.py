"""Import the modules that register further `shequ` subcommands."""
from . import users  # noqa: F401
