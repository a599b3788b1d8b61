"""Reading instance and roster files: size limits, JSON, schema, references.

Every problem becomes an :class:`~models.references.Issue` with its JSON path;
:class:`InputError` carries all of them so that a user sees every problem of a
file at once.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from models.changes import Changes, changes_issues
from models.instance import MAX_FILE_BYTES, MAX_STRING, Instance, describe_json
from models.references import Issue, json_path, reference_issues
from models.roster import Roster

Model = TypeVar("Model", bound=BaseModel)


class InputError(Exception):
    """An input file that cannot be used; ``issues`` says every reason with its path."""

    def __init__(self, source: str, issues: list[Issue]) -> None:
        self.source = source
        self.issues = issues
        super().__init__(f"{source}: " + "; ".join(str(issue) for issue in issues))


def _long_strings(value: Any, path: list[object], found: list[Issue]) -> None:
    """Report every string or object key longer than the contract allows."""
    if len(found) >= 20:
        return
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            found.append(Issue(json_path(path), f"text of {len(value)} characters; at most {MAX_STRING} allowed"))
    elif isinstance(value, dict):
        for key, item in value.items():
            if len(key) > MAX_STRING:
                found.append(
                    Issue(json_path(path), f"an object key of {len(key)} characters; at most {MAX_STRING} allowed")
                )
                continue
            _long_strings(item, [*path, key], found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _long_strings(item, [*path, index], found)


# pydantic's error types for a value of the wrong JSON type, and the JSON type each expects.
_EXPECTED_TYPES = {
    "int_type": "an integer (a JSON number without a fraction)",
    "int_from_float": "an integer (a JSON number without a fraction)",
    "float_type": "a number",
    "bool_type": "true or false (a JSON boolean)",
    "string_type": "a string",
    "list_type": "an array",
    "tuple_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
}


def _plain_message(error: dict[str, Any]) -> str:
    message = str(error.get("msg", "invalid value"))
    kind = error.get("type", "")
    if kind == "missing":
        loc = error.get("loc", ())
        if loc and isinstance(loc[-1], int):
            return "an item is missing here (the array is too short)"
        return "required field is missing"
    if kind in _EXPECTED_TYPES:
        return f"must be {_EXPECTED_TYPES[kind]}; got {describe_json(error.get('input'))}"
    if kind == "extra_forbidden":
        return "unknown field (not part of the format; check its spelling)"
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    if message.startswith("Assertion failed, "):
        message = message[len("Assertion failed, ") :]
    return message


def validation_issues(error: ValidationError) -> list[Issue]:
    """pydantic's errors as issues with JSON paths (tagged-union noise removed)."""
    issues = []
    for item in error.errors(include_url=False):
        location = [part for part in item["loc"] if not (isinstance(part, str) and part.startswith("function-"))]
        issues.append(Issue(json_path(location), _plain_message(dict(item))))
    return issues


def read_json(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> Any:
    """The parsed JSON of ``path``, or :class:`InputError` saying why it cannot be read."""
    source = str(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(source, [Issue("", f"cannot read the file ({error.strerror})")]) from None
    if size > max_bytes:
        raise InputError(source, [Issue("", f"file of {size} bytes; at most {max_bytes} allowed")])
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(source, [Issue("", f"not UTF-8 text (byte {error.start})")]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            source, [Issue("", f"not valid JSON: {error.msg} at line {error.lineno} column {error.colno}")]
        ) from None
    except RecursionError:
        raise InputError(source, [Issue("", "JSON nested too deeply")]) from None


def parse_instance(data: Any, source: str = "instance") -> Instance:
    """Validate parsed JSON as an instance: limits, schema, then references."""
    if not isinstance(data, dict):
        raise InputError(source, [Issue("", "the instance must be a JSON object")])
    long_strings: list[Issue] = []
    _long_strings(data, [], long_strings)
    if long_strings:
        raise InputError(source, long_strings)
    try:
        instance = Instance.model_validate(data)
    except ValidationError as error:
        raise InputError(source, validation_issues(error)) from None
    issues = reference_issues(instance)
    if issues:
        raise InputError(source, issues)
    return instance


def load_instance(path: Path) -> Instance:
    """Read and validate an instance file."""
    return parse_instance(read_json(path), str(path))


def load_roster(path: Path) -> Roster:
    """Read and validate a roster file (shape only; the checker judges its content)."""
    data = read_json(path)
    try:
        return Roster.model_validate(data)
    except ValidationError as error:
        raise InputError(str(path), validation_issues(error)) from None


def parse_changes(data: Any, instance: Instance | None, source: str = "changes") -> Changes:
    """Validate parsed JSON as a changes file (DESIGN.md section 7) against the instance it changes
    (None: the shape alone, as when checking against the updated instance, where joined cadres exist)."""
    if not isinstance(data, dict):
        raise InputError(source, [Issue("", "the changes file must be a JSON object")])
    long_strings: list[Issue] = []
    _long_strings(data, [], long_strings)
    if long_strings:
        raise InputError(source, long_strings)
    try:
        changes = Changes.model_validate(data)
    except ValidationError as error:
        raise InputError(source, _without_event_tags(validation_issues(error))) from None
    issues = [] if instance is None else changes_issues(changes, instance)
    if issues:
        raise InputError(source, issues)
    return changes


def _without_event_tags(issues: list[Issue]) -> list[Issue]:
    """``events[0].absent.to`` -> ``events[0].to``: pydantic names the event kind in the path."""
    return [Issue(_EVENT_TAG.sub(r"\1", issue.path), issue.message) for issue in issues]


_EVENT_TAG = re.compile(r"^(events\[\d+\])\.(absent|recalled|joined|demand|opened|closed)(?=\.|$)")


def load_changes(path: Path, instance: Instance | None) -> Changes:
    """Read and validate a changes file against ``instance`` (None: its shape alone)."""
    return parse_changes(read_json(path), instance, str(path))
