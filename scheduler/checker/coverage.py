"""Coverage recomputed from the roster: demand cells, shortfalls, standby shortfalls, demand max."""

from __future__ import annotations

from dataclasses import dataclass, field

from models.instance import DemandRule
from models.roster import Shortfall, StandbyShortfall
from scheduler.checker.context import Context
from scheduler.checker.findings import Finding
from scheduler.checker.timeline import RosterIndex


@dataclass
class Cell:
    """A demand cell: checkpoint, day and shift with the rule that applies, and who is on duty there."""

    checkpoint: str
    day: int
    shift: str
    rule: DemandRule
    cadres: set[str]
    skills_missing: dict[str, int]

    @property
    def assigned(self) -> int:
        return len(self.cadres)

    @property
    def short(self) -> bool:
        return self.assigned < self.rule.min or bool(self.skills_missing)


@dataclass
class StandbyCell:
    community: str
    day: int
    shift: str
    wanted: int
    cadres: set[str]

    @property
    def rostered(self) -> int:
        return len(self.cadres)


@dataclass
class Coverage:
    cells: list[Cell]
    standby_cells: list[StandbyCell]
    shortfalls: list[Shortfall] = field(default_factory=list)
    standby_shortfalls: list[StandbyShortfall] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def compute_coverage(ctx: Context, roster: RosterIndex) -> Coverage:
    """Every demand cell and standby cell with what the roster gives, the shortfalls (with empty reasons)
    and a ``demand_max`` finding for every cell above its hard ``max``."""
    on_duty: dict[tuple[str, int, str], set[str]] = {}
    on_standby: dict[tuple[str, int, str], set[str]] = {}
    for cadre_id, entries in roster.by_cadre.items():
        for duty in entries.duties:
            on_duty.setdefault((duty.checkpoint, duty.day, duty.shift), set()).add(cadre_id)
        for entry in entries.standbys:
            on_standby.setdefault((entry.community, entry.day, entry.shift), set()).add(cadre_id)
    cells = []
    shortfalls = []
    findings = []
    for (checkpoint_id, day, shift_id), rule in ctx.demand.items():
        cadres = on_duty.get((checkpoint_id, day, shift_id), set())
        missing = {}
        for skill, need in sorted(rule.skills.items()):
            holders = sum(1 for cadre_id in cadres if skill in ctx.cadres[cadre_id].cadre.skills)
            if holders < need:
                missing[skill] = need - holders
        cell = Cell(checkpoint_id, day, shift_id, rule, cadres, missing)
        cells.append(cell)
        if cell.short:
            shortfalls.append(Shortfall(checkpoint=checkpoint_id, date=ctx.date_of(day), shift=shift_id, min=rule.min,
                                        target=rule.target, assigned=cell.assigned, skills_missing=missing, reason=""))
        if rule.max is not None and cell.assigned > rule.max:
            findings.append(Finding("demand_max", None, f"checkpoint {checkpoint_id} has {cell.assigned} cadres on "
                                    f"duty on {ctx.iso(day)} shift {shift_id}, more than its max {rule.max}",
                                    (checkpoint_id, day, shift_id)))
    standby_cells = []
    standby_shortfalls = []
    keys = set(ctx.standby_wanted) | set(on_standby)
    order = {shift_id: position for position, shift_id in enumerate(ctx.shift_order)}
    for community, day, shift_id in sorted(keys, key=lambda key: (key[0], key[1], order[key[2]])):
        wanted = ctx.standby_wanted.get((community, day, shift_id), 0)
        standby_cell = StandbyCell(community, day, shift_id, wanted, on_standby.get((community, day, shift_id), set()))
        standby_cells.append(standby_cell)
        if standby_cell.rostered > wanted:
            findings.append(Finding("standby_beyond_wanted", None, f"community {community} has "
                                    f"{standby_cell.rostered} cadres on standby on {ctx.iso(day)} shift {shift_id}, "
                                    f"more than the {wanted} asked for", (community, day, shift_id)))
        if standby_cell.rostered < wanted:
            standby_shortfalls.append(StandbyShortfall(community=community, date=ctx.date_of(day), shift=shift_id,
                                                       count=wanted, assigned=standby_cell.rostered, reason=""))
    return Coverage(cells, standby_cells, shortfalls, standby_shortfalls, findings)
