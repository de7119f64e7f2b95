"""Per-token highlighting: token strings and values in, plain data out for the template to escape and draw.

Nothing here builds markup: the template writes each token's text through Jinja's autoescape,
and the only strings placed in attributes are made here from numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

ACTIVATION_RGB = (230, 120, 0)
POSITIVE_RGB = (200, 40, 40)
NEGATIVE_RGB = (40, 90, 200)


@dataclass(frozen=True)
class Token:
    text: str
    """What is shown: the token with a newline drawn as a visible mark."""
    value: float
    style: str
    """A CSS background colour made from ``value`` alone."""
    newline: bool = False
    focus: bool = False


def _shown(token: str) -> tuple[str, bool]:
    newline = "\n" in token
    return token.replace("\r", "").replace("\n", "\u21b5"), newline


def highlight(tokens: list[str], values: list[float], scale: float | None = None, signed: bool = False,
              focus: int | None = None) -> list[Token]:
    """Colour each token by its value: orange by size for activations, red/blue by sign with ``signed``.

    ``scale`` is the value that gets full colour (default: the largest |value| here), so the
    cards of one latent can share a scale and compare by eye.
    """
    if len(tokens) != len(values):
        raise ValueError(f"{len(tokens)} tokens but {len(values)} values")
    scale = scale or max((abs(v) for v in values), default=0.0) or 1.0
    out = []
    for i, (token, value) in enumerate(zip(tokens, values)):
        strength = min(abs(float(value)) / scale, 1.0)
        rgb = (POSITIVE_RGB if value >= 0 else NEGATIVE_RGB) if signed else ACTIVATION_RGB
        style = f"background-color: rgba({rgb[0]},{rgb[1]},{rgb[2]},{0.85 * strength:.3f})" if strength > 0 else ""
        text, newline = _shown(token)
        out.append(Token(text, float(value), style, newline, i == focus))
    return out
