"""conformap: security framework controls mapped to AWS Config managed rules, as a validated catalogue."""

from conformap.load.loader import load, validate
from conformap.model.catalog import Catalog
from conformap.diagnostics import CatalogError, Diagnostic

__all__ = ["load", "validate", "Catalog", "CatalogError", "Diagnostic"]
__version__ = "0.1.0"
