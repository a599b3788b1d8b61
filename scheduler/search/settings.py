"""The search's tuned values, in one settings object; each value's measurements are in BENCHMARKS.md.

Every share, ratio and count the search uses to divide its time or size its
steps lives here, with what it decides. The code reads ``SETTINGS``; a test
or a researcher may pass another :class:`SearchSettings`. BENCHMARKS.md
("Search settings") lists the instances and sizes each value was measured on.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field


def _stage_shares() -> dict[str, float]:
    return {"coverage": 0.5, "standby": 0.35, "target": 0.4, "fairness": 0.6}


@dataclass(frozen=True)
class SearchSettings:
    """How the search divides its time and sizes its steps."""

    stage_share: dict[str, float] = field(default_factory=_stage_shares)
    """Share of the time left that each lexicographic stage may use (the last stage takes the rest, unless
    ``last_stage_least_builds`` leaves it to the polishing)."""

    completion_share: float = 0.3
    """Share of a stage's time for the pass with the kept roster fixed, which gives the stage a value."""

    completion_share_duties_fixed: float = 0.5
    """The same share when only the duties are fixed (the standby stage fills in around them)."""

    last_stage_least_builds: float = 1.0
    """On a model searched by neighbourhoods, the last stage (requests and continuity) is begun only with
    at least this many times the model's own building time left for it; else its time goes to the
    polishing after it. Its part adds a constraint or more per duty, and loading them into models of
    its own costs most of a model's building before any search."""

    fairness_stage_least_builds: float = 3.0
    """On a model searched by neighbourhoods, with a constructed roster to polish, the fairness stage is
    searched only with at least this many times the model's own building time for it; else it is left
    to the polishing: its time goes to the balancing by hand at the very end, kept by the checker's
    ranking (0: always searched). On large models the stage's own balancing had to be loaded into the
    whole model (4 s on a 56-day town, 15 s on a city) and its neighbourhood steps gained 0-0.1 %,
    while the finished rosters still held 1,000-3,300 balancing moves (fairness 10-32 % lower) that
    the polishing had no time for; on a 44-cadre sub-district its steps even out what the balancing
    cannot (fairness 1.7-4 times lower with the stage)."""

    construction_share: float = 0.8
    """Share of the time left that building a first roster cadre by cadre, or improving it, may take."""

    columns_share: float = 0.8
    """Share of the first stage's time that column generation and its dive may take, where they apply."""

    side_model_overrun: float = 5.0
    """A cadre's own model that has found nothing when its share is spent may go on this many times as
    long (in seconds), and stops at its first roster then."""

    fixed_passes_before_search: float = 4.0
    """After a built roster, a free search is begun only if more than this many passes with the duties
    fixed are left: loading and presolving the whole model costs more than such a pass."""

    least_cadre_search: float = 0.5
    """The least time (seconds or deterministic units) a cadre's search gets when improving cadre by
    cadre: a cadre's model over a year needs about that to find better duties than its hint."""

    compose_reserve: float = 5.0
    """Time kept back at the end, in checker evaluations of the constructed roster: ranking the
    result against it, and composing the roster file with its figures and shortfall reasons."""

    polish_rounds: int = 3
    """Rounds of filling by hand after the last stage (:mod:`scheduler.search.polish`); later rounds
    fill what the moves of an earlier one opened, and stop once one gains nothing."""

    polish_reserve: float = 3.0
    """Time kept back at the end for polishing, in rounds; a round is taken to last as long as the hand
    dispatch and its ranking (the filling works as the dispatch does). Besides the rounds of filling,
    the loads are balanced by hand in what is left: the filling hands the last open cells to whoever
    has room, and the balancing evens the loads out again."""

    finish_margin: float = 2.0
    """Seconds kept back besides: the last search's loading past its limit, writing the file, and
    the process's own start before the clock."""

    # -- large-neighbourhood search (scheduler.search.lns), on the field's instances -----
    lns_skill_share: float = 0.5
    """In the coverage stage, the share of neighbourhoods drawn where a skill is short that free that
    skill's holders serving the community over twice the window, instead of the whole community."""

    lns_least_decisions: int = 5_000
    """Models with fewer duty and standby variables are searched whole in every stage (a village or
    a scenario's small town is proven so; the bundled one-community example has 2,348); the
    neighbourhoods are for larger ones, from a sub-district's 8,000-odd, where a whole search no
    longer ends in time."""

    whole_search_share: float = 0.0
    """Share of the first stage's time (after its completion pass), on a model searched by
    neighbourhoods, for a search of the whole model before them (0: none, not even its loading); the
    neighbourhoods get the rest. Its bound stayed 0 on every generated field instance."""

    alone_first_share: float = 0.3
    """Share of a whole search's time for the stage's own objective, before the search with its
    tie-break by the next stage (which can keep the whole search from proving the stage)."""

    bound_share: float = 0.03
    """Most of the time left that a stage's counted bound may take where it solves a linear programme
    (the fairness stage's, :mod:`scheduler.search.fairness_bound`); past it the stage is bounded by 0.
    In deterministic units the programme is solved to the end."""

    balance_share: float = 0.25
    """Most of the fairness stage's time (in seconds) that handing duties from the most to the least
    loaded cadres may take before the search (:mod:`scheduler.search.balance`); in deterministic
    units the moves run to the end."""

    lns_step_limit: float = 3.0
    """The most time (seconds or deterministic units) one neighbourhood step may take."""

    lns_workers: int = 0
    """CP-SAT workers a neighbourhood step uses (0: the solve's own)."""

    lns_steps_at_once: int = 0
    """Neighbourhood steps solved at once on models of their own, one CP-SAT worker each, then merged
    (0: one per worker of the solve; 1: one at a time, on ``lns_workers``)."""

    lns_step_models: bool = True
    """Whether a neighbourhood step is solved on a model of its own, holding only the constraints its
    free variables reach (:mod:`scheduler.search.submodel`), instead of on the whole model."""

    lns_patience: float = 1.0
    """A step on its own model stops once the stage's own value has not improved for this many seconds
    (0: never; a repeatable solve never does): the rest of a step goes to the stage's tie-break."""

    lns_presolve: bool = True
    """Whether a neighbourhood step presolves the model (most of whose decisions are held)."""

    lns_least_step: float = 0.5
    """No neighbourhood step is begun with less time left than this."""

    lns_stall_steps: int = 30
    """The neighbourhood search ends after this many steps in a row proven without a gain."""

    lns_first_width: int = 7
    """Days in the first neighbourhoods' window (it widens and narrows with the steps' pace)."""

    # -- runs of work and days off (scheduler.search.runs) --------------------
    weekend_price_steps: int = 14
    """Bisection steps for the price of a weekend in a cadre's runs."""

    highest_weekend_price: float = 8.0
    """A weekend costs more than the work days it could bring (at most 7 a week)."""

    demand_tie_break: float = 0.1
    """Per cadre still wanted on a day, what a work day there gains in a cadre's runs besides its 1:
    days with demand left are preferred (ten more cadres wanted outweigh a work day)."""

    # -- column generation (scheduler.search.columns) -------------------------
    labels_per_unit: int = 2_000_000
    """In deterministic mode the column generation's work is counted in labels, this many a unit."""

    dive_pace_steps: int = 3
    """The dive's pace is taken from its last this many steps."""

    dive_time_safety: float = 0.8
    """The dive plans its steps to end within this share of the time left (steps grow as more cadres
    are fixed at once)."""

    dive_gap: float = 0.0005
    """A dive step stops generating columns once the LP is within this share of the round's bound."""

    dive_to_lp: float = 2.2
    """A dive takes about this many times as long as the LP before it: a second LP is generated only
    if it leaves its dive that."""

    first_dive_to_lp: float = 1.2
    """The first LP gets at most 1 / (1 + this) of the column generation's time; without its optimum
    by then there is no dive."""

    least_lp_rounds: int = 18
    """The fewest pricing rounds an LP was seen to need: fewer cannot be planned on."""

    pace_sample: int = 3
    """Cadres priced before the pricing's pace is taken."""

    lp_settings: str = ""
    """GLOP's settings for the first master LP."""

    second_lp_settings: str = "use_preprocessing: false"
    """GLOP's settings for the second LP (generated beside the first LP's dive): its columns lead the
    dive elsewhere."""

    retry_lp_settings: str = "use_preprocessing: false"
    """GLOP's settings for solving a master LP again after GLOP ended ABNORMAL."""

    first_dive_share: float = 0.05
    """The least share of the cadres left that a step of the first LP's dive fixes (at least one)."""

    second_dive_share: float = 0.1
    """The same for the second dive (quicker, mostly a little worse)."""

    pricing_threads: int = 2
    """Threads pricing the first LP's cadres (before the dive's process is forked)."""

    second_lp_slower: float = 1.5
    """The second LP (one thread, no presolve) takes about this many times the first's time."""

    days_per_call: int = 7
    """The labelling extends this many days a call to compiled code, and checks for a stop between."""

    child_grace: float = 2.0
    """Seconds this process waits for a forked dive's outcome beyond the budget."""

    # ------------------------------------------------------------ the daily repair (scheduler/repair)
    repair_later_share: float = 0.2
    """Share of a repair's search time for the stages after coverage and changes (target, fairness, ...)."""

    repair_unbudgeted_share: float = 0.2
    """With ``max_changes``: share for the coverage searched without the budget (what more changes buy)."""

    repair_additions_share: float = 0.15
    """Of the first share (coverage and changes): the quick repair that keeps every old entry and only adds."""

    repair_coverage_share: float = 0.3
    """Of the first share: the coverage stage's search."""

    repair_changes_share: float = 0.55
    """Of the first share: the changes stage's search (fewest changes, near ones costlier)."""

    repair_open_gaps: bool = True
    """Whether a repair also opens the days where the old roster already left a checkpoint short (to
    its community's cadres), so that it may win those gaps back too."""

    repair_widen_days: int = 0
    """Days either side of a day the events touch that are opened too (room for swaps)."""

    repair_least_stage: float = 0.5
    """A repair stage is begun only with at least this many seconds left (CP-SAT's presolve takes some)."""


SETTINGS = SearchSettings()


def settings_with(overrides: list[str], base: SearchSettings = SETTINGS) -> SearchSettings:
    """``base`` with values given as ``name=value`` (``stage_share.coverage=0.4`` for one stage's
    share): how a benchmark measures a value beside the tuned one. Raises ValueError naming what is
    wrong (an unknown name, a value of the wrong type)."""
    fields = {item.name: item for item in dataclasses.fields(SearchSettings)}
    changes: dict[str, object] = {}
    for override in overrides:
        name, equals, raw = override.partition("=")
        name, raw = name.strip(), raw.strip()
        if not equals or not raw:
            raise ValueError(f"{override!r}: expected name=value")
        field_name, dot, key = name.partition(".")
        if field_name not in fields:
            raise ValueError(f"{name!r}: no such search setting")
        current = changes.get(field_name, getattr(base, field_name))
        if isinstance(current, dict):
            if not dot or key not in current:
                raise ValueError(f"{name!r}: give one of {', '.join(f'{field_name}.{k}' for k in current)}")
            changes[field_name] = {**current, key: _parsed(name, raw, current[key])}
        elif dot:
            raise ValueError(f"{name!r}: {field_name} has no parts")
        else:
            changes[field_name] = _parsed(name, raw, current)
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def _parsed(name: str, raw: str, current: object) -> object:
    """``raw`` read as the type of the setting's current value."""
    try:
        if isinstance(current, bool):
            if raw.lower() not in ("true", "false", "1", "0"):
                raise ValueError
            return raw.lower() in ("true", "1")
        if isinstance(current, int):
            return int(raw)
        if isinstance(current, float):
            value = float(raw)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value
    except ValueError:
        raise ValueError(f"{name}={raw!r}: expected {type(current).__name__}") from None
    return raw
