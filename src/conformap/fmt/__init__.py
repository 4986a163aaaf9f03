"""`conformap fmt`: the canonical layout of a catalogue file (layout) and its application to files (files)."""
