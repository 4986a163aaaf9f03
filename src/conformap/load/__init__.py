"""Catalogue files -> validated model: the file walker, strict YAML, the schema module, the cross-file checks and the loader."""
