"""Scenario parameters: ``--vary`` dimensions, headcount subsets and the modified instances they give.

A dimension is ``name=values``. ``values`` is either a range ``start:stop[:step]`` (stop included, step
default 1) or a comma list; each value is read as JSON when it can be (``5``, ``0.5``, ``null``, ``true``)
and as a plain string otherwise. ``name`` is ``headcount`` (the fraction of cadres kept) or a dotted path
into the instance JSON:

* dict keys: ``rules.max_consecutive_work_days``, ``standby.per_community``, ``objective.weights.fairness``
  (missing objects on the way are created, so a misspelt key is rejected by the instance schema);
* a value with a colon is a range when its parts are numbers, except under a ``start`` or ``end`` key
  (``shifts.D.start=08:00,09:00`` are times); quote it as JSON to be sure: ``'"08:00"'``;
* list items by ``id`` or by position: ``checkpoints.k001.risk``, ``checkpoints.k001.demand.0.min``;
* ``*`` for every item of a list: ``cadres.*.limits.max_total_hours``.

Headcount: every cadre belongs to its *home* community (the first of its ``communities``). Within a
community the cadres are put in a seeded *keeping order* that interleaves the home units in proportion
to their size (the Sainte-Laguë sequence, cadres without a unit forming one more group), and a fraction
``f`` keeps the first ``round(f * n)`` cadres of that order. The order depends on the seed only, so a
larger fraction keeps a superset of a smaller one: sweeps over headcount compare nested rosters.
"""

from __future__ import annotations

import copy
import hashlib
import itertools
import json
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from models.instance import Instance
from models.loading import parse_instance

HEADCOUNT = "headcount"
_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")
MAX_VALUES = 10_000


class VaryError(ValueError):
    """A ``--vary`` parameter that cannot be read or applied; the message says why in plain words."""


@dataclass(frozen=True)
class Dimension:
    """One varied parameter and the values it takes, in order."""

    name: str
    values: tuple[Any, ...]


def format_value(value: Any) -> str:
    """A parameter value as it appears in keys and CSV cells (strings bare, the rest as JSON)."""
    return value if isinstance(value, str) else json.dumps(value)


def _read_value(text: str) -> Any:
    text = text.strip()
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


def _read_range(name: str, spec: str) -> tuple[Any, ...]:
    parts = spec.split(":")
    if len(parts) not in (2, 3):
        raise VaryError(f"--vary {name}: a range is start:stop or start:stop:step, not {spec!r}")
    try:
        start, stop = Decimal(parts[0].strip()), Decimal(parts[1].strip())
        step = Decimal(parts[2].strip()) if len(parts) == 3 else Decimal(1)
    except InvalidOperation:
        raise VaryError(f"--vary {name}: the range {spec!r} must consist of numbers") from None
    if step <= 0:
        raise VaryError(f"--vary {name}: the step of {spec!r} must be positive")
    if stop < start:
        raise VaryError(f"--vary {name}: the range {spec!r} ends before it starts")
    count = int((stop - start) / step) + 1
    if count > MAX_VALUES:
        raise VaryError(f"--vary {name}: the range {spec!r} has {count} values; at most {MAX_VALUES} allowed")
    integral = all(value == value.to_integral_value() for value in (start, stop, step)) and not any(
        "." in part or "e" in part.lower() for part in parts
    )
    values = [start + index * step for index in range(count)]
    return tuple(int(value) if integral else float(value) for value in values)


def parse_vary(text: str) -> Dimension:
    """Read one ``--vary name=values`` argument."""
    name, separator, spec = text.partition("=")
    name = name.strip()
    if not separator or not name or not spec.strip():
        raise VaryError(f"--vary {text!r}: expected name=values, e.g. headcount=0.6:1.0:0.1 or "
                        "rules.max_consecutive_work_days=5,6,7")
    if any(not segment for segment in name.split(".")):
        raise VaryError(f"--vary {text!r}: {name!r} is not a dotted path (empty segment)")
    spec = spec.strip()
    times = name.rsplit(".", 1)[-1] in ("start", "end")  # shifts.D.start=08:00 is a time, not a range
    if ":" in spec and "," not in spec and not times and all(_NUMBER.match(part.strip()) for part in spec.split(":")):
        values = _read_range(name, spec)
    else:
        values = tuple(_read_value(item) for item in spec.split(","))
    if len(set(map(format_value, values))) != len(values):
        raise VaryError(f"--vary {name}: a value is listed twice in {spec!r}")
    if name == HEADCOUNT:
        for value in values:
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
                raise VaryError(f"--vary headcount: {format_value(value)} is not a fraction of cadres in (0, 1]")
    return Dimension(name, values)


def parse_dimensions(texts: Sequence[str]) -> list[Dimension]:
    """Read every ``--vary``; a parameter named twice is an error."""
    dimensions = [parse_vary(text) for text in texts]
    names = [dimension.name for dimension in dimensions]
    for name in names:
        if names.count(name) > 1:
            raise VaryError(f"--vary {name} is given twice; list all its values in one --vary")
    return dimensions


def combinations(dimensions: Sequence[Dimension]) -> list[dict[str, Any]]:
    """Every combination of the dimensions' values, the last dimension varying fastest."""
    names = [dimension.name for dimension in dimensions]
    return [dict(zip(names, values, strict=True)) for values in itertools.product(*(d.values for d in dimensions))]


def params_key(params: dict[str, Any]) -> str:
    """The canonical text of a combination, e.g. ``headcount=0.6;rules.max_consecutive_work_days=5``."""
    return ";".join(f"{name}={format_value(value)}" for name, value in params.items()) or "base"


def derived_seed(*parts: object) -> int:
    """A seed in [0, 2**31) that depends on ``parts`` only (stable across processes and machines)."""
    digest = hashlib.sha256("\x1f".join(str(part) for part in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


# --------------------------------------------------------------------------- dotted paths


def _find_item(items: list[Any], segment: str, path: str) -> list[Any]:
    """Positions of the list items a segment names: ``*`` (all), a position or an ``id``."""
    if segment == "*":
        return list(range(len(items)))
    if segment.isdigit():
        position = int(segment)
        if position >= len(items):
            raise VaryError(f"{path}: position {position} is past the end of a list of {len(items)}")
        return [position]
    found = [position for position, item in enumerate(items) if isinstance(item, dict) and item.get("id") == segment]
    if not found:
        raise VaryError(f"{path}: no item with id {segment!r} in that list")
    return found


def set_path(data: dict[str, Any], path: str, value: Any) -> None:
    """Set the dotted ``path`` of the instance JSON ``data`` to ``value`` (in place)."""
    segments = path.split(".")
    nodes: list[Any] = [data]
    for depth, segment in enumerate(segments):
        last = depth == len(segments) - 1
        following: list[Any] = []
        for node in nodes:
            if isinstance(node, dict):
                if last:
                    node[segment] = copy.deepcopy(value)
                    continue
                if node.get(segment) is None:
                    node[segment] = {}
                following.append(node[segment])
            elif isinstance(node, list):
                for position in _find_item(node, segment, path):
                    if last:
                        node[position] = copy.deepcopy(value)
                    else:
                        following.append(node[position])
            else:
                where = ".".join(segments[:depth]) or "the instance"
                raise VaryError(f"{path}: {where} is a {type(node).__name__}, not an object or a list")
        nodes = following


# --------------------------------------------------------------------------- headcount


def home_community(cadre: dict[str, Any]) -> str:
    return str(cadre["communities"][0])


def keeping_order(cadres: Iterable[dict[str, Any]], seed: int, label: str = "") -> list[str]:
    """Cadre ids in the order they are kept: units interleaved in proportion to their size (Sainte-Laguë).

    Within a unit the order is a seeded shuffle; ``label`` (e.g. the community) makes pools independent."""
    by_unit: dict[str, list[str]] = {}
    for cadre in cadres:
        by_unit.setdefault(str(cadre.get("unit") or ""), []).append(str(cadre["id"]))
    queues: dict[str, list[str]] = {}
    for unit, ids in sorted(by_unit.items()):
        ordered = sorted(ids)
        random.Random(derived_seed(seed, label, unit)).shuffle(ordered)
        queues[unit] = ordered
    taken = dict.fromkeys(queues, 0)
    order: list[str] = []
    total = sum(len(queue) for queue in queues.values())
    while len(order) < total:
        unit = max(
            (unit for unit in queues if taken[unit] < len(queues[unit])),
            key=lambda unit: (Fraction(len(queues[unit]), 2 * taken[unit] + 1), len(queues[unit]), unit),
        )
        order.append(queues[unit][taken[unit]])
        taken[unit] += 1
    return order


def kept_count(fraction: float, count: int) -> int:
    """``round(fraction * count)``, halves up, exact for decimal fractions such as 0.7."""
    exact = Fraction(str(fraction)) * count
    return int(exact + Fraction(1, 2)) if exact >= 0 else 0


def headcount_ids(data: dict[str, Any], fraction: float, seed: int) -> set[str]:
    """The ids of the cadres kept at ``fraction``: per home community, the first of its keeping order."""
    by_home: dict[str, list[dict[str, Any]]] = {}
    for cadre in data["cadres"]:
        by_home.setdefault(home_community(cadre), []).append(cadre)
    kept: set[str] = set()
    for community, cadres in by_home.items():
        order = keeping_order(cadres, seed, community)
        kept.update(order[: kept_count(fraction, len(order))])
    return kept


def keep_cadres(data: dict[str, Any], ids: set[str]) -> None:
    """Drop every cadre not in ``ids`` (in place)."""
    data["cadres"] = [cadre for cadre in data["cadres"] if cadre["id"] in ids]


def modified_data(base: dict[str, Any], params: dict[str, Any], seed: int) -> dict[str, Any]:
    """A copy of the instance JSON ``base`` with ``params`` applied: dotted paths first, then headcount."""
    data = copy.deepcopy(base)
    for name, value in params.items():
        if name != HEADCOUNT:
            set_path(data, name, value)
    if HEADCOUNT in params:
        if not isinstance(data.get("cadres"), list):
            raise VaryError("headcount: the instance has no list of cadres")
        keep_cadres(data, headcount_ids(data, float(params[HEADCOUNT]), seed))
    return data


def build_instance(base: dict[str, Any], params: dict[str, Any], seed: int) -> Instance:
    """The validated instance of a combination; raises :class:`VaryError` or ``InputError``."""
    return parse_instance(modified_data(base, params, seed), f"instance with {params_key(params)}")
