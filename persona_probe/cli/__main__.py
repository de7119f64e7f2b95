"""``python -m persona_probe.cli``: the same as ``persona-probe`` (torchrun starts commands this way)."""

import sys

from .main import main

sys.exit(main())
