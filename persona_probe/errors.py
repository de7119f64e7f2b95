"""User-facing errors.

Every error a user can cause by bad input is a :class:`PersonaProbeError`. Its
message names the thing that is wrong and the fix. The CLI prints it as one line
and exits non-zero, with no traceback.
"""

from __future__ import annotations


class PersonaProbeError(Exception):
    """Bad input or state that the user can fix; the message says how."""


class DataError(PersonaProbeError):
    """A data file is missing, empty or malformed."""


class ModelSpecError(PersonaProbeError):
    """A model spec cannot be resolved or loaded."""


class StoreError(PersonaProbeError):
    """An activation store is missing, incomplete, corrupt or incompatible."""
