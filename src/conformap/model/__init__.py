"""The model: frozen dataclasses of a catalogue (questions, statements, rules, mappings, errata, crosswalks) and their records."""
