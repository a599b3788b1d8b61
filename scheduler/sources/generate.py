"""Realistic instance generator: the town, district, sub-district and city profiles after DESIGN.md section 1.

``generate_instance(profile, seed, days, start, towns=None)`` returns a JSON-ready
instance dict (it validates with :func:`models.loading.parse_instance`). The
output depends on the arguments only: every random draw comes from one
``random.Random`` seeded with the profile and the seed; nothing reads the clock
or global state.

Each profile keeps its field figures (communities, cadres, units) and varies
with the seed the way instances from the field do. The choices are drawn once
per instance (:class:`_Choices`; the towns of a city share them):

- the shift pattern: two 12-hour shifts; three 8-hour shifts; or four shifts,
  three of 8 hours and a 4-hour evening shift on weekdays only that overlaps
  the afternoon shift (the evening peak when residents come home; dual cadres
  serve it after their unit hours). The start times vary too;
- rest and runs: ``min_rest_hours``, ``min_days_off_per_7_days`` (1 or 2),
  ``max_consecutive_work_days``, ``min_consecutive_days_off``,
  ``min_consecutive_work_days``, nights a week and in a row;
- weekly limits: ``max_duty_hours_per_7_days`` (40 or 48 hours with 8-hour
  shifts, 48 or 60 with 12-hour ones) and ``max_hours_per_7_days``;
- zero to two forbidden successions among the pattern's quick returns (a
  shift followed the next day by one starting less than 16 hours after it);
- weekday-only demand rules (a village's market day, weekend shopping,
  commuters at a gate) and dated ones (delivery days, a screening day) beside
  the undated rules;
- the home units' calendar near the start: the Spring Festival holiday
  extended into the days just before the horizon (closed dates), a make-up
  working day on a weekend near the start, schools and offices that reopen
  late; the units' hours;
- the share of cadres serving two or three neighbouring communities (about a
  sixth), the personal limits of dual cadres and of members still employed
  elsewhere (from their unit or job week), the vulnerable share, how many days
  of history lie before the start, the standby asks.

Fixed facts never break a rule by themselves: history is drawn day by day and
a shift is kept only when every rolling rule still holds with the unit hours,
job hours and meetings around it. In the coverable profiles (town, district,
city) minimums at quiet gates are lowered (targets stay) when the weekly limits
leave the full-time cadres too little room; the sub-district stays
short-handed whatever is drawn.

Profiles:

``town`` (H town, rural)
    31 villages and 2 urban communities; about 100 checkpoints (rural ones at
    the main road entrance of a village and at hamlet entrances, urban ones at
    compound gates and street crossings) with a low / medium / high risk mix;
    400-460 cadres: about 85 % from 25 town units (mostly seconded, about 15 %
    dual-reporting) and about 54 without a unit (they live in the town but work
    elsewhere, and were home during the lockdown). Low-risk hamlet entrances
    are barred at night, medium gates want a night watch, high-risk main
    entrances are staffed around the clock with a ``medical`` cadre for
    temperature checks. A small minimum of duty hours (one shift a week:
    nobody registers and never serves). Standby in every community, more in
    the urban ones.

``district`` (Fengnan, urban)
    21 urban communities, about 85 compound gates with day and night passes;
    401 cadres from 24 district bureaus (60 % seconded, 40 % dual) plus 205
    street party members without a unit (some still at work elsewhere:
    weekday busy periods; some older and vulnerable). Meant to be coverable.

``subdistrict`` (Huangsiwan, short-handed)
    5 communities, 44 community officers (about 8 to 9 per community), no
    units, four gates per community. The minimum demand (at least 45
    cadre-shifts every day) is above what 44 officers can give at one duty a
    day with the weekly days off (at most 38 a day): the roster must show
    shortfalls with reasons. A few older officers are vulnerable (never at the
    high-risk main gate).

``city``
    ``towns`` towns of the town profile (default 10, about 4,300 cadres) under
    one command centre: one shift pattern and rule set; ids prefixed per town
    (``t01-c01``, ``t01-p0001``), cadres serve within their own town.

Every profile has skills (``medical``, ``driver``, ``dialect``), a few
vulnerable cadres, unavailable days (some whole days, some single shifts, a
few cadres in home quarantine for the whole horizon), busy periods, on/off
requests with weights, history before the start and fake phone numbers
(``138-0000-0001``) in ``contact`` for part of the cadres. Ids are ASCII:
communities ``c01``, checkpoints ``k001``, units ``u01``, cadres ``p0001``;
names are Simplified Chinese.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PROFILES", "DEFAULT_START", "DEFAULT_TOWNS", "MAX_TOWNS", "generate_instance"]

PROFILES: dict[str, str] = {
    "town": "H town: 31 villages + 2 urban communities, ~100 checkpoints, 400-460 cadres from 25 units "
    "(seconded, dual, no unit)",
    "district": "Fengnan district: 21 communities, ~85 gates with day and night passes, 401 cadres from "
    "24 units + 205 street party members",
    "subdistrict": "Huangsiwan sub-district: 5 communities, 44 community officers, no units; demand above "
    "capacity on purpose (shortfalls)",
    "city": "N towns of the town profile under one command centre (--towns, default 10: ~4,300 cadres)",
}

DEFAULT_START = dt.date(2020, 2, 3)
DEFAULT_TOWNS = 10
MAX_TOWNS = 30
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WORKWEEK = WEEKDAYS[:5]
WEEKEND = WEEKDAYS[5:]
_DAY = 24 * 60
_QUICK_RETURN = 16 * 60  # a succession leaving less rest than this (minutes) may be forbidden
_SHIFT_KINDS = ("duty", "standby")

# --------------------------------------------------------------------------- names

# fmt: off
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤"
)
_GIVEN_SINGLE = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚文斌宇浩凯鹏辉华英琳颖婷雪倩晨阳亮俊飞鑫波宁欣佳振峰林瑞海旭玲丹萍莉荣健"
)
_GIVEN_DOUBLE = (
    "秀英", "秀兰", "桂英", "建华", "建国", "建军", "志强", "志明", "海燕", "红梅", "玉兰", "国庆", "卫东",
    "春华", "秋菊", "冬梅", "晓东", "晓燕", "晓明", "丽华", "永红", "德明", "光荣", "小红", "雪梅", "文杰",
    "子涵", "浩然", "思远", "雨婷", "嘉怡", "俊杰", "明辉", "晓峰", "立新", "爱国", "淑珍", "凤英", "玉梅",
)

_VILLAGES = (
    "东村", "西村", "南庄村", "北庄村", "王家村", "李家庄村", "张家湾村", "刘庄村", "陈家坝村", "杨柳村",
    "石桥村", "河口村", "高岭村", "大塘村", "小塘村", "新屋村", "老屋村", "桃园村", "梨树村", "枫林村",
    "竹园村", "松林村", "青山村", "白石村", "黄土岭村", "水口村", "沙坪村", "马鞍村", "龙潭村", "凤凰村",
    "金星村", "红星村", "双河村", "三合村", "五里村", "柏树村", "长冲村", "泉水村",
)
_HAMLETS = ("上湾", "下湾", "塘边", "坡上", "岭脚", "河边", "大院子", "新屋场", "老屋场", "竹山", "井边", "桥头")
_TOWN_URBAN = ("新街社区", "解放路社区")
_URBAN_SITES = (
    "粮站小区", "供销社宿舍", "幸福家园", "建设路", "老街", "农贸市场", "汽车站", "卫生院宿舍", "教师公寓",
    "人民路", "中心街", "锦绣花园", "税务所宿舍", "电力小区", "河滨路", "文化广场",
)
_TOWN_UNITS = (
    "镇党政办", "镇纪委", "镇组织办", "镇财政所", "镇派出所", "镇卫生院", "镇中心小学", "镇初级中学", "镇供电所",
    "镇农业综合服务中心", "镇司法所", "镇市场监管所", "镇税务分局", "镇自然资源所", "镇文化站", "镇社会保障所",
    "镇水利站", "镇林业站", "镇邮政支局", "镇农村信用社", "镇自来水厂", "镇民政办", "镇武装部", "镇统计站",
    "镇村镇建设办",
)
_DISTRICT_COMMUNITIES = (
    "幸福里社区", "光明社区", "东风社区", "胜利社区", "新华社区", "建设社区", "和平社区", "文化社区", "友谊社区",
    "朝阳社区", "团结社区", "繁荣社区", "钢城社区", "兴华社区", "南湖社区", "北郊社区", "西苑社区", "东苑社区",
    "新城社区", "运河社区", "银河社区",
)
_DISTRICT_UNITS = (
    "区委办公室", "区政府办公室", "区纪委监委", "区委组织部", "区委宣传部", "区发改局", "区教育局", "区财政局",
    "区人社局", "区住建局", "区交通局", "区农业农村局", "区商务局", "区文旅局", "区卫健局", "区应急管理局",
    "区市场监管局", "区审计局", "区统计局", "区医保局", "区城管局", "区民政局", "区司法局", "区税务局",
)
_COMPOUNDS = (
    "一号院", "二号院", "钢厂宿舍", "矿区宿舍", "铁路小区", "学府苑", "康居小区", "馨园", "华苑", "丽景园",
    "福源里", "兴盛里", "富强里", "安居苑", "和顺园", "西山里", "东湖苑", "职工楼", "商业街", "菜市场",
)
_GATES = ("东门", "西门", "南门", "北门", "正门", "侧门", "后门")
_SUBDISTRICT_COMMUNITIES = ("江岸社区", "湾畔社区", "寺前社区", "新港社区", "桥头社区")
_TOWN_NAMES = (
    "城关镇", "新店镇", "石门镇", "河口镇", "龙泉镇", "黄桥镇", "白沙镇", "柳林镇", "青龙镇", "双河镇",
    "大桥镇", "马坪镇", "高桥镇", "长岭镇", "花园镇", "杨林镇", "三里镇", "丰乐镇", "安福镇", "永兴镇",
    "清水镇", "金山镇", "太平镇", "广福镇", "桃源镇", "兴隆镇", "新华镇", "古城镇", "黄龙镇", "红庙镇",
)
# fmt: on


# --------------------------------------------------------------------------- helpers


@dataclass
class _Context:
    rng: random.Random
    start: dt.date
    days: int
    shift_ids: list[str] = field(default_factory=list)
    used_names: set[str] = field(default_factory=set)

    @property
    def dates(self) -> list[dt.date]:
        return [self.start + dt.timedelta(days=offset) for offset in range(self.days)]

    def person_name(self) -> str:
        rng = self.rng
        name = ""
        for _ in range(20):
            roll = rng.random()
            if roll < 0.4:
                given = rng.choice(_GIVEN_SINGLE)
            elif roll < 0.75:
                given = rng.choice(_GIVEN_DOUBLE)
            else:
                given = rng.choice(_GIVEN_SINGLE) + rng.choice(_GIVEN_SINGLE)
            name = rng.choice(_SURNAMES) + given
            if name not in self.used_names:
                break
        self.used_names.add(name)
        return name


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _weekday(day: dt.date) -> str:
    return WEEKDAYS[day.weekday()]


def _clock(minutes: int) -> str:
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    counts = [math.floor(value) for value in exact]
    order = sorted(range(len(weights)), key=lambda index: (counts[index] - exact[index], index))
    for index in order[: total - sum(counts)]:
        counts[index] += 1
    return counts


def _pick(rng: random.Random, weighted: dict[Any, float]) -> Any:
    """One key of ``weighted``, drawn with its weight."""
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def _rule(
    shifts: list[str] | None,
    minimum: int,
    target: int,
    *,
    maximum: int | None = None,
    skills: dict[str, int] | None = None,
    weekdays: list[str] | None = None,
    dates: list[dt.date] | None = None,
    under_weight: float | None = None,
) -> dict[str, Any]:
    rule: dict[str, Any] = {}
    if shifts is not None:
        rule["shifts"] = shifts
    if weekdays:
        rule["weekdays"] = weekdays
    if dates:
        rule["dates"] = [_iso(day) for day in dates]
    rule["min"] = minimum
    rule["target"] = target
    if maximum is not None:
        rule["max"] = maximum
    if skills:
        rule["skills"] = skills
    if under_weight is not None:
        rule["under_weight"] = under_weight
    return rule


@dataclass
class _Community:
    id: str
    name: str
    urban: bool
    neighbours: list[int] = field(default_factory=list)


def _chain(communities: list[_Community]) -> None:
    """Neighbours along a road or a river: the previous and the next community."""
    for index, community in enumerate(communities):
        community.neighbours = [other for other in (index - 1, index + 1) if 0 <= other < len(communities)]


@dataclass
class _CadreDraft:
    id: str
    name: str
    unit: str | None
    mode: str | None
    community: int
    communities: list[int]
    skills: list[str] = field(default_factory=list)
    vulnerable: bool = False
    kind: str = "cadre"  # free text for the generator: "cadre", "villager", "street", "employed", "officer"

    @property
    def part_time(self) -> bool:
        """Dual cadres and members still employed elsewhere serve outside their working hours."""
        return self.mode == "dual" or self.kind == "employed"


# --------------------------------------------------------------------------- shift patterns


@dataclass
class _Pattern:
    """A shift pattern, and which shift serves each part of the day (``late``, ``peak``: None if none)."""

    shifts: list[dict[str, Any]]
    day: str
    late: str | None
    night: str
    peak: str | None = None  # a short evening shift on weekdays only, overlapping ``late``
    spans: dict[str, tuple[int, int]] = field(init=False)

    def __post_init__(self) -> None:
        self.spans = {}
        for shift in self.shifts:
            begin, end = _minutes(shift["start"]), _minutes(shift["end"])
            self.spans[shift["id"]] = (begin, end - begin if end > begin else end - begin + _DAY)

    @property
    def ids(self) -> list[str]:
        return [shift["id"] for shift in self.shifts]

    def hours(self, shift_id: str) -> float:
        return self.spans[shift_id][1] / 60

    @property
    def longest_hours(self) -> float:
        return max(self.hours(shift_id) for shift_id in self.ids)

    def is_night(self, shift_id: str) -> bool:
        return any(shift["id"] == shift_id and shift.get("night") for shift in self.shifts)


def _shift(shift_id: str, name: str, begin: int, end: int, *, night: bool = False) -> dict[str, Any]:
    shift: dict[str, Any] = {"id": shift_id, "name": name, "start": _clock(begin * 60), "end": _clock(end * 60)}
    if night:
        shift["night"] = True
    return shift


def _two_shifts(first: int) -> _Pattern:
    """Day and night passes of 12 hours (07-19 or 08-20)."""
    shifts = [_shift("day", "白班", first, first + 12), _shift("night", "夜班", first + 12, first + 24, night=True)]
    return _Pattern(shifts, day="day", late=None, night="night")


def _three_shifts(first: int) -> _Pattern:
    """Three 8-hour shifts (06-14-22, 07-15-23 or 08-16-00)."""
    shifts = [
        _shift("day", "白班", first, first + 8),
        _shift("evening", "晚班", first + 8, first + 16),
        _shift("night", "夜班", first + 16, first + 24, night=True),
    ]
    return _Pattern(shifts, day="day", late="evening", night="night")


def _four_shifts(first: int) -> _Pattern:
    """Three 8-hour shifts and a 4-hour evening peak (18-22 or 19-23) overlapping the afternoon, weekdays only."""
    shifts = [
        _shift("morning", "早班", first, first + 8),
        _shift("afternoon", "中班", first + 8, first + 16),
        _shift("evening", "晚高峰班", first + 12, first + 16),
        _shift("night", "夜班", first + 16, first + 24, night=True),
    ]
    return _Pattern(shifts, day="morning", late="afternoon", night="night", peak="evening")


_PATTERNS = {"2x12": (_two_shifts, (7, 8)), "3x8": (_three_shifts, (6, 7, 8)), "3x8+4": (_four_shifts, (6, 7))}


def _choose_pattern(rng: random.Random, weights: dict[str, float]) -> _Pattern:
    make, first_hours = _PATTERNS[_pick(rng, weights)]
    return make(rng.choice(first_hours))


def _quick_returns(pattern: _Pattern) -> list[list[str]]:
    """Pairs [a, b]: shift b on the next day starts less than 16 hours after shift a ends."""
    pairs = []
    for first in pattern.ids:
        begin, length = pattern.spans[first]
        for second in pattern.ids:
            gap = _DAY + pattern.spans[second][0] - (begin + length)
            if first != second and 0 <= gap < _QUICK_RETURN:
                pairs.append([first, second])
    return pairs


# --------------------------------------------------------------------------- what an instance varies in


@dataclass
class _Choices:
    """The choices drawn once per instance (a city's towns share them)."""

    pattern: _Pattern
    rules: dict[str, Any]
    allowance: int  # duty hours a week a dual cadre or a member still employed elsewhere may add to the job
    shared_share: float  # cadres serving two or three communities
    weekday_demand: bool  # market days, weekend shopping, commuters: rules for some weekdays
    dated_demand: bool  # delivery days and a screening day
    screening: dt.date | None
    holiday_days: int  # the units stayed closed this many days before the start (holiday extended)
    school_weeks: int  # schools stay closed this many weeks after the start
    reopen_days: int  # some offices reopen this many days after the start
    make_up_day: dt.date | None  # a weekend working day near the start
    make_up_everywhere: bool  # for every unit (a national adjustment) or one office
    history_days: int
    history_share: float  # how often a full-time cadre worked on a day before the start
    vulnerable_scale: float
    night_standby: bool
    weekend_standby: bool


def _choose_rules(
    rng: random.Random, pattern: _Pattern, duty_hours: tuple[int, ...], days: int, *, min_total: bool
) -> dict[str, Any]:
    """Rest, run and load limits for everybody, drawn among the plausible ones for the pattern."""
    long_shifts = pattern.longest_hours >= 12
    rest = rng.choice((11, 12)) if long_shifts else _pick(rng, {8: 2, 10: 1, 11: 3, 12: 2})
    longest_run = _pick(rng, {5: 3, 6: 5, None: 2})
    days_off = _pick(rng, {1: 13, 2: 7})
    duty = rng.choice(duty_hours)
    hours = rng.choice((None, duty, duty + 8, duty + 12))
    nights = rng.choice((2, 3) if long_shifts else (2, 3, 4))
    nights_run = rng.choice((2, 3, None))
    off_run = _pick(rng, {None: 11, 2: 9})
    work_run = _pick(rng, {None: 5, 2: 3, 3: 2})
    pool = _quick_returns(pattern)
    chosen = sorted(rng.sample(range(len(pool)), min(len(pool), _pick(rng, {0: 1, 1: 2, 2: 2}))))
    rules: dict[str, Any] = {"min_rest_hours": rest, "max_hours_per_day": 12, "max_duty_shifts_per_day": 1}
    if longest_run is not None:
        rules["max_consecutive_work_days"] = longest_run
    rules["min_days_off_per_7_days"] = days_off
    if hours is not None:
        rules["max_hours_per_7_days"] = hours
    rules["max_duty_hours_per_7_days"] = duty
    rules["max_night_shifts_per_7_days"] = nights
    if nights_run is not None:
        rules["max_consecutive_nights"] = min(nights_run, nights)
    if min_total and days >= 7:
        rules["min_total_hours"] = pattern.spans[pattern.day][1] // 60 * (days // 7)
    if off_run is not None:
        rules["min_consecutive_days_off"] = off_run
    if work_run is not None:
        rules["min_consecutive_work_days"] = work_run
    if chosen:
        rules["forbidden_successions"] = [pool[index] for index in chosen]
    return rules


def _choose(
    ctx: _Context, patterns: dict[str, float], duty_hours: Mapping[bool, tuple[int, ...]], *, min_total: bool
) -> _Choices:
    """Draw the choices of one instance; ``duty_hours`` maps 'shifts of 12 hours' to the weekly duty limits."""
    rng = ctx.rng
    pattern = _choose_pattern(rng, patterns)
    ctx.shift_ids = pattern.ids
    rules = _choose_rules(rng, pattern, duty_hours[pattern.longest_hours >= 12], ctx.days, min_total=min_total)
    dated = rng.random() < 0.6
    holiday_days = rng.choice((0, 3, 5, 9))
    holiday = {ctx.start - dt.timedelta(days=offset) for offset in range(1, holiday_days + 1)}
    near = [ctx.start + dt.timedelta(days=offset) for offset in range(-3, min(ctx.days, 10))]
    weekends = [day for day in near if day.weekday() >= 5 and day not in holiday]
    make_up_day = rng.choice(weekends) if weekends and rng.random() < 0.5 else None
    return _Choices(
        pattern=pattern,
        rules=rules,
        allowance=rng.choice((12, 16, 24)),
        shared_share=rng.uniform(0.10, 0.25),
        weekday_demand=rng.random() < 0.6,
        dated_demand=dated,
        screening=rng.choice(ctx.dates[: min(ctx.days, 7)]) if dated else None,
        holiday_days=holiday_days,
        school_weeks=rng.choice((0, 1, 2, 3)),
        reopen_days=rng.choice((0, 0, 3, 7)),
        make_up_day=make_up_day,
        make_up_everywhere=rng.random() < 0.5,
        history_days=rng.randint(3, 7),
        history_share=rng.uniform(0.5, 0.8),
        vulnerable_scale=rng.uniform(0.6, 1.6),
        night_standby=rng.random() < 0.5,
        weekend_standby=rng.random() < 0.3,
    )


def _part_time_limits(choices: _Choices, week_hours: float, day_start: int, day_minutes: int) -> dict[str, Any]:
    """Personal limits of a dual cadre or a member still employed elsewhere.

    Their unit or job week (``week_hours`` at most in any 7 days; working days
    from ``day_start`` for ``day_minutes``) counts toward hours and work days, so
    planners give them room above it for ``allowance`` hours of duty, one day
    off a week, no minimum of duty and no shortest run; with an evening peak
    shift, the peak after a working day (hours of that day, and the rest from
    the peak's end to the next working morning, at least 8 hours).
    """
    rules = choices.rules
    pattern = choices.pattern
    limits: dict[str, Any] = {
        "max_hours_per_7_days": math.ceil(week_hours) + choices.allowance,
        "max_duty_hours_per_7_days": choices.allowance,
        "min_days_off_per_7_days": 1,
        "min_total_hours": None,
    }
    if rules.get("max_consecutive_work_days") is not None:
        limits["max_consecutive_work_days"] = max(6, rules["max_consecutive_work_days"])
    if "min_consecutive_work_days" in rules:
        limits["min_consecutive_work_days"] = None
    if pattern.peak is not None:
        begin, length = pattern.spans[pattern.peak]
        limits["max_hours_per_day"] = max(rules["max_hours_per_day"], math.ceil((day_minutes + length) / 60))
        overnight = (day_start + _DAY - (begin + length)) / 60
        if rules["min_rest_hours"] > overnight:
            limits["min_rest_hours"] = max(8, overnight)
    return limits


# --------------------------------------------------------------------------- demand


@dataclass(frozen=True)
class _Need:
    """The minimum, target (and maximum, skills, under weight) asked on one shift."""

    min: int
    target: int
    max: int | None = None
    skills: dict[str, int] | None = None
    under_weight: float | None = None


def _by_part(
    pattern: _Pattern,
    *,
    day: _Need,
    late: _Need | None = None,
    night: _Need | None = None,
    peak: _Need | None = None,
) -> list[dict[str, Any]]:
    """One undated rule per shift of the pattern from what each part of the day needs (None: no demand).

    Without a late shift (two 12-hour shifts) the day and night passes cover the
    evening; the evening peak's rule is for weekdays only.
    """
    needs = {pattern.day: day, pattern.night: night}
    if pattern.late is not None:
        needs[pattern.late] = late
    if pattern.peak is not None:
        needs[pattern.peak] = peak
    rules = []
    for shift_id in pattern.ids:
        need = needs.get(shift_id)
        if need is None:
            continue
        rules.append(
            _rule(
                [shift_id],
                need.min,
                need.target,
                maximum=need.max,
                skills=dict(need.skills) if need.skills else None,
                weekdays=list(WORKWEEK) if shift_id == pattern.peak else None,
                under_weight=need.under_weight,
            )
        )
    return rules


def _more(
    rule: dict[str, Any], bump: int, *, weekdays: list[str] | None = None, dates: list[dt.date] | None = None
) -> dict[str, Any]:
    """A copy of ``rule`` asking ``bump`` more (minimum and target) on other days."""
    target = rule["target"] + bump
    return _rule(
        rule.get("shifts"),
        rule["min"] + bump,
        target,
        maximum=max(rule["max"], target) if "max" in rule else None,
        skills=rule.get("skills"),
        weekdays=weekdays,
        dates=dates,
        under_weight=rule.get("under_weight"),
    )


def _every_day_rule(rules: list[dict[str, Any]], shift_id: str) -> dict[str, Any] | None:
    for rule in rules:
        if rule.get("shifts") == [shift_id] and "weekdays" not in rule and "dates" not in rule:
            return rule
    return None


def _more_on_weekdays(
    rules: list[dict[str, Any]], shift_id: str, weekdays: tuple[str, ...] | list[str], bump: int = 1
) -> list[dict[str, Any]]:
    """Split the every-day rule of ``shift_id``: unchanged on the other weekdays, ``bump`` more on ``weekdays``."""
    base = _every_day_rule(rules, shift_id)
    if base is None:
        return rules
    others = [name for name in WEEKDAYS if name not in weekdays]
    index = rules.index(base)
    return [
        *rules[:index],
        _more(base, 0, weekdays=others),
        _more(base, bump, weekdays=list(weekdays)),
        *rules[index + 1 :],
    ]


def _more_on_dates(
    rules: list[dict[str, Any]], shift_id: str, dates: list[dt.date], bump: int = 1
) -> list[dict[str, Any]]:
    """Add a dated rule on ``shift_id``: ``bump`` more than the busiest undated rule there (one per shift)."""
    undated = [rule for rule in rules if rule.get("shifts") == [shift_id] and "dates" not in rule]
    if not undated or not dates:
        return rules
    base = max(undated, key=lambda rule: (rule["min"], rule["target"]))
    return [*rules, _more(base, bump, dates=sorted(set(dates)))]


def _town_demand(pattern: _Pattern, risk: str, *, rural: bool) -> list[dict[str, Any]]:
    """Demand rules of one town checkpoint by risk (undated but the evening peak's)."""
    if risk == "high":
        skills = {"medical": 1, "dialect": 1} if rural else {"medical": 1}
        peak = _Need(0, 1, under_weight=0.5) if rural else _Need(1, 1)
        return _by_part(pattern, day=_Need(2, 3, skills=skills), late=_Need(1, 2), night=_Need(1, 2), peak=peak)
    if risk == "medium":
        return _by_part(
            pattern,
            day=_Need(1, 2),
            late=_Need(1, 1),
            night=_Need(0, 1, under_weight=0.5),
            peak=None if rural else _Need(1, 1),
        )
    # Low risk: a hamlet entrance, barred at night; one in the day, an evening wanted.
    return _by_part(pattern, day=_Need(1, 1, max=2), late=_Need(0, 1, max=2, under_weight=0.5))


def _district_demand(pattern: _Pattern, risk: str) -> list[dict[str, Any]]:
    """Demand rules of one district compound gate by risk: day and night passes everywhere."""
    if risk == "high":
        return _by_part(
            pattern, day=_Need(2, 3, skills={"medical": 1}), late=_Need(1, 2), night=_Need(1, 2), peak=_Need(1, 1)
        )
    if risk == "medium":
        return _by_part(pattern, day=_Need(1, 2), late=_Need(1, 1), night=_Need(1, 1), peak=_Need(1, 1))
    return _by_part(pattern, day=_Need(1, 1, max=2), late=_Need(1, 1, max=1), night=_Need(1, 1, max=1))


def _subdistrict_demand(pattern: _Pattern, main: bool) -> list[dict[str, Any]]:
    """Demand rules of one sub-district gate: never under one cadre on any shift (the short-handed figure)."""
    if main:
        # Main gate: two in the day (one registers, one takes temperatures), one on every other shift.
        return _by_part(
            pattern, day=_Need(2, 2, skills={"medical": 1}), late=_Need(1, 1), night=_Need(1, 1), peak=_Need(1, 1)
        )
    return _by_part(pattern, day=_Need(1, 2), late=_Need(1, 1), night=_Need(1, 1))


def _rule_cells_min(rule: dict[str, Any], shift_ids: list[str], dates: list[dt.date]) -> int:
    """Sum of ``min`` over the days and shifts an (undated) rule matches."""
    shifts = rule.get("shifts", shift_ids)
    weekdays = rule.get("weekdays")
    day_count = sum(1 for day in dates if not weekdays or _weekday(day) in weekdays)
    return int(rule["min"]) * len(shifts) * day_count


def _community_need(checkpoints: list[dict[str, Any]], community_ids: list[str], shift_ids: list[str]) -> list[float]:
    """Average minimum demand per day of each community (over one week)."""
    week = [DEFAULT_START + dt.timedelta(days=offset) for offset in range(7)]
    need = dict.fromkeys(community_ids, 0.0)
    for checkpoint in checkpoints:
        for rule in checkpoint["demand"]:
            if "dates" in rule:
                continue
            need[checkpoint["community"]] += _rule_cells_min(rule, shift_ids, week) / 7
    return [need[community_id] for community_id in community_ids]


def _applied_hours(ctx: _Context, pattern: _Pattern, checkpoint: dict[str, Any]) -> tuple[float, list[float]]:
    """Minimum duty hours of a checkpoint over the horizon, and per rule the hours one unit of its ``min`` asks
    (dated rules override undated ones where they match)."""
    per_rule = [0.0] * len(checkpoint["demand"])
    total = 0.0
    for day in ctx.dates:
        iso, weekday = _iso(day), _weekday(day)
        for shift_id in pattern.ids:
            matching = [
                index
                for index, rule in enumerate(checkpoint["demand"])
                if shift_id in rule.get("shifts", pattern.ids)
                and (
                    ("weekdays" not in rule and "dates" not in rule)
                    or weekday in rule.get("weekdays", ())
                    or iso in rule.get("dates", ())
                )
            ]
            dated = [index for index in matching if "dates" in checkpoint["demand"][index]]
            for index in dated or matching:
                per_rule[index] += pattern.hours(shift_id)
                total += checkpoint["demand"][index]["min"] * pattern.hours(shift_id)
    return total, per_rule


def _fit_demand(
    ctx: _Context, choices: _Choices, checkpoints: list[dict[str, Any]], full_time: int, share: float = 0.75
) -> None:
    """Lower minimums at quiet gates until the minimum demand is at most ``share`` of the full-time capacity.

    A full-time cadre gives at most a shift on each day the days-off rule
    leaves, and at most ``max_duty_hours_per_7_days``, a week. Where the drawn
    limits leave less than the demand needs, the command centre asks nobody
    for sure at quiet gates (their targets stay): first the evening peak and
    the night at medium-risk gates, then the late shift at low-risk ones, then
    the late shift at medium-risk ones, each in random order.
    """
    pattern, rules = choices.pattern, choices.rules
    per_week = (7 - rules["min_days_off_per_7_days"]) * pattern.longest_hours
    per_week = min(per_week, rules.get("max_duty_hours_per_7_days") or per_week)
    capacity = share * full_time * per_week * ctx.days / 7
    demand = 0.0
    hours: list[list[float]] = []
    for checkpoint in checkpoints:
        total, per_rule = _applied_hours(ctx, pattern, checkpoint)
        demand += total
        hours.append(per_rule)
    tiers = [
        {("medium", pattern.peak), ("low", pattern.peak), ("medium", pattern.night)},
        {("low", pattern.late), ("low", pattern.night)},
        {("medium", pattern.late)},
    ]
    for tier in tiers:
        candidates = [
            (place, index)
            for place, checkpoint in enumerate(checkpoints)
            for index, rule in enumerate(checkpoint["demand"])
            if rule["min"] > 0
            and "dates" not in rule
            and any((checkpoint["risk"], shift_id) in tier for shift_id in rule.get("shifts", pattern.ids))
        ]
        ctx.rng.shuffle(candidates)
        for place, index in candidates:
            if demand <= capacity:
                return
            rule = checkpoints[place]["demand"][index]
            demand -= rule["min"] * hours[place][index]
            rule["min"] = 0


# --------------------------------------------------------------------------- home units


@dataclass
class _UnitPlan:
    """A home unit and its calendar (unit hours do not cross midnight here)."""

    id: str
    name: str
    begin: int  # minutes after midnight
    end: int
    max_away: int
    closed: set[dt.date] = field(default_factory=set)
    extra: set[dt.date] = field(default_factory=set)

    def works_on(self, day: dt.date) -> bool:
        return day not in self.closed and (day.weekday() < 5 or day in self.extra)

    def week_hours(self, ctx: _Context) -> float:
        """Most unit hours in a 7-day window ending inside the horizon."""
        worked = [self.works_on(ctx.start + dt.timedelta(days=offset)) for offset in range(-6, ctx.days)]
        most = max(sum(worked[first : first + 7]) for first in range(ctx.days))
        return most * (self.end - self.begin) / 60

    def as_dict(self) -> dict[str, Any]:
        unit: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "workdays": list(WORKWEEK),
            "hours": {"start": _clock(self.begin), "end": _clock(self.end)},
        }
        if self.closed:
            unit["closed_dates"] = [_iso(day) for day in sorted(self.closed)]
        if self.extra:
            unit["extra_workdays"] = [_iso(day) for day in sorted(self.extra)]
        unit["max_away"] = self.max_away
        return unit


_UNIT_HOURS = {("08:30", "17:30"): 5.0, ("08:00", "17:00"): 2.5, ("09:00", "17:00"): 1.5, ("08:00", "17:30"): 1.0}


def _units(
    ctx: _Context,
    choices: _Choices,
    ids: list[str],
    names: list[str],
    sizes: list[int],
    dual_counts: list[int],
    max_away_share: list[float],
    *,
    schools: set[int],
    make_up_office: int,
) -> list[_UnitPlan]:
    """The home units: hours, ``max_away``, and their calendar near the start.

    Every unit stayed closed over the extended holiday just before the start
    (its weekdays there are closed dates); the ``schools`` stay closed for the
    first weeks (opening postponed); some offices reopen a few days late; a
    make-up working day on a weekend near the start holds for every unit or
    for ``make_up_office`` alone.
    """
    rng = ctx.rng
    horizon = set(ctx.dates)
    holiday = {ctx.start - dt.timedelta(days=offset) for offset in range(1, choices.holiday_days + 1)}
    school_days = set(ctx.dates[: 7 * choices.school_weeks])
    late_days = set(ctx.dates[: choices.reopen_days])
    plans = []
    for index, (unit_id, name, size) in enumerate(zip(ids, names, sizes, strict=True)):
        begin, end = _pick(rng, _UNIT_HOURS)
        away = set(holiday)
        if index in schools:
            away |= school_days
        elif late_days and rng.random() < 0.2:
            away |= late_days
        closed = {day for day in away if day.weekday() < 5 and (day in horizon or day < ctx.start)}
        extra = set()
        day = choices.make_up_day
        if day is not None and day not in away and (choices.make_up_everywhere or index == make_up_office):
            extra.add(day)
        plans.append(
            _UnitPlan(
                id=unit_id,
                name=name,
                begin=_minutes(begin),
                end=_minutes(end),
                max_away=max(1, math.ceil(size * max_away_share[index])) + (1 if dual_counts[index] else 0),
                closed=closed,
                extra=extra,
            )
        )
    return plans


def _people_of_units(
    ctx: _Context,
    unit_ids: list[str],
    names: tuple[str, ...],
    sizes: list[int],
    dual_share: dict[str, float],
    default_dual: float,
) -> tuple[list[tuple[str | None, str | None, str]], list[int]]:
    """(unit, mode, kind) of every unit cadre, and how many of each unit are dual."""
    people: list[tuple[str | None, str | None, str]] = []
    duals = []
    for unit_id, name, size in zip(unit_ids, names, sizes, strict=True):
        share = dual_share.get(name, default_dual)
        dual_count = round(size * share)
        modes = ["dual"] * dual_count + ["seconded"] * (size - dual_count)
        ctx.rng.shuffle(modes)
        people.extend((unit_id, mode, "cadre") for mode in modes)
        duals.append(dual_count)
    return people, duals


# --------------------------------------------------------------------------- cadres: places, skills


def _homes(rng: random.Random, quotas: list[int], count: int, scattered: list[int]) -> list[int]:
    """Home community of each of ``count`` people filling ``quotas`` (which sum to ``count``).

    The people listed in ``scattered`` (those without a unit: they live where
    they live) take random slots; the others fill the remaining slots in
    order, so that each unit serves a few neighbouring communities (the unit
    "pairs" with villages, 包村).
    """
    slots = [index for index, quota in enumerate(quotas) for _ in range(quota)]
    chosen = sorted(rng.sample(range(len(slots)), len(scattered)))
    scattered_slots = [slots[position] for position in chosen]
    rng.shuffle(scattered_slots)
    taken = set(chosen)
    ordered_slots = iter(slot for position, slot in enumerate(slots) if position not in taken)
    homes = [0] * count
    for person, slot in zip(scattered, scattered_slots, strict=True):
        homes[person] = slot
    scattered_set = set(scattered)
    for person in range(count):
        if person not in scattered_set:
            homes[person] = next(ordered_slots)
    return homes


def _served(rng: random.Random, communities: list[_Community], home: int, extra: int) -> list[int]:
    """The home community and ``extra`` more nearby: neighbours first, then their neighbours."""
    served = [home]
    ring = list(communities[home].neighbours)
    while ring and len(served) < 1 + extra:
        rng.shuffle(ring)
        for other in ring:
            if len(served) < 1 + extra and other not in served:
                served.append(other)
        ring = [far for near in ring for far in communities[near].neighbours if far not in served]
    return served


def _place(
    ctx: _Context,
    communities: list[_Community],
    weights: list[float],
    people: list[tuple[str | None, str | None, str]],
    shared_share: float,
    prefix: str = "",
) -> list[_CadreDraft]:
    """Give every person (unit, mode, kind) a home community; ``shared_share`` of them serve one or two more.

    Full-time people (seconded, without a unit) and part-time people (dual,
    still employed elsewhere) are each spread over the communities in
    proportion to ``weights`` (the community's need), so that no community
    gets only part-timers. Exactly ``shared_share`` of them (rounded) serve
    more than their home, a third of these three communities.
    """
    rng = ctx.rng
    homes: list[int] = [0] * len(people)
    for part_time in (False, True):
        members = [
            index for index, (_, mode, kind) in enumerate(people) if (mode == "dual" or kind == "employed") == part_time
        ]
        if not members:
            continue
        scattered = [position for position, index in enumerate(members) if people[index][0] is None]
        quotas = _allocate(len(members), weights)
        for index, home in zip(members, _homes(rng, quotas, len(members), scattered), strict=True):
            homes[index] = home
    shared = rng.sample(range(len(people)), round(shared_share * len(people)))
    extra = dict.fromkeys(shared, 1) | dict.fromkeys(shared[: round(len(shared) / 3)], 2)
    drafts = []
    for number, ((unit, mode, kind), home) in enumerate(zip(people, homes, strict=True), start=1):
        drafts.append(
            _CadreDraft(
                id=f"{prefix}p{number:04d}",
                name=ctx.person_name(),
                unit=unit,
                mode=mode,
                community=home,
                communities=_served(rng, communities, home, extra.get(number - 1, 0)),
                kind=kind,
            )
        )
    return drafts


def _base_skills(ctx: _Context, drafts: list[_CadreDraft], medical_units: set[str], local_share: float) -> None:
    rng = ctx.rng
    for draft in drafts:
        if (draft.unit in medical_units and rng.random() < 0.8) or rng.random() < 0.04:
            draft.skills.append("medical")
        if rng.random() < 0.12:
            draft.skills.append("driver")
        if rng.random() < (0.9 if draft.unit is None else local_share):
            draft.skills.append("dialect")


def _mark_vulnerable(ctx: _Context, drafts: list[_CadreDraft], share: float, kinds: set[str] | None = None) -> None:
    for draft in drafts:
        if (kinds is None or draft.kind in kinds) and ctx.rng.random() < share:
            draft.vulnerable = True


def _ensure_skill(ctx: _Context, drafts: list[_CadreDraft], community: int, skill: str, wanted: int) -> None:
    """At least ``wanted`` non-vulnerable, non-dual cadres based in ``community`` hold ``skill``."""
    pool = [d for d in drafts if d.community == community and not d.vulnerable and d.mode != "dual"]
    holders = [d for d in pool if skill in d.skills]
    others = [d for d in pool if skill not in d.skills]
    ctx.rng.shuffle(others)
    for draft in others[: max(0, wanted - len(holders))]:
        draft.skills.append(skill)


# --------------------------------------------------------------------------- cadres: days away, requests, busy


def _unavailable(ctx: _Context, roll: float) -> list[dict[str, Any]]:
    """Some cadres are away a few days or shifts; a few are in home quarantine the whole horizon."""
    rng = ctx.rng
    dates = ctx.dates
    if roll < 0.006:
        return [{"date": _iso(day)} for day in dates]
    if roll < 0.10:
        entries: list[dict[str, Any]] = []
        for day in sorted(rng.sample(dates, min(len(dates), rng.randint(1, 3)))):
            if rng.random() < 0.5:
                entries.append({"date": _iso(day)})
            else:
                entries.append({"date": _iso(day), "shifts": [rng.choice(ctx.shift_ids)]})
        return entries
    if roll < 0.12 and len(dates) >= 5:
        first = rng.randrange(0, len(dates) - 3)
        return [{"date": _iso(day)} for day in dates[first : first + rng.randint(2, 4)]]
    return []


def _requests(ctx: _Context) -> list[dict[str, Any]]:
    rng = ctx.rng
    if rng.random() >= 0.12:
        return []
    requests = []
    for day in sorted(rng.sample(ctx.dates, min(len(ctx.dates), rng.randint(1, 3)))):
        kind = "off" if rng.random() < 0.7 else "on"
        request: dict[str, Any] = {"date": _iso(day)}
        if rng.random() < 0.5:
            request["shift"] = rng.choice(ctx.shift_ids)
        request["kind"] = kind
        request["weight"] = rng.choice((1, 1, 2, 3)) if kind == "off" else 1
        requests.append(request)
    return requests


def _meeting(ctx: _Context) -> list[dict[str, Any]]:
    """A meeting or training at the command centre (a busy period of 2 to 3 hours)."""
    rng = ctx.rng
    if ctx.days < 2:
        return []
    day = rng.choice(ctx.dates[1:])  # not on day 0: it might follow a night worked before the start
    hour = rng.choice((9, 10, 14, 15))
    length = rng.choice((2, 3))
    begin = dt.datetime.combine(day, dt.time(hour, 0))
    end = begin + dt.timedelta(hours=length)
    return [{"start": begin.strftime("%Y-%m-%dT%H:%M"), "end": end.strftime("%Y-%m-%dT%H:%M")}]


_JOB_BEGIN, _JOB_END = 9 * 60, 17 * 60


def _job_hours(ctx: _Context) -> list[dict[str, Any]]:
    """Weekday working hours 09:00-17:00 of someone still employed elsewhere (no unit in the file).

    They reach 6 days back (the first 7-day windows look there) and 2 days past the
    horizon (rest before the next working day).
    """
    busy = []
    for offset in range(-6, ctx.days + 2):
        day = ctx.start + dt.timedelta(days=offset)
        if day.weekday() < 5:
            busy.append({"start": f"{_iso(day)}T{_clock(_JOB_BEGIN)}", "end": f"{_iso(day)}T{_clock(_JOB_END)}"})
    return busy


# --------------------------------------------------------------------------- cadres: history


@dataclass
class _Period:
    """A work period in minutes from the start day's midnight; ``day`` is the day it belongs to."""

    day: int
    begin: int
    end: int
    kind: str  # "duty", "standby", "unit", "busy"
    shift: str | None = None
    night: bool = False


def _fixed_periods(
    ctx: _Context, choices: _Choices, unit: _UnitPlan | None, busy: list[dict[str, Any]]
) -> list[_Period]:
    """Unit hours (of a dual cadre) and busy periods from a week before the history to day 7."""
    first, last = -(choices.history_days + 7), min(ctx.days, 8)
    periods = []
    if unit is not None:
        for offset in range(first, last + 1):
            if unit.works_on(ctx.start + dt.timedelta(days=offset)):
                periods.append(_Period(offset, offset * _DAY + unit.begin, offset * _DAY + unit.end, "unit"))
    origin = dt.datetime.combine(ctx.start, dt.time())
    for entry in busy:
        begin = int((dt.datetime.fromisoformat(entry["start"]) - origin).total_seconds()) // 60
        end = int((dt.datetime.fromisoformat(entry["end"]) - origin).total_seconds()) // 60
        if first <= begin // _DAY <= last:
            periods.append(_Period(begin // _DAY, begin, end, "busy"))
    return periods


def _shift_period(pattern: _Pattern, day: int, shift_id: str, kind: str) -> _Period:
    begin, length = pattern.spans[shift_id]
    start = day * _DAY + begin
    return _Period(day, start, start + length, kind, shift_id, kind == "duty" and pattern.is_night(shift_id))


def _limit_minutes(limits: dict[str, Any], key: str) -> float | None:
    value = limits.get(key)
    return None if value is None else value * 60


def _history_fits(limits: dict[str, Any], periods: list[_Period], first_history: int, days: int) -> bool:
    """Whether these fixed periods (unit hours, busy, history) keep every rule of ``limits`` by themselves.

    Rest and overlaps; the 7-day windows, runs of work days and of nights
    ending on the first days of the horizon (those that reach back into the
    history); on the history days, hours per day, forbidden successions and the
    shortest runs of days on and off between history days.
    """
    ordered = sorted(periods, key=lambda period: (period.begin, period.end))
    rest = _limit_minutes(limits, "min_rest_hours") or 0
    for index, period in enumerate(ordered):
        reach = period.end + (rest if period.kind in _SHIFT_KINDS else 0)
        for other in ordered[index + 1 :]:
            if other.begin >= reach:
                break
            return False
    low, last = first_history - 8, min(days, 8) - 1
    size = last - low + 1
    work, on = [0] * size, [0] * size
    hours, duty, nights = [0] * size, [0] * size, [0] * size
    shifts: dict[int, str] = {}
    for period in periods:
        index = period.day - low
        if not 0 <= index < size:
            continue
        work[index] = 1
        if period.kind != "standby":
            hours[index] += period.end - period.begin
        if period.kind in _SHIFT_KINDS:
            on[index] = 1
        if period.kind == "duty":
            duty[index] += period.end - period.begin
            nights[index] += 1 if period.night else 0
            shifts[period.day] = period.shift or ""
    windows = (
        ("max_hours_per_7_days", hours, 7, 60),
        ("max_duty_hours_per_7_days", duty, 7, 60),
        ("max_night_shifts_per_7_days", nights, 7, 1),
    )
    longest_run = limits.get("max_consecutive_work_days")
    nights_run = limits.get("max_consecutive_nights")
    days_off = limits.get("min_days_off_per_7_days")
    for end in range(-low, size):
        for key, values, width, scale in windows:
            limit = limits.get(key)
            if limit is not None and sum(values[end - width + 1 : end + 1]) > limit * scale:
                return False
        if days_off is not None and 7 - sum(work[end - 6 : end + 1]) < days_off:
            return False
        if longest_run is not None and sum(work[max(0, end - longest_run) : end + 1]) > longest_run:
            return False
        if nights_run is not None and sum(min(1, n) for n in nights[max(0, end - nights_run) : end + 1]) > nights_run:
            return False
    day_limit = _limit_minutes(limits, "max_hours_per_day")
    history = range(first_history - low, -low)
    if day_limit is not None and any(hours[index] > day_limit for index in history):
        return False
    for first, second in limits.get("forbidden_successions") or ():
        if any(shifts.get(day) == first and shifts.get(day + 1) == second for day in range(first_history, -1)):
            return False
    flags = [on[index] for index in history]
    runs: list[list[int]] = []
    for flag in flags:
        if runs and runs[-1][0] == flag:
            runs[-1][1] += 1
        else:
            runs.append([flag, 1])
    for flag, length in runs[1:-1]:
        shortest = limits.get("min_consecutive_work_days" if flag else "min_consecutive_days_off")
        if shortest is not None and length < shortest:
            return False
    return True


def _history(
    ctx: _Context,
    choices: _Choices,
    draft: _CadreDraft,
    limits: dict[str, Any],
    fixed: list[_Period],
    shift_weights: dict[str, float],
) -> list[dict[str, Any]]:
    """Shifts worked on the days before the start; each kept only if the rules still hold with it.

    A full-time cadre keeps to one usual shift (a fifth arrived only at the
    start); a part-time one served a day shift on a day without unit or job
    hours, or the evening peak after a working day.
    """
    rng = ctx.rng
    pattern = choices.pattern
    if not draft.part_time and rng.random() < 0.2:
        return []
    usual = _pick(rng, shift_weights)
    working = {period.day for period in fixed if period.kind in ("unit", "busy")}
    worked: list[_Period] = []
    for day in range(-choices.history_days, 0):
        if draft.part_time:
            if day not in working and rng.random() < 0.4:
                shift_id, kind = pattern.day, "duty"
            elif day in working and pattern.peak is not None and rng.random() < 0.3:
                shift_id, kind = pattern.peak, "duty"
            else:
                continue
        elif rng.random() < choices.history_share:
            shift_id, kind = usual, "standby" if rng.random() < 0.1 else "duty"
        else:
            continue
        period = _shift_period(pattern, day, shift_id, kind)
        if _history_fits(limits, [*fixed, *worked, period], -choices.history_days, ctx.days):
            worked.append(period)
    history = []
    for period in worked:
        entry: dict[str, Any] = {"date": _iso(ctx.start + dt.timedelta(days=period.day)), "shift": period.shift}
        if period.kind == "standby":
            entry["kind"] = "standby"
        history.append(entry)
    return history


def _contact(number: int) -> str:
    """A fake phone number: 138-0000-0001 for the first cadre."""
    return f"138-{number // 10_000:04d}-{number % 10_000:04d}"


def _cadre_dicts(
    ctx: _Context,
    choices: _Choices,
    drafts: list[_CadreDraft],
    communities: list[_Community],
    units: dict[str, _UnitPlan],
    *,
    shift_weights: dict[str, float],
    contact_share: float,
    first_number: int = 1,
) -> list[dict[str, Any]]:
    rng = ctx.rng
    cadres = []
    for number, draft in enumerate(drafts, start=first_number):
        cadre: dict[str, Any] = {"id": draft.id, "name": draft.name, "unit": draft.unit}
        if draft.mode is not None:
            cadre["mode"] = draft.mode
        cadre["communities"] = [communities[index].id for index in draft.communities]
        if draft.skills:
            cadre["skills"] = sorted(draft.skills)
        if draft.vulnerable:
            cadre["vulnerable"] = True
        unavailable = _unavailable(ctx, rng.random())
        if unavailable:
            cadre["unavailable"] = unavailable
        busy: list[dict[str, Any]] = []
        if draft.kind == "employed":
            busy = _job_hours(ctx)
        elif draft.mode != "dual" and rng.random() < 0.05 and ctx.days > 1:
            busy = _meeting(ctx)
        if busy:
            cadre["busy"] = busy
        requests = _requests(ctx)
        if requests:
            cadre["requests"] = requests
        unit = units[draft.unit] if draft.mode == "dual" and draft.unit is not None else None
        limits: dict[str, Any] = {}
        if unit is not None:
            limits = _part_time_limits(choices, unit.week_hours(ctx), unit.begin, unit.end - unit.begin)
        elif draft.kind == "employed":
            limits = _part_time_limits(choices, 5 * (_JOB_END - _JOB_BEGIN) / 60, _JOB_BEGIN, _JOB_END - _JOB_BEGIN)
        if limits:
            cadre["limits"] = limits
        fixed = _fixed_periods(ctx, choices, unit, busy)
        history = _history(ctx, choices, draft, {**choices.rules, **limits}, fixed, shift_weights)
        if history:
            cadre["history"] = history
        if rng.random() < contact_share:
            cadre["contact"] = _contact(number)
        cadres.append(cadre)
    return cadres


# --------------------------------------------------------------------------- standby


def _standby(choices: _Choices, per_community: int, community_overrides: list[dict[str, Any]]) -> dict[str, Any]:
    """Standby asks: ``per_community``, then (the last matching wins) no night standby if so drawn, the
    community overrides, two on weekend days and on the screening day, none on the evening peak."""
    pattern = choices.pattern
    overrides: list[dict[str, Any]] = []
    if not choices.night_standby:
        overrides.append({"shifts": [pattern.night], "count": 0})
    overrides.extend(community_overrides)
    if choices.weekend_standby:
        overrides.append({"shifts": [pattern.day], "weekdays": list(WEEKEND), "count": 2})
    if choices.screening is not None:
        overrides.append({"shifts": [pattern.day], "dates": [_iso(choices.screening)], "count": 2})
    if pattern.peak is not None:
        # No standby for the 4-hour peak: it has demand on weekdays only and overlaps the late shift's standby.
        overrides.append({"shifts": [pattern.peak], "count": 0})
    standby: dict[str, Any] = {"per_community": per_community}
    if overrides:
        standby["overrides"] = overrides
    standby["load_factor"] = 0.25
    return standby


# --------------------------------------------------------------------------- town and city


_TOWN_PATTERNS = {"3x8": 0.45, "2x12": 0.25, "3x8+4": 0.30}
_DUTY_HOURS = {True: (48, 60), False: (40, 48)}  # weekly duty limits with 12-hour shifts, with 8-hour ones


@dataclass
class _Part:
    """One town's (or district's) communities, checkpoints, units, cadres and community standby overrides."""

    communities: list[dict[str, Any]]
    checkpoints: list[dict[str, Any]]
    units: list[dict[str, Any]]
    cadres: list[dict[str, Any]]
    standby_overrides: list[dict[str, Any]]


def _town_communities(ctx: _Context, prefix: str, town: str) -> list[_Community]:
    """31 villages along the valley road and 2 urban communities (names prefixed with the town in a city)."""
    village_names = ctx.rng.sample(_VILLAGES, 31)
    communities = [
        _Community(f"{prefix}c{index + 1:02d}", town + name, False) for index, name in enumerate(village_names)
    ]
    communities += [
        _Community(f"{prefix}c{32 + index:02d}", town + name, True) for index, name in enumerate(_TOWN_URBAN)
    ]
    _chain(communities[:31])
    communities[31].neighbours = [32, 0]  # the town centre lies between the first and the last village
    communities[32].neighbours = [31, 30]
    return communities


def _town_checkpoints(
    ctx: _Context, choices: _Choices, communities: list[_Community], prefix: str
) -> list[dict[str, Any]]:
    """Village entrances (main road, a side road, hamlets) and urban compound gates and crossings."""
    rng = ctx.rng
    pattern = choices.pattern
    # Delivery days in the urban compounds (group buying, 团购配送): every third day, one more at the gate.
    delivery = [day for offset, day in enumerate(ctx.dates) if offset % 3 == 1] if choices.dated_demand else []
    screening = [choices.screening] if choices.screening is not None else []
    extra = [0] * 31
    for _ in range(rng.randint(20, 24)):
        candidates = [index for index in range(31) if extra[index] < 2]
        extra[rng.choice(candidates)] += 1
    checkpoints: list[dict[str, Any]] = []

    def add(community: _Community, name: str, risk: str, demand: list[dict[str, Any]]) -> None:
        checkpoints.append(
            {
                "id": f"{prefix}k{len(checkpoints) + 1:03d}",
                "name": name,
                "community": community.id,
                "risk": risk,
                "demand": demand,
            }
        )

    for index, village in enumerate(communities[:31]):
        # Main entrance on the county road: high risk when it is on the main road (returnees from outside).
        main_risk = "high" if rng.random() < 0.3 else "medium"
        demand = _town_demand(pattern, main_risk, rural=True)
        if choices.weekday_demand and rng.random() < 0.4:
            # Market day (赶集): one weekday a week more people come through the main entrance.
            demand = _more_on_weekdays(demand, pattern.day, [rng.choice(WEEKDAYS)])
        add(village, f"{village.name}主路口", main_risk, _more_on_dates(demand, pattern.day, screening))
        second_risk = "medium" if rng.random() < 0.5 else "low"
        direction = rng.choice(("东口", "西口", "南口", "北口"))
        add(village, f"{village.name}{direction}", second_risk, _town_demand(pattern, second_risk, rural=True))
        for hamlet in rng.sample(_HAMLETS, extra[index]):
            add(village, f"{village.name}{hamlet}组路口", "low", _town_demand(pattern, "low", rural=True))
    for community in communities[31:]:
        sites = rng.sample(_URBAN_SITES, rng.randint(7, 9))
        for site_index, site in enumerate(sites):
            if site in ("农贸市场", "汽车站"):
                risk = "high"
            elif site_index == 0:
                risk = "medium"
            else:
                risk = rng.choice(("low", "medium", "medium"))
            street = site.endswith("路") or site.endswith("街")
            name = f"{site}路口" if street else f"{site}{rng.choice(_GATES[:4])}"
            demand = _town_demand(pattern, risk, rural=False)
            if risk == "medium" and choices.weekday_demand and rng.random() < 0.5:
                # Busy on weekends (shopping streets): the weekend day shift wants one more.
                demand = _more_on_weekdays(demand, pattern.day, WEEKEND)
            if not street and risk != "high":
                demand = _more_on_dates(demand, pattern.day, delivery)
            add(community, name, risk, demand)
    return checkpoints


def _town_part(ctx: _Context, choices: _Choices, prefix: str = "", town: str = "", first_number: int = 1) -> _Part:
    """One town of the H-town profile; ``prefix`` (e.g. ``t01-``) keeps its ids apart in a city."""
    rng = ctx.rng
    pattern = choices.pattern
    communities = _town_communities(ctx, prefix, town)
    checkpoints = _town_checkpoints(ctx, choices, communities, prefix)

    # Standby overrides of the urban communities: two in the day, one at night.
    overrides: list[dict[str, Any]] = []
    for community in communities[31:]:
        overrides.append({"community": community.id, "shifts": [pattern.day], "count": 2})
        overrides.append({"community": community.id, "shifts": [pattern.night], "count": 1})
    standby_per_day = [2 + (2 if community.urban else 0) for community in communities]

    # Cadres: 400-460, of them about 54 without a unit, the rest from 25 units.
    total = rng.randint(400, 460)
    no_unit = rng.randint(48, 58)
    unit_weights = [rng.uniform(0.6, 1.4) for _ in _TOWN_UNITS]
    for heavy in ("镇党政办", "镇卫生院", "镇中心小学", "镇初级中学", "镇派出所"):
        unit_weights[_TOWN_UNITS.index(heavy)] *= 1.6
    sizes = _allocate(total - no_unit, unit_weights)
    dual_share = {"镇卫生院": 0.3, "镇派出所": 0.3, "镇供电所": 0.25, "镇中心小学": 0.25, "镇初级中学": 0.25}
    unit_ids = [f"{prefix}u{index + 1:02d}" for index in range(len(_TOWN_UNITS))]
    people, duals = _people_of_units(ctx, unit_ids, _TOWN_UNITS, sizes, dual_share, 0.12)
    away_share = [{"镇卫生院": 0.4, "镇派出所": 0.4}.get(name, 0.5) for name in _TOWN_UNITS]
    unit_names = [(town or "镇") + name[1:] for name in _TOWN_UNITS]
    plans = _units(
        ctx,
        choices,
        unit_ids,
        unit_names,
        sizes,
        duals,
        away_share,
        schools={_TOWN_UNITS.index("镇中心小学"), _TOWN_UNITS.index("镇初级中学")},
        make_up_office=_TOWN_UNITS.index("镇税务分局"),
    )
    people += [(None, None, "villager")] * no_unit
    need = _community_need(checkpoints, [community.id for community in communities], pattern.ids)
    weights = [need[index] + standby_per_day[index] for index in range(len(communities))]
    drafts = _place(ctx, communities, weights, people, choices.shared_share, prefix)
    _fit_demand(ctx, choices, checkpoints, sum(1 for draft in drafts if not draft.part_time))
    _base_skills(ctx, drafts, {unit_ids[_TOWN_UNITS.index("镇卫生院")]}, 0.6)
    _mark_vulnerable(ctx, drafts, 0.03 * choices.vulnerable_scale)
    for index in range(len(communities)):
        ids = [c["id"] for c in checkpoints if c["community"] == communities[index].id and c["risk"] == "high"]
        if ids:
            _ensure_skill(ctx, drafts, index, "medical", 3)
            _ensure_skill(ctx, drafts, index, "dialect", 3)
    weights_by_part = {pattern.day: 0.4, pattern.night: 0.25}
    weights_by_part[pattern.late or pattern.day] = weights_by_part.get(pattern.late or pattern.day, 0.0) + 0.35
    cadres = _cadre_dicts(
        ctx,
        choices,
        drafts,
        communities,
        {plan.id: plan for plan in plans},
        shift_weights=weights_by_part,
        contact_share=0.6,
        first_number=first_number,
    )
    return _Part(
        communities=[{"id": community.id, "name": community.name} for community in communities],
        checkpoints=checkpoints,
        units=[plan.as_dict() for plan in plans],
        cadres=cadres,
        standby_overrides=overrides,
    )


def _assemble(
    name: str, choices: _Choices, parts: list[_Part], standby: dict[str, Any], objective: dict[str, Any] | None = None
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": name,
        "shifts": choices.pattern.shifts,
        "communities": [community for part in parts for community in part.communities],
        "checkpoints": [checkpoint for part in parts for checkpoint in part.checkpoints],
        "units": [unit for part in parts for unit in part.units],
        "cadres": [cadre for part in parts for cadre in part.cadres],
        "rules": choices.rules,
        "standby": standby,
    }
    if objective is not None:
        body["objective"] = objective
    return body


_TOWN_OBJECTIVE = {"mode": "lexicographic", "weights": {"requests": 1, "continuity": 1}}


def _town(ctx: _Context) -> dict[str, Any]:
    choices = _choose(ctx, _TOWN_PATTERNS, _DUTY_HOURS, min_total=True)
    part = _town_part(ctx, choices)
    standby = _standby(choices, 1, part.standby_overrides)
    return _assemble("H镇疫情防控下沉干部排班（生成实例）", choices, [part], standby, dict(_TOWN_OBJECTIVE))


def _city(ctx: _Context, towns: int) -> dict[str, Any]:
    """``towns`` towns under one command centre: one pattern and rule set, ids prefixed per town."""
    choices = _choose(ctx, _TOWN_PATTERNS, _DUTY_HOURS, min_total=True)
    parts: list[_Part] = []
    for index in range(towns):
        part = _town_part(
            ctx,
            choices,
            f"t{index + 1:02d}-",
            _TOWN_NAMES[index],
            first_number=1 + sum(len(done.cadres) for done in parts),
        )
        parts.append(part)
    standby = _standby(choices, 1, [override for part in parts for override in part.standby_overrides])
    name = f"市级疫情防控下沉干部排班（生成实例，{towns}个镇）"
    return _assemble(name, choices, parts, standby, dict(_TOWN_OBJECTIVE))


# --------------------------------------------------------------------------- district


def _district(ctx: _Context) -> dict[str, Any]:
    rng = ctx.rng
    choices = _choose(ctx, {"2x12": 0.45, "3x8": 0.2, "3x8+4": 0.35}, _DUTY_HOURS, min_total=False)
    pattern = choices.pattern
    communities = [_Community(f"c{index + 1:02d}", name, True) for index, name in enumerate(_DISTRICT_COMMUNITIES)]
    _chain(communities)
    gate_counts = [4] * len(communities)
    for index in rng.sample(range(len(communities)), 5):
        gate_counts[index] += 1
    for index in rng.sample(range(len(communities)), 3):
        gate_counts[index] -= 1
    screening = [choices.screening] if choices.screening is not None else []
    checkpoints: list[dict[str, Any]] = []
    for community, count in zip(communities, gate_counts, strict=True):
        compounds = rng.sample(_COMPOUNDS, count)
        for position, compound in enumerate(compounds):
            if compound in ("菜市场", "商业街") or (position == 0 and rng.random() < 0.4):
                risk = "high"
            else:
                risk = rng.choice(("low", "medium", "medium", "medium"))
            demand = _district_demand(pattern, risk)
            if risk == "medium" and choices.weekday_demand and rng.random() < 0.4:
                # Back to work (复工): commuters through the gate on weekdays.
                demand = _more_on_weekdays(demand, pattern.day, WORKWEEK)
            if risk == "high":
                demand = _more_on_dates(demand, pattern.day, screening)
            checkpoints.append(
                {
                    "id": f"k{len(checkpoints) + 1:03d}",
                    "name": f"{community.name[:-2]}{compound}{rng.choice(_GATES)}",
                    "community": community.id,
                    "risk": risk,
                    "demand": demand,
                }
            )
    sizes = _allocate(401, [rng.uniform(0.7, 1.3) for _ in _DISTRICT_UNITS])
    unit_ids = [f"u{index + 1:02d}" for index in range(len(_DISTRICT_UNITS))]
    people, duals = _people_of_units(ctx, unit_ids, _DISTRICT_UNITS, sizes, {"区卫健局": 0.2}, 0.4)
    away_share = [{"区卫健局": 0.35, "区应急管理局": 0.4}.get(name, 0.5) for name in _DISTRICT_UNITS]
    plans = _units(
        ctx,
        choices,
        unit_ids,
        list(_DISTRICT_UNITS),
        sizes,
        duals,
        away_share,
        schools=set(),
        make_up_office=_DISTRICT_UNITS.index("区税务局"),
    )
    # 205 street party members: about a quarter still at work elsewhere on weekdays.
    employed_share = rng.uniform(0.2, 0.3)
    street = ["employed" if rng.random() < employed_share else "street" for _ in range(205)]
    people += [(None, None, kind) for kind in street]
    need = _community_need(checkpoints, [community.id for community in communities], pattern.ids)
    drafts = _place(ctx, communities, [value + 2 for value in need], people, choices.shared_share)
    _fit_demand(ctx, choices, checkpoints, sum(1 for draft in drafts if not draft.part_time))
    _base_skills(ctx, drafts, {unit_ids[_DISTRICT_UNITS.index("区卫健局")]}, 0.5)
    _mark_vulnerable(ctx, drafts, 0.12 * choices.vulnerable_scale, {"street"})
    _mark_vulnerable(ctx, drafts, 0.01 * choices.vulnerable_scale, {"cadre", "employed"})
    for index in range(len(communities)):
        if any(c["community"] == communities[index].id and c["risk"] == "high" for c in checkpoints):
            _ensure_skill(ctx, drafts, index, "medical", 3)
    cadres = _cadre_dicts(
        ctx,
        choices,
        drafts,
        communities,
        {plan.id: plan for plan in plans},
        shift_weights={pattern.day: 0.6, pattern.night: 0.4},
        contact_share=0.5,
    )
    overrides = [
        {"community": communities[index].id, "shifts": [pattern.day], "count": 2}
        for index in sorted(rng.sample(range(len(communities)), 4))
    ]
    part = _Part(
        communities=[{"id": community.id, "name": community.name} for community in communities],
        checkpoints=checkpoints,
        units=[plan.as_dict() for plan in plans],
        cadres=cadres,
        standby_overrides=overrides,
    )
    return _assemble("丰南区社区防控下沉干部排班（生成实例）", choices, [part], _standby(choices, 1, overrides))


# --------------------------------------------------------------------------- subdistrict


def _subdistrict(ctx: _Context) -> dict[str, Any]:
    rng = ctx.rng
    choices = _choose(
        ctx, {"2x12": 0.6, "3x8": 0.2, "3x8+4": 0.2}, {True: (48, 60), False: (40, 48, 56)}, min_total=False
    )
    pattern = choices.pattern
    communities = [_Community(f"c{index + 1:02d}", name, True) for index, name in enumerate(_SUBDISTRICT_COMMUNITIES)]
    _chain(communities)
    screening = [choices.screening] if choices.screening is not None else []
    checkpoints: list[dict[str, Any]] = []
    for community in communities:
        stem = community.name[:-2]
        gates = [("正门", "high"), *((gate, "medium") for gate in rng.sample(("东门", "西门", "南门", "北门"), 3))]
        market = rng.randrange(1, 4) if choices.weekday_demand else None
        for position, (gate, risk) in enumerate(gates):
            demand = _subdistrict_demand(pattern, risk == "high")
            if position == market:
                # The gate by the market: one more in the day on weekends.
                demand = _more_on_weekdays(demand, pattern.day, WEEKEND)
            if risk == "high":
                demand = _more_on_dates(demand, pattern.day, screening)
            checkpoints.append(
                {
                    "id": f"k{len(checkpoints) + 1:03d}",
                    "name": f"{stem}小区{gate}",
                    "community": community.id,
                    "risk": risk,
                    "demand": demand,
                }
            )
    people: list[tuple[str | None, str | None, str]] = [(None, None, "officer")] * 44
    drafts = _place(ctx, communities, [1.0] * 5, people, choices.shared_share)
    _base_skills(ctx, drafts, set(), 0.9)
    _mark_vulnerable(ctx, drafts, 0.07 * choices.vulnerable_scale)
    for index in range(len(communities)):
        _ensure_skill(ctx, drafts, index, "medical", 2)
    cadres = _cadre_dicts(
        ctx,
        choices,
        drafts,
        communities,
        {},
        shift_weights={pattern.day: 0.6, pattern.night: 0.4},
        contact_share=0.8,
    )
    part = _Part(
        communities=[{"id": community.id, "name": community.name} for community in communities],
        checkpoints=checkpoints,
        units=[],
        cadres=cadres,
        standby_overrides=[],
    )
    return _assemble("黄寺湾街道社区防控排班（生成实例，人手不足）", choices, [part], _standby(choices, 1, []))


# --------------------------------------------------------------------------- entry point

_BUILDERS = {"town": _town, "district": _district, "subdistrict": _subdistrict}


def generate_instance(
    profile: str, seed: int, days: int, start: dt.date | None = None, *, towns: int | None = None
) -> dict[str, Any]:
    """A realistic instance of ``profile`` (see :data:`PROFILES`) as a JSON-ready dict.

    ``days`` is the horizon length (1 to 366), ``start`` its first day
    (default 2020-02-03, a Monday in the first weeks of the 2020 lockdown),
    ``towns`` the number of towns of a city (1 to :data:`MAX_TOWNS`, default
    :data:`DEFAULT_TOWNS`; only for ``city``). The same arguments always give
    the same dict.
    """
    if profile not in PROFILES:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    if not 1 <= days <= 366:
        raise ValueError(f"days must be between 1 and 366, not {days}")
    if towns is not None and profile != "city":
        raise ValueError("towns applies to the city profile only")
    count = DEFAULT_TOWNS if towns is None else towns
    if not 1 <= count <= MAX_TOWNS:
        raise ValueError(f"towns must be between 1 and {MAX_TOWNS}, not {count}")
    first = start if start is not None else DEFAULT_START
    ctx = _Context(rng=random.Random(f"{profile}:{seed}"), start=first, days=days)
    body = _city(ctx, count) if profile == "city" else _BUILDERS[profile](ctx)
    instance: dict[str, Any] = {
        "name": body.pop("name"),
        "horizon": {"start": _iso(first), "days": days, "timezone": "Asia/Shanghai"},
    }
    instance.update(body)
    return instance
