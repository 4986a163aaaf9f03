"""Field metadata keys of the model's records (see :mod:`conformap.model.catalog` and :mod:`conformap.model.records`)."""

KEY = "key"  # the key path in the catalogue file, where it differs from the field's name
PARENT = "parent"  # not written: the value is the enclosing record's id
KEEP = "keep"  # written even when empty (the schema requires it)
LOCAL = "local"  # not written at all (where the record was read from)
