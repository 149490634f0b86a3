"""Import the modules that register further `shequ` subcommands."""
from ..search import cli as search_cli  # noqa: F401
from . import users  # noqa: F401
