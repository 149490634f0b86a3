"""Import the modules that register further `shequ` subcommands."""
from . import search, users  # noqa: F401
from . import volunteers  # noqa: F401
