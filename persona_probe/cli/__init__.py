"""The command line: ``persona-probe COMMAND`` (``main``), the command table, and the demo's plan."""

from .main import main, run_command

__all__ = ["main", "run_command"]
