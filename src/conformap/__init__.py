"""conformap: security framework controls mapped to AWS Config managed rules, as a validated catalogue."""

from .diagnostics import CatalogError, Diagnostic
from .loader import load, validate
from .model import Catalog

__all__ = ["load", "validate", "Catalog", "CatalogError", "Diagnostic"]
__version__ = "0.1.0"
