"""How many examples a property-based test tries: its full count under `make test`, a fifth under
`make test-fast` (the hypothesis profile "fast", registered in conftest.py and chosen by the Makefile)."""

from __future__ import annotations

from hypothesis import settings

FULL = 100  # hypothesis' default max_examples: the profile `make test` runs with


def examples(full: int) -> int:
    """``full`` examples in the default profile, scaled down with the loaded profile's max_examples."""
    return max(5, full * settings().max_examples // FULL)
