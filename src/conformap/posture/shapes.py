"""Saved AWS Config outputs checked against botocore's own output shape of their operation.

botocore ships AWS Config's service model (``config/<date>/service-2.json``); each operation's output
shape says which members a saved ``aws configservice ...`` (or boto3) answer may hold and of what type.
:func:`validator` compiles a shape once into a checking function, so that a million evaluation results
cost one dictionary walk each. What is reported:

* an error: a value of the wrong JSON type (a list where a structure belongs, a number for a string), a
  timestamp that is neither an ISO 8601 string nor a number, a missing required member;
* a warning: a member or enum value the model does not know (a newer CLI may write one).

Length limits of the model are not checked: AWS's own answers exceed some (rule names over 64
characters appear in results whose shape says 64).
"""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from typing import Any, Callable

import botocore.loaders
import botocore.model

ERROR = "error"
WARNING = "warning"
MAX_PROBLEMS = 100  # per file, like the catalogue's schema errors: the rest are counted, not listed

Problem = tuple[tuple, str, str]  # (json path, message, severity)
Check = Callable[[Any, tuple, list], None]


@lru_cache(maxsize=1)
def service_model():
    data = botocore.loaders.create_loader().load_service_model("config", "service-2")
    return botocore.model.ServiceModel(data, "config")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object" if isinstance(value, dict) else type(value).__name__


def is_timestamp(value: Any) -> bool:
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
        except ValueError:
            return False
        return True
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# How a member is checked, inline in the structure's loop (a million results: no call per scalar).
_STRING, _ENUM, _TIMESTAMP, _BOOLEAN, _INTEGER, _NUMBER, _ANY, _NESTED = range(8)
_SCALARS = {"string": _STRING, "timestamp": _TIMESTAMP, "boolean": _BOOLEAN, "integer": _INTEGER, "long": _INTEGER, "float": _NUMBER, "double": _NUMBER}


def _scalar_problem(code: int, payload: Any, v: Any) -> tuple[str, str] | None:
    """The problem of a scalar value, or None (the slow path: the loop below inlines the common cases)."""
    if code in (_STRING, _ENUM):
        if type(v) is not str:
            return f"expected a string, found {_json_type(v)}", ERROR
        if code == _ENUM and v not in payload[0]:
            return f"{v!r} is not one of botocore's values ({payload[1]})", WARNING
        return None
    if code == _TIMESTAMP:
        return None if is_timestamp(v) else (f"expected a timestamp (ISO 8601 text or seconds), found {_json_type(v)}", ERROR)
    if code == _BOOLEAN:
        return None if type(v) is bool else (f"expected a boolean, found {_json_type(v)}", ERROR)
    if code == _INTEGER:
        return None if type(v) is int else (f"expected an integer, found {_json_type(v)}", ERROR)
    if code == _NUMBER:
        return None if type(v) in (int, float) else (f"expected a number, found {_json_type(v)}", ERROR)
    return None  # blob and document members: any JSON value


def _spec(shape, cache: dict[str, Any]) -> tuple[int, Any]:
    kind = shape.type_name
    if kind in ("structure", "list", "map"):
        return _NESTED, _compile(shape, cache)
    if kind == "string" and shape.enum:
        return _ENUM, (frozenset(shape.enum), ", ".join(sorted(shape.enum)))
    return _SCALARS.get(kind, _ANY), None


def _compile(shape, cache: dict[str, Any]) -> Check:
    kind = shape.type_name
    key = f"{kind}:{shape.name}"
    if key in cache:
        return cache[key]
    title = shape.name
    if kind == "structure":
        cell: list[Check] = []
        cache[key] = lambda v, p, out: cell[0](v, p, out)
        members = {name: _spec(s, cache) for name, s in shape.members.items()}
        required = tuple(shape.required_members)
        fromiso = datetime.fromisoformat

        def structure(v, p, out):
            if type(v) is not dict:
                out.append((p, f"expected an object ({title}), found {_json_type(v)}", ERROR))
                return
            for name, x in v.items():
                spec = members.get(name)
                if spec is None:
                    out.append((p + (name,), f"{title} has no member {name!r} in botocore's model", WARNING))
                    continue
                code, payload = spec
                tx = type(x)
                if x is None or (code == _STRING and tx is str):
                    continue
                if code == _NESTED:
                    payload(x, p + (name,), out)
                    continue
                if code == _TIMESTAMP and tx is str and x[-1:] != "Z":
                    try:
                        fromiso(x)
                        continue
                    except ValueError:
                        pass
                problem = _scalar_problem(code, payload, x)
                if problem is not None:
                    out.append((p + (name,), *problem))
            for name in required:
                if name not in v:
                    out.append((p, f"{title} lacks the required member {name!r}", ERROR))

        cell.append(structure)
        return structure
    code, payload = _spec(shape.member if kind == "list" else shape.value, cache)
    container = list if kind == "list" else dict
    expected = "a list" if kind == "list" else "an object"

    def container_check(v, p, out):
        if type(v) is not container:
            out.append((p, f"expected {expected} ({title}), found {_json_type(v)}", ERROR))
            return
        pairs = enumerate(v) if isinstance(v, list) else v.items()
        for k, x in pairs:
            if code == _NESTED:
                payload(x, p + (k,), out)
            else:
                problem = _scalar_problem(code, payload, x)
                if problem is not None:
                    out.append((p + (k,), *problem))

    cache[key] = container_check
    return container_check


@lru_cache(maxsize=None)
def validator(operation: str) -> Check:
    """The check of ``operation``'s output shape (e.g. ``GetComplianceDetailsByConfigRule``)."""
    return _compile(service_model().operation_model(operation).output_shape, {})
