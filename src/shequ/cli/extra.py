"""Import the modules that register further `shequ` subcommands."""
from . import (backup, province, requests, roster, search, settings, transfer,  # noqa: F401
               users, volunteers)
