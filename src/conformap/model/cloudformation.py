"""What CloudFormation makes of catalogue text: the logical ids a rule gets in a conformance pack, and the
syntax CloudFormation would execute.

One definition for the pack writer (:mod:`conformap.outputs.conformance_pack`) and for ``validate``
(:mod:`conformap.load.checks`), so that every catalogue ``validate`` accepts gives packs whose logical ids
are distinct and within CloudFormation's limits, and no catalogue string becomes a dynamic reference.
"""

from __future__ import annotations

import re

# The lengths CloudFormation allows (logical ids 255 characters, parameter values 4,096 bytes) are kept by the
# rule schema: rule ids of at most 128 characters, input parameter names of at most 100, values of at most 1,024.
# Dynamic references (`{{resolve:ssm:...}}`) are resolved wherever they stand in a template, with no escape;
# `${...}` is Fn::Sub's substitution syntax. Neither may reach a pack.
EXECUTABLE = re.compile(r"\{\{\s*resolve\s*:|\$\{", re.IGNORECASE)


def camel(text: str) -> str:
    """``restricted-ssh`` -> ``RestrictedSsh``; ``maxAccessKeyAge`` -> ``MaxAccessKeyAge`` (alphanumerics only)."""
    parts = re.split(r"[^A-Za-z0-9]+", text)
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


def resource_id(rule_id: str) -> str:
    """The logical id of a rule's ``AWS::Config::ConfigRule`` resource."""
    return camel(rule_id)


def parameter_id(rule_id: str, name: str) -> str:
    """The logical id of the template parameter that carries a rule's input parameter ``name``."""
    return f"{camel(rule_id)}Param{camel(name)}"


def condition_id(parameter: str) -> str:
    """The condition that leaves an empty parameter out."""
    return parameter[0].lower() + parameter[1:]
