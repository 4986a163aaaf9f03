"""Parsers of AWS's and NIST's documents, one module per source: pure functions from a document's text (or JSON
data) to plain data, verbatim as the source states it.

``aws_page`` (the Security Pillar page conformap is built from), and for ``import-source``: ``reading`` (an
upstream checkout's files read within limits), ``rule_pages``, ``pack_templates``, ``security_hub_guide``,
``oscal_catalogs`` (Security Hub's and NIST's), ``well_architected`` and ``guard``.
"""
