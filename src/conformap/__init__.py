"""conformap: security framework controls mapped to AWS Config managed rules, as a validated catalogue."""

from conformap.catalog.loader import load, validate
from conformap.catalog.model import Catalog
from conformap.diagnostics import CatalogError, Diagnostic

__all__ = ["load", "validate", "Catalog", "CatalogError", "Diagnostic"]
__version__ = "0.1.0"
