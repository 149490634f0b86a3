"""Import the modules that register further `shequ` subcommands."""
from . import requests, roster, search, settings, users, volunteers  # noqa: F401
