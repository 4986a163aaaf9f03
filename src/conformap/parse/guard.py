"""Guard Rules Registry mapping files (``aws-cloudformation/aws-guard-rules-registry`` ``mappings/*.json``):
which Guard rule (named as the AWS Config rule) serves which framework items.
"""

from __future__ import annotations

from typing import Any, Iterator


# What the parser reads, and of which type (the input of :func:`~conformap.parse.reading.read_json`).
GUARD_SHAPE = {
    "type": "object",
    "required": ["mappings"],
    "properties": {
        "mappings": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["guardFilePath"],
                "properties": {"guardFilePath": {"type": "string"}, "controls": {"type": "array", "items": {"type": "string"}}},
            },
        }
    },
}


def guard_mappings(data: dict) -> Iterator[dict[str, Any]]:
    """Each mapping of a Guard Rules Registry mapping file: the rule (named as the AWS Config rule) and items."""
    for m in data["mappings"]:
        path = m["guardFilePath"]
        name = path.rsplit("/", 1)[-1]
        name = name[: -len(".guard")] if name.endswith(".guard") else name
        yield {"rule": name.replace("_", "-"), "guard_file": path, "items": list(m.get("controls") or ())}
