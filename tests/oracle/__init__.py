"""An independent oracle for every number and cell conformap publishes (issue 23).

It reads what the catalogue reproduces, not the code under test: the page snapshot
(``catalog/sources/aws-page.txt``, parsed here by :mod:`oracle.page`), the crosswalk snapshots
(``catalog/crosswalks/*.yaml``, plain ``yaml.safe_load`` in :mod:`oracle.crosswalk`) and, for the facts the page
does not state, the catalogue's own YAML files (also plain ``yaml.safe_load``). :mod:`oracle.derive` computes every
published number from those. Nothing in this package imports ``conformap`` (``tests/test_oracle_independent.py``
checks it), so a bug in the code under test cannot also be in its expected values.

Where each fact comes from:

* the page: which rule is mapped to which question, under which printed statement, on which rows (duplicate rows
  give one mapping with several rows), the guidance;
* the question files (``controls/*.yaml``): question ids, numbers, wording, ``in_source``, framework question ids,
  notes, and the statements (ids, kinds, texts, best practices) - the page prints a statement's text but not its id;
* the rule files (``rules/*.yaml``): a rule's metadata (kind, identifier, service, trigger, deprecation, parameters,
  conformance-pack inputs and scope, description, documentation URL, resource types, regions note) and the
  *contributed* mappings, which are on no page (a mapping without ``source_rows``);
* ``framework.yaml``: the framework's id, title, version, release and source facts; ``errata.yaml``: the errata;
* the crosswalk snapshots: Security Hub controls (two AWS sources, merged by id), NIST SP 800-53 controls and
  families, the Guard Rules Registry's items.
"""
