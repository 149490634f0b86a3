"""Import the modules that register further `shequ` subcommands."""
from . import roster, search, users  # noqa: F401
