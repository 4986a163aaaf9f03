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

ERROR = "error"
WARNING = "warning"
MAX_PROBLEMS = 100  # per file, like the catalogue's schema errors: the rest are counted, not listed

Problem = tuple[tuple, str, str]  # (json path, message, severity)
Check = Callable[[Any, tuple, list], None]


@lru_cache(maxsize=1)
def service_model():
    import botocore.loaders
    import botocore.model

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


class _Scalar:
    """A scalar member's check: ``check(value)`` is ``None`` or ``(message, severity)``."""

    __slots__ = ("check",)

    def __init__(self, check: Callable[[Any], tuple[str, str] | None]):
        self.check = check


def _scalar(shape) -> _Scalar:
    kind = shape.type_name
    if kind == "string":
        enum = frozenset(shape.enum or ())
        values = ", ".join(sorted(enum))

        def string(v):
            if type(v) is not str:
                return f"expected a string, found {_json_type(v)}", ERROR
            if enum and v not in enum:
                return f"{v!r} is not one of botocore's values ({values})", WARNING
            return None

        return _Scalar(string)
    if kind == "timestamp":
        return _Scalar(lambda v: None if is_timestamp(v) else (f"expected a timestamp (ISO 8601 text or seconds), found {_json_type(v)}", ERROR))
    if kind == "boolean":
        return _Scalar(lambda v: None if type(v) is bool else (f"expected a boolean, found {_json_type(v)}", ERROR))
    if kind in ("integer", "long"):
        return _Scalar(lambda v: None if type(v) is int else (f"expected an integer, found {_json_type(v)}", ERROR))
    if kind in ("float", "double"):
        return _Scalar(lambda v: None if type(v) in (int, float) else (f"expected a number, found {_json_type(v)}", ERROR))
    return _Scalar(lambda v: None)  # blob and document members: any JSON value


def _compile(shape, cache: dict[str, Any]) -> Check | _Scalar:
    kind = shape.type_name
    if kind not in ("structure", "list", "map"):
        return _scalar(shape)
    key = f"{kind}:{shape.name}"
    if key in cache:
        return cache[key]
    title = shape.name
    if kind == "structure":
        cell: list[Check] = []
        cache[key] = lambda v, p, out: cell[0](v, p, out)
        members = {name: _compile(s, cache) for name, s in shape.members.items()}
        required = tuple(shape.required_members)

        def structure(v, p, out):
            if type(v) is not dict:
                out.append((p, f"expected an object ({title}), found {_json_type(v)}", ERROR))
                return
            for name, x in v.items():
                f = members.get(name)
                if f is None:
                    out.append((p + (name,), f"{title} has no member {name!r} in botocore's model", WARNING))
                elif x is None:
                    continue
                elif type(f) is _Scalar:
                    problem = f.check(x)
                    if problem is not None:
                        out.append((p + (name,), *problem))
                else:
                    f(x, p + (name,), out)
            for name in required:
                if name not in v:
                    out.append((p, f"{title} lacks the required member {name!r}", ERROR))

        cell.append(structure)
        return structure
    item = _compile(shape.member if kind == "list" else shape.value, cache)
    container = list if kind == "list" else dict
    expected = "a list" if kind == "list" else "an object"

    def container_check(v, p, out):
        if type(v) is not container:
            out.append((p, f"expected {expected} ({title}), found {_json_type(v)}", ERROR))
            return
        pairs = enumerate(v) if container is list else v.items()
        for k, x in pairs:
            if type(item) is _Scalar:
                problem = item.check(x)
                if problem is not None:
                    out.append((p + (k,), *problem))
            else:
                item(x, p + (k,), out)

    cache[key] = container_check
    return container_check


@lru_cache(maxsize=None)
def validator(operation: str) -> Check:
    """The check of ``operation``'s output shape (e.g. ``GetComplianceDetailsByConfigRule``)."""
    return _compile(service_model().operation_model(operation).output_shape, {})


@lru_cache(maxsize=None)
def member_validator(operation: str, member: str) -> Check:
    """The check of one item of the output's list member (``EvaluationResults``), for streaming."""
    shape = service_model().operation_model(operation).output_shape.members[member]
    return _compile(shape.member, {})  # the items of every list member the readers stream are structures


def output_members(operation: str) -> tuple[str, ...]:
    return tuple(service_model().operation_model(operation).output_shape.members)
