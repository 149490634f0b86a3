"""Import the modules that register further `shequ` subcommands."""
from ..search import cli as search_cli  # noqa: F401
