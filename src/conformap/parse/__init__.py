"""Parsers of AWS's upstream documents (the Security Pillar page, rule pages, Security Hub and Guard sources); they import nothing of conformap."""
