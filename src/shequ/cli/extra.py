"""Import the modules that register further `shequ` subcommands."""
