"""Staffing: the smallest number of cadres per community that still meets every minimum under the rules.

For each community the *pool* is every cadre who may serve it. A probe with ``k`` cadres keeps the first
``k`` of the pool's keeping order (units interleaved in proportion to their size, seeded; see
:mod:`scheduler.scenarios.variation`) and solves the community's *sub-instance*: its checkpoints, those
``k`` cadres serving only this community, the same rules, units and history; no standby unless asked
for; and a single weighted stage that minimises the coverage part only (shortfalls, skills included).

* a probe **meets** the minimums when it finds a roster, verified by the independent checker, with no
  shortfall: that is a proof that ``k`` cadres are enough;
* a probe that does not is **proven short** only when CP-SAT proves a positive lower bound on the
  shortfalls within the time limit; otherwise the answer is not proven and says so.

The search is a binary search over ``k`` (more cadres never make the best coverage worse; a probe that
meets the minimums stays a proof whatever the time limit). The answer ``needed`` is proven minimal when
``needed - 1`` cadres were proven short (or ``needed`` is 0).

Communities are *binding* when their minimums cannot be met with every cadre of the pool, or when they
need the largest share of their pool: a uniform headcount cut (``--vary headcount``) cannot go below that
share without shortfalls there. Cadres who may serve several communities sit in each of those pools, so
the per-community answers are each optimistic for shared cadres.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from models.loading import parse_instance
from scheduler.scenarios.parallel import map_unordered
from scheduler.scenarios.variation import derived_seed, keeping_order

logger = logging.getLogger(__name__)

TOLERANCE = 1e-9


@dataclass(frozen=True)
class StaffingSettings:
    time_limit: float | None = 10.0  # per probe
    workers: int = 1
    seed: int = 0
    deterministic: bool = False
    with_standby: bool = False  # also ask for every standby substitute


@dataclass
class Probe:
    """One solve of a community with ``count`` cadres."""

    count: int
    status: str  # the solver's status
    met: bool  # a verified roster with no shortfall (and no standby shortfall if asked)
    proven_short: bool  # CP-SAT proved that shortfalls are unavoidable
    shortfalls: int | None
    seconds: float


@dataclass
class CommunityStaffing:
    community: str
    available: int  # cadres who may serve the community
    needed: int | None  # smallest count found that meets every minimum; None: not even with all
    proven: bool  # needed - 1 proven short (or needed 0); for needed None: all cadres proven short
    units: dict[str, int] = field(default_factory=dict)  # unit (or "-" for none) -> cadres kept at `needed`
    probes: list[Probe] = field(default_factory=list)
    shared: int = 0  # cadres of the pool who may also serve other communities

    @property
    def share(self) -> float | None:
        """needed / available."""
        if self.needed is None or self.available == 0:
            return None
        return self.needed / self.available


@dataclass
class StaffingReport:
    communities: list[CommunityStaffing]
    binding: list[str]
    short: list[str]  # communities whose minimums are not met even with every cadre of the pool
    uniform_share: float | None  # the largest needed share: how far a uniform cut could go

    @property
    def total_needed(self) -> int:
        return sum(item.needed or 0 for item in self.communities)

    @property
    def all_proven(self) -> bool:
        return all(item.proven for item in self.communities)


def community_data(base: dict[str, Any], community: str, cadre_ids: list[str], with_standby: bool) -> dict[str, Any]:
    """The instance JSON of one community with only ``cadre_ids``, solved for minimum coverage alone."""
    chosen = set(cadre_ids)
    data = {key: value for key, value in base.items()
            if key not in ("communities", "checkpoints", "cadres", "standby", "objective")}
    data["communities"] = [item for item in base["communities"] if item["id"] == community]
    data["checkpoints"] = [item for item in base["checkpoints"] if item["community"] == community]
    data["cadres"] = [{**cadre, "communities": [community]} for cadre in base["cadres"] if cadre["id"] in chosen]
    standby = dict(base.get("standby") or {})
    weights = {"coverage": 1.0}
    if with_standby:
        standby["overrides"] = [item for item in standby.get("overrides", [])
                                if item.get("community") in (None, community)]
        weights["standby"] = 1.0
    else:
        standby = {"per_community": 0, "load_factor": standby.get("load_factor", 0.25)}
    data["standby"] = standby
    objective = dict(base.get("objective") or {})
    data["objective"] = {"mode": "weighted", "weights": weights,
                         **{key: objective[key] for key in ("risk_weights", "load_weights") if key in objective}}
    return data


def _probe(base: dict[str, Any], community: str, order: list[str], count: int, settings: StaffingSettings) -> Probe:
    from scheduler.checker import evaluate
    from scheduler.solver import SolveOptions, solve

    instance = parse_instance(community_data(base, community, order[:count], settings.with_standby),
                              f"community {community} with {count} cadres")
    options = SolveOptions(time_limit=settings.time_limit, workers=settings.workers,
                           seed=derived_seed(settings.seed, community, count), deterministic=settings.deterministic)
    result = solve(instance, options)
    if result.interrupted:
        raise KeyboardInterrupt
    if result.status not in ("optimal", "feasible"):
        logger.info("%s with %d cadres: %s", community, count, result.status)
        return Probe(count, result.status, False, False, None, result.seconds)
    evaluation = evaluate(instance, result.assignments, result.standby)
    if evaluation.violations:
        raise RuntimeError(f"the solver's roster for {community} with {count} cadres breaks rules: "
                           f"{evaluation.violations[0]}")
    short = len(evaluation.shortfalls) + (len(evaluation.standby_shortfalls) if settings.with_standby else 0)
    bound = result.stages[0].bound if result.stages else None
    proven_short = short > 0 and bound is not None and bound > TOLERANCE
    logger.info("%s with %d cadres: %s, %d shortfalls%s", community, count, result.status, short,
                " (proven)" if proven_short else "")
    return Probe(count, result.status, short == 0, proven_short, short, result.seconds)


def _has_minimum(base: dict[str, Any], community: str, settings: StaffingSettings) -> bool:
    for checkpoint in base["checkpoints"]:
        if checkpoint["community"] != community:
            continue
        for rule in checkpoint.get("demand", []):
            if rule.get("min", 0) > 0 or any(count > 0 for count in (rule.get("skills") or {}).values()):
                return True
    if settings.with_standby:
        standby = base.get("standby") or {}
        overrides = standby.get("overrides", [])
        if standby.get("per_community", 0) > 0 or any(item.get("count", 0) > 0 for item in overrides):
            return True
    return False


def staff_community(base: dict[str, Any], community: str, settings: StaffingSettings) -> CommunityStaffing:
    """The binary search of one community (see the module's description)."""
    pool = [cadre for cadre in base["cadres"] if community in cadre["communities"]]
    order = keeping_order(pool, settings.seed, community)
    units = {cadre["id"]: cadre.get("unit") or "-" for cadre in pool}
    answer = CommunityStaffing(community, len(pool), None, False,
                               shared=sum(1 for cadre in pool if len(set(cadre["communities"])) > 1))

    def composition(count: int) -> dict[str, int]:
        kept: dict[str, int] = {}
        for cadre_id in order[:count]:
            kept[units[cadre_id]] = kept.get(units[cadre_id], 0) + 1
        return dict(sorted(kept.items()))

    if not _has_minimum(base, community, settings):
        answer.needed, answer.proven = 0, True
        return answer
    if not pool:
        answer.proven = True
        return answer
    top = _probe(base, community, order, len(pool), settings)
    answer.probes.append(top)
    if not top.met:
        answer.proven = top.proven_short
        return answer
    low, high = 0, len(pool)  # 0 cadres cannot meet a positive minimum: proven short
    low_proven = True
    while high - low > 1:
        middle = (low + high) // 2
        probe = _probe(base, community, order, middle, settings)
        answer.probes.append(probe)
        if probe.met:
            high = middle
        else:
            low, low_proven = middle, probe.proven_short
    answer.needed = high
    answer.proven = low_proven
    answer.units = composition(high)
    return answer


def _staff_task(base: dict[str, Any], item: tuple[str, StaffingSettings]) -> CommunityStaffing:
    community, settings = item
    return staff_community(base, community, settings)


def staffing(
    base: dict[str, Any],
    settings: StaffingSettings,
    *,
    communities: list[str] | None = None,
    jobs: int = 1,
    dask_address: str | None = None,
    on_community: Callable[[CommunityStaffing], None] | None = None,
) -> StaffingReport:
    """Staff every community (or ``communities``) of the instance JSON ``base``, in parallel."""
    parse_instance(base)  # a clear error for a bad instance before any work starts
    wanted = communities or [item["id"] for item in base["communities"]]
    known = {item["id"] for item in base["communities"]}
    unknown = [community for community in wanted if community not in known]
    if unknown:
        raise ValueError(f"no community {', '.join(unknown)} in the instance")
    found: dict[str, CommunityStaffing] = {}
    stream = map_unordered(_staff_task, base, [(community, settings) for community in wanted], jobs=jobs,
                           dask_address=dask_address, label=f"schedule-staffing-{derived_seed(*wanted)}")
    try:
        for answer in stream:
            found[answer.community] = answer
            if on_community is not None:
                on_community(answer)
    finally:
        stream.close()
    ordered = [found[community] for community in wanted]
    short = [item.community for item in ordered if item.needed is None]
    shares = [item.share for item in ordered if item.share is not None]
    uniform = max(shares) if shares else None
    binding = short + [
        item.community for item in ordered
        if item.share is not None and uniform and abs(item.share - uniform) <= TOLERANCE
    ]
    return StaffingReport(ordered, binding, short, uniform)
