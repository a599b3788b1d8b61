"""Realistic instance generator, after the field figures of DESIGN.md section 1.

``generate_instance(profile, seed, days, start)`` returns a JSON-ready instance
dict (it validates with :func:`models.loading.parse_instance`). The output
depends on the arguments only: every random draw comes from one
``random.Random(seed)``, nothing reads the clock or global state.

Profiles:

``town`` (H town, rural)
    31 villages and 2 urban communities; about 100 checkpoints (rural ones at
    the main road entrance of a village and at hamlet entrances, urban ones at
    compound gates and street crossings) with a low / medium / high risk mix;
    360-430 cadres: about 85 % from 25 town units (mostly seconded, about 15 %
    dual-reporting) and about 54 without a unit (they live in the town but work
    elsewhere, and were home during the lockdown). Three 8-hour shifts: day
    08:00-16:00, evening 16:00-24:00, night 00:00-08:00 (a night shift; it
    belongs to the day it starts). Low-risk hamlet entrances are barred at
    night and staffed in the day, medium gates day and evening (night wanted,
    not required), high-risk main entrances around the clock with a
    ``medical`` cadre for temperature checks. Rules: 11 hours of rest, at most
    6 work days in a row, a day off in every 7, 48 hours a week, 3 nights a
    week and in a row, and a small minimum of duty hours (nobody registers and
    never serves). Dual cadres carry personal limits (their unit week of 45
    hours counts, so they serve mostly on weekends). Standby: one per
    community and shift, none at night in the villages, two in the day in the
    urban communities and everywhere on the screening day. Units have
    ``max_away``; the schools are closed for the first two weeks (opening
    postponed) and one office works a make-up Saturday.

``district`` (Fengnan, urban)
    21 urban communities, about 85 compound gates, each with a day pass
    (08:00-20:00) and a night pass (20:00-08:00, night); 401 cadres from 24
    district bureaus (60 % seconded, 40 % dual) plus 205 street party members
    without a unit (some still at work elsewhere: weekday busy periods; some
    older and vulnerable). 12 hours of rest, 48 duty hours a week. Meant to
    be coverable.

``subdistrict`` (Huangsiwan, short-handed)
    5 communities, 44 community officers (about 8 to 9 per community), no
    units, four gates per community with day and night passes (12 hours).
    The minimum demand (45 cadre-shifts a day) is above what 44 officers can
    give under the rules (at most 6 shifts in every 7 days each, about 38 a
    day): the roster must show shortfalls with reasons. A few older officers
    are vulnerable (never at the high-risk main gate).

Every profile has skills (``medical``, ``driver``, ``dialect``), a few
vulnerable cadres, unavailable days (some whole days, some single shifts, a
few cadres in home quarantine for the whole horizon), busy periods, on/off
requests with weights, three days of history before the start and fake phone
numbers (``138-0000-0001``) in ``contact`` for part of the cadres.
Ids are ASCII: communities ``c01``, checkpoints ``k001``, units ``u01``,
cadres ``p0001``; names are Simplified Chinese.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from typing import Any

__all__ = ["PROFILES", "DEFAULT_START", "generate_instance"]

PROFILES: dict[str, str] = {
    "town": "H town: 31 villages + 2 urban communities, ~100 checkpoints, 360-430 cadres from ~25 units "
    "(seconded, dual, no unit), three 8-hour shifts",
    "district": "Fengnan district: 21 communities, ~85 gates with day and night passes, 401 cadres from "
    "24 units + 205 street party members",
    "subdistrict": "Huangsiwan sub-district: 5 communities, 44 community officers, no units; demand above "
    "capacity on purpose (shortfalls)",
}

DEFAULT_START = dt.date(2020, 2, 3)
HISTORY_DAYS = 3
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

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
# fmt: on


# --------------------------------------------------------------------------- helpers


@dataclass
class _Context:
    rng: random.Random
    start: dt.date
    days: int
    shift_ids: list[str]
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


def _allocate(total: int, weights: list[float]) -> list[int]:
    """Split ``total`` into integers proportional to ``weights`` (largest remainder)."""
    whole = sum(weights)
    exact = [total * weight / whole for weight in weights]
    counts = [math.floor(value) for value in exact]
    order = sorted(range(len(weights)), key=lambda index: (counts[index] - exact[index], index))
    for index in order[: total - sum(counts)]:
        counts[index] += 1
    return counts


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


# --------------------------------------------------------------------------- cadre details


def _ensure_skill(ctx: _Context, drafts: list[_CadreDraft], community: int, skill: str, wanted: int) -> None:
    """At least ``wanted`` non-vulnerable, non-dual cadres based in ``community`` hold ``skill``."""
    pool = [d for d in drafts if d.community == community and not d.vulnerable and d.mode != "dual"]
    holders = [d for d in pool if skill in d.skills]
    others = [d for d in pool if skill not in d.skills]
    ctx.rng.shuffle(others)
    for draft in others[: max(0, wanted - len(holders))]:
        draft.skills.append(skill)


def _unavailable(ctx: _Context, draft: _CadreDraft, roll: float) -> list[dict[str, Any]]:
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


def _requests(ctx: _Context, draft: _CadreDraft) -> list[dict[str, Any]]:
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


def _job_hours(ctx: _Context) -> list[dict[str, Any]]:
    """Weekday working hours 09:00-17:00 of someone still employed elsewhere (no unit in the file).

    They reach 6 days back (the first 7-day windows look there) and 2 days past the
    horizon (rest before the next working day).
    """
    busy = []
    for offset in range(-6, ctx.days + 2):
        day = ctx.start + dt.timedelta(days=offset)
        if day.weekday() < 5:
            busy.append({"start": f"{_iso(day)}T09:00", "end": f"{_iso(day)}T17:00"})
    return busy


def _history(
    ctx: _Context,
    draft: _CadreDraft,
    shift_weights: dict[str, float],
    weekend_shift: str,
    max_nights_in_row: int,
) -> list[dict[str, Any]]:
    """Shifts worked in the last days before the start, consistent with the rules.

    One shift kind per cadre (so rest holds between consecutive days); nights
    never longer in a row than the rule allows; a dual cadre only served on a
    weekend day before the start (one at most), and so did someone still
    employed elsewhere.
    """
    rng = ctx.rng
    before = [ctx.start - dt.timedelta(days=offset) for offset in range(HISTORY_DAYS, 0, -1)]
    if draft.mode == "dual" or draft.kind == "employed":
        weekend = [day for day in before if day.weekday() >= 5]
        if weekend and rng.random() < 0.4:
            return [{"date": _iso(rng.choice(weekend)), "shift": weekend_shift}]
        return []
    if rng.random() < 0.2:
        return []
    shift = rng.choices(list(shift_weights), weights=list(shift_weights.values()))[0]
    worked = [day for day in before if rng.random() < 0.7]
    night = shift == "night"
    history = []
    run = 0
    previous: dt.date | None = None
    for day in worked:
        run = run + 1 if previous is not None and (day - previous).days == 1 else 1
        if night and run > max_nights_in_row:
            previous = None
            run = 0
            continue
        previous = day
        entry: dict[str, Any] = {"date": _iso(day), "shift": shift}
        if rng.random() < 0.1:
            entry["kind"] = "standby"
        history.append(entry)
    return history


def _cadre_dicts(
    ctx: _Context,
    drafts: list[_CadreDraft],
    communities: list[_Community],
    *,
    shift_weights: dict[str, float],
    weekend_shift: str,
    max_nights_in_row: int,
    dual_limits: dict[str, Any] | None,
    contact_share: float,
) -> list[dict[str, Any]]:
    rng = ctx.rng
    cadres = []
    for number, draft in enumerate(drafts, start=1):
        cadre: dict[str, Any] = {"id": draft.id, "name": draft.name, "unit": draft.unit}
        if draft.mode is not None:
            cadre["mode"] = draft.mode
        cadre["communities"] = [communities[index].id for index in draft.communities]
        if draft.skills:
            cadre["skills"] = sorted(draft.skills)
        if draft.vulnerable:
            cadre["vulnerable"] = True
        unavailable = _unavailable(ctx, draft, rng.random())
        if unavailable:
            cadre["unavailable"] = unavailable
        if draft.kind == "employed":
            cadre["busy"] = _job_hours(ctx)
        elif draft.mode != "dual" and rng.random() < 0.05 and ctx.days > 1:
            cadre["busy"] = _meeting(ctx)
        requests = _requests(ctx, draft)
        if requests:
            cadre["requests"] = requests
        if draft.mode == "dual" and dual_limits is not None:
            cadre["limits"] = dict(dual_limits)
        history = _history(ctx, draft, shift_weights, weekend_shift, max_nights_in_row)
        if history:
            cadre["history"] = history
        if rng.random() < contact_share:
            cadre["contact"] = f"138-0000-{number:04d}"
        cadres.append(cadre)
    return cadres


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


_PART_TIME = ("dual", "employed")


def _place(
    ctx: _Context,
    communities: list[_Community],
    weights: list[float],
    people: list[tuple[str | None, str | None, str]],
    neighbour_share: float,
) -> list[_CadreDraft]:
    """Give every person (unit, mode, kind) a home community and maybe a neighbour.

    Full-time people (seconded, without a unit) and part-time people (dual,
    still employed elsewhere) are each spread over the communities in
    proportion to ``weights`` (the community's need), so that no community
    gets only part-timers.
    """
    rng = ctx.rng
    homes: list[int] = [0] * len(people)
    for part_time in (False, True):
        members = [
            index
            for index, (_, mode, kind) in enumerate(people)
            if (mode in _PART_TIME or kind in _PART_TIME) == part_time
        ]
        if not members:
            continue
        scattered = [position for position, index in enumerate(members) if people[index][0] is None]
        quotas = _allocate(len(members), weights)
        for index, home in zip(members, _homes(rng, quotas, len(members), scattered), strict=True):
            homes[index] = home
    drafts = []
    for number, ((unit, mode, kind), home) in enumerate(zip(people, homes, strict=True), start=1):
        served = [home]
        neighbours = communities[home].neighbours
        if neighbours and rng.random() < neighbour_share:
            served.append(rng.choice(neighbours))
        drafts.append(
            _CadreDraft(
                id=f"p{number:04d}",
                name=ctx.person_name(),
                unit=unit,
                mode=mode,
                community=home,
                communities=served,
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


def _units(
    ctx: _Context,
    names: tuple[str, ...],
    sizes: list[int],
    dual_counts: list[int],
    max_away_share: dict[str, float],
) -> list[dict[str, Any]]:
    units = []
    for index, (name, size) in enumerate(zip(names, sizes, strict=True)):
        share = max_away_share.get(name, 0.5)
        unit: dict[str, Any] = {
            "id": f"u{index + 1:02d}",
            "name": name,
            "workdays": ["mon", "tue", "wed", "thu", "fri"],
            "hours": {"start": "08:30", "end": "17:30"},
            "max_away": max(1, math.ceil(size * share)) + (1 if dual_counts[index] else 0),
        }
        units.append(unit)
    return units


def _people_of_units(
    ctx: _Context, units: list[dict[str, Any]], sizes: list[int], dual_share: dict[str, float], default_dual: float
) -> tuple[list[tuple[str | None, str | None, str]], list[int]]:
    people: list[tuple[str | None, str | None, str]] = []
    duals = []
    for unit, size in zip(units, sizes, strict=True):
        share = dual_share.get(unit["name"], default_dual)
        dual_count = round(size * share)
        modes = ["dual"] * dual_count + ["seconded"] * (size - dual_count)
        ctx.rng.shuffle(modes)
        people.extend((unit["id"], mode, "cadre") for mode in modes)
        duals.append(dual_count)
    return people, duals


# --------------------------------------------------------------------------- town


def _town(ctx: _Context) -> dict[str, Any]:
    rng = ctx.rng
    dates = ctx.dates
    shifts = [
        {"id": "day", "name": "白班", "start": "08:00", "end": "16:00"},
        {"id": "evening", "name": "晚班", "start": "16:00", "end": "00:00"},
        {"id": "night", "name": "夜班", "start": "00:00", "end": "08:00", "night": True},
    ]
    village_names = rng.sample(_VILLAGES, 31)
    communities = [_Community(f"c{index + 1:02d}", name, False) for index, name in enumerate(village_names)]
    communities += [_Community(f"c{32 + index:02d}", name, True) for index, name in enumerate(_TOWN_URBAN)]
    for index in range(31):  # villages along the valley road: neighbours are the previous and next village
        communities[index].neighbours = [other for other in (index - 1, index + 1) if 0 <= other < 31]
    communities[31].neighbours = [32]
    communities[32].neighbours = [31]

    # Delivery days in the urban compounds (group buying, 团购配送): every third day, one more at the gate.
    delivery_days = [day for offset, day in enumerate(dates) if offset % 3 == 1]
    extra = [0] * 31
    for _ in range(rng.randint(20, 24)):
        candidates = [index for index in range(31) if extra[index] < 2]
        extra[rng.choice(candidates)] += 1
    checkpoints: list[dict[str, Any]] = []

    def add(community: _Community, name: str, risk: str, demand: list[dict[str, Any]]) -> None:
        checkpoints.append(
            {
                "id": f"k{len(checkpoints) + 1:03d}",
                "name": name,
                "community": community.id,
                "risk": risk,
                "demand": demand,
            }
        )

    for index, village in enumerate(communities[:31]):
        # Main entrance on the county road: high risk when it is on the main road (returnees from outside).
        main_risk = "high" if rng.random() < 0.3 else "medium"
        add(village, f"{village.name}主路口", main_risk, _town_demand(main_risk, rng, rural=True))
        second_risk = "medium" if rng.random() < 0.5 else "low"
        direction = rng.choice(("东口", "西口", "南口", "北口"))
        add(village, f"{village.name}{direction}", second_risk, _town_demand(second_risk, rng, rural=True))
        for hamlet in rng.sample(_HAMLETS, extra[index]):
            add(village, f"{village.name}{hamlet}组路口", "low", _town_demand("low", rng, rural=True))
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
            demand = _town_demand(risk, rng, rural=False)
            if not street and risk != "high" and delivery_days:
                base = demand[0]
                demand.append(_rule(["day"], base["min"] + 1, base["target"] + 1, dates=delivery_days))
            add(community, name, risk, demand)

    # Standby: one per community and shift; villages keep none at night, the urban
    # communities two in the day and one at night, and two everywhere on the screening day.
    screening = dates[min(2, len(dates) - 1)]
    overrides: list[dict[str, Any]] = [{"shifts": ["night"], "count": 0}]
    for community in communities[31:]:
        overrides.append({"community": community.id, "shifts": ["day"], "count": 2})
        overrides.append({"community": community.id, "shifts": ["night"], "count": 1})
    overrides.append({"shifts": ["day"], "dates": [_iso(screening)], "count": 2})
    standby_per_day = [2 + (2 if community.urban else 0) for community in communities]

    # Cadres: 360-430, of them about 54 without a unit, the rest from 25 units.
    total = rng.randint(400, 428)
    no_unit = rng.randint(48, 58)
    unit_weights = [rng.uniform(0.6, 1.4) for _ in _TOWN_UNITS]
    for heavy in ("镇党政办", "镇卫生院", "镇中心小学", "镇初级中学", "镇派出所"):
        unit_weights[_TOWN_UNITS.index(heavy)] *= 1.6
    sizes = _allocate(total - no_unit, unit_weights)
    dual_share = {"镇卫生院": 0.3, "镇派出所": 0.3, "镇供电所": 0.25, "镇中心小学": 0.25, "镇初级中学": 0.25}
    unit_stubs = [{"id": f"u{index + 1:02d}", "name": name} for index, name in enumerate(_TOWN_UNITS)]
    people, duals = _people_of_units(ctx, unit_stubs, sizes, dual_share, 0.12)
    units = _units(ctx, _TOWN_UNITS, sizes, duals, {"镇卫生院": 0.4, "镇派出所": 0.4})
    # Schools: opening postponed, closed for the first two weeks; one office works a make-up Saturday.
    for name in ("镇中心小学", "镇初级中学"):
        unit = units[_TOWN_UNITS.index(name)]
        closed = [_iso(day) for day in dates[:14] if day.weekday() < 5]
        if closed:
            unit["closed_dates"] = closed
    saturdays = [day for day in dates[7:] if day.weekday() == 5]
    if saturdays:
        units[_TOWN_UNITS.index("镇税务分局")]["extra_workdays"] = [_iso(saturdays[0])]
    people += [(None, None, "villager")] * no_unit
    need = _community_need(checkpoints, [community.id for community in communities], ["day", "evening", "night"])
    weights = [need[index] + standby_per_day[index] for index in range(len(communities))]
    drafts = _place(ctx, communities, weights, people, 0.3)
    _base_skills(ctx, drafts, {units[_TOWN_UNITS.index("镇卫生院")]["id"]}, 0.6)
    _mark_vulnerable(ctx, drafts, 0.03)
    for index in range(len(communities)):
        ids = [c["id"] for c in checkpoints if c["community"] == communities[index].id and c["risk"] == "high"]
        if ids:
            _ensure_skill(ctx, drafts, index, "medical", 3)
            _ensure_skill(ctx, drafts, index, "dialect", 3)

    weeks = ctx.days // 7
    rules: dict[str, Any] = {
        "min_rest_hours": 11,
        "max_hours_per_day": 12,
        "max_duty_shifts_per_day": 1,
        "max_consecutive_work_days": 6,
        "min_days_off_per_7_days": 1,
        "max_hours_per_7_days": 48,
        "max_duty_hours_per_7_days": 48,
        "max_night_shifts_per_7_days": 3,
        "max_consecutive_nights": 3,
        "min_total_hours": 8 * weeks if weeks else None,
        "forbidden_successions": [["evening", "day"]],
    }
    dual_limits = {
        # 45 unit hours a week + one 8-hour duty; no minimum (they serve when their week allows).
        "max_hours_per_7_days": 56,
        "max_duty_hours_per_7_days": 16,
        "min_total_hours": None,
    }
    cadres = _cadre_dicts(
        ctx,
        drafts,
        communities,
        shift_weights={"day": 0.4, "evening": 0.35, "night": 0.25},
        weekend_shift="day",
        max_nights_in_row=3,
        dual_limits=dual_limits,
        contact_share=0.6,
    )
    return {
        "name": "H镇疫情防控下沉干部排班（生成实例）",
        "shifts": shifts,
        "communities": [{"id": community.id, "name": community.name} for community in communities],
        "checkpoints": checkpoints,
        "units": units,
        "cadres": cadres,
        "rules": rules,
        "standby": {"per_community": 1, "overrides": overrides, "load_factor": 0.25},
        "objective": {"mode": "lexicographic", "weights": {"requests": 1, "continuity": 1}},
    }


def _town_demand(risk: str, rng: random.Random, *, rural: bool) -> list[dict[str, Any]]:
    """Demand rules of one town checkpoint by risk (undated; never two rules on one shift)."""
    if risk == "high":
        skills = {"medical": 1, "dialect": 1} if rural else {"medical": 1}
        return [
            _rule(["day"], 2, 3, skills=skills),
            _rule(["evening"], 1, 2),
            _rule(["night"], 1, 2),
        ]
    if risk == "medium":
        rules = [_rule(["day"], 1, 2), _rule(["evening"], 1, 1), _rule(["night"], 0, 1, under_weight=0.5)]
        if not rural and rng.random() < 0.5:
            # Busy on weekends (shopping streets): the weekend day shift wants one more.
            rules[0] = _rule(["day"], 1, 2, weekdays=["mon", "tue", "wed", "thu", "fri"])
            rules.insert(1, _rule(["day"], 2, 2, weekdays=["sat", "sun"]))
        return rules
    # Low risk: a hamlet entrance, barred at night; one in the day, an evening wanted.
    return [_rule(["day"], 1, 1, maximum=2), _rule(["evening"], 0, 1, maximum=2, under_weight=0.5)]


# --------------------------------------------------------------------------- district


def _district(ctx: _Context) -> dict[str, Any]:
    rng = ctx.rng
    shifts = [
        {"id": "day", "name": "白班", "start": "08:00", "end": "20:00"},
        {"id": "night", "name": "夜班", "start": "20:00", "end": "08:00", "night": True},
    ]
    communities = [_Community(f"c{index + 1:02d}", name, True) for index, name in enumerate(_DISTRICT_COMMUNITIES)]
    for index in range(len(communities)):
        communities[index].neighbours = [other for other in (index - 1, index + 1) if 0 <= other < len(communities)]
    gate_counts = [4] * len(communities)
    for index in rng.sample(range(len(communities)), 5):
        gate_counts[index] += 1
    for index in rng.sample(range(len(communities)), 3):
        gate_counts[index] -= 1
    checkpoints: list[dict[str, Any]] = []
    for community, count in zip(communities, gate_counts, strict=True):
        compounds = rng.sample(_COMPOUNDS, count)
        for position, compound in enumerate(compounds):
            if compound in ("菜市场", "商业街") or (position == 0 and rng.random() < 0.4):
                risk = "high"
            else:
                risk = rng.choice(("low", "medium", "medium", "medium"))
            if risk == "high":
                demand = [_rule(["day"], 2, 3, skills={"medical": 1}), _rule(["night"], 1, 2)]
            elif risk == "medium":
                demand = [_rule(["day"], 1, 2), _rule(["night"], 1, 1)]
            else:
                demand = [_rule(["day"], 1, 1, maximum=2), _rule(["night"], 1, 1, maximum=1)]
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
    unit_stubs = [{"id": f"u{index + 1:02d}", "name": name} for index, name in enumerate(_DISTRICT_UNITS)]
    people, duals = _people_of_units(ctx, unit_stubs, sizes, {"区卫健局": 0.2}, 0.4)
    units = _units(ctx, _DISTRICT_UNITS, sizes, duals, {"区卫健局": 0.35, "区应急管理局": 0.4})
    # 205 street party members: about a quarter still at work elsewhere on weekdays.
    street = ["employed" if rng.random() < 0.25 else "street" for _ in range(205)]
    people += [(None, None, kind) for kind in street]
    need = _community_need(checkpoints, [community.id for community in communities], ["day", "night"])
    drafts = _place(ctx, communities, [value + 2 for value in need], people, 0.25)
    _base_skills(ctx, drafts, {units[_DISTRICT_UNITS.index("区卫健局")]["id"]}, 0.5)
    _mark_vulnerable(ctx, drafts, 0.12, {"street"})
    _mark_vulnerable(ctx, drafts, 0.01, {"cadre", "employed"})
    for index in range(len(communities)):
        if any(c["community"] == communities[index].id and c["risk"] == "high" for c in checkpoints):
            _ensure_skill(ctx, drafts, index, "medical", 3)
    rules = {
        "min_rest_hours": 12,
        "max_hours_per_day": 12,
        "max_consecutive_work_days": 6,
        "min_days_off_per_7_days": 1,
        "max_hours_per_7_days": 56,
        "max_duty_hours_per_7_days": 48,
        "max_night_shifts_per_7_days": 3,
        "max_consecutive_nights": 2,
    }
    dual_limits = {"max_hours_per_7_days": 60, "max_duty_hours_per_7_days": 24}
    cadres = _cadre_dicts(
        ctx,
        drafts,
        communities,
        shift_weights={"day": 0.6, "night": 0.4},
        weekend_shift="day",
        max_nights_in_row=2,
        dual_limits=dual_limits,
        contact_share=0.5,
    )
    overrides = [
        {"community": communities[index].id, "shifts": ["day"], "count": 2}
        for index in sorted(rng.sample(range(len(communities)), 4))
    ]
    return {
        "name": "丰南区社区防控下沉干部排班（生成实例）",
        "shifts": shifts,
        "communities": [{"id": community.id, "name": community.name} for community in communities],
        "checkpoints": checkpoints,
        "units": units,
        "cadres": cadres,
        "rules": rules,
        "standby": {"per_community": 1, "overrides": overrides, "load_factor": 0.25},
    }


# --------------------------------------------------------------------------- subdistrict


def _subdistrict(ctx: _Context) -> dict[str, Any]:
    rng = ctx.rng
    shifts = [
        {"id": "day", "name": "白班", "start": "08:00", "end": "20:00"},
        {"id": "night", "name": "夜班", "start": "20:00", "end": "08:00", "night": True},
    ]
    communities = [_Community(f"c{index + 1:02d}", name, True) for index, name in enumerate(_SUBDISTRICT_COMMUNITIES)]
    for index in range(len(communities)):
        communities[index].neighbours = [other for other in (index - 1, index + 1) if 0 <= other < len(communities)]
    checkpoints: list[dict[str, Any]] = []
    for community in communities:
        stem = community.name[:-2]
        gates = [("正门", "high"), *((gate, "medium") for gate in rng.sample(("东门", "西门", "南门", "北门"), 3))]
        for gate, risk in gates:
            if risk == "high":
                # Main gate: two in the day (one registers, one takes temperatures), one at night.
                demand = [_rule(["day"], 2, 2, skills={"medical": 1}), _rule(["night"], 1, 1)]
            else:
                demand = [_rule(["day"], 1, 2), _rule(["night"], 1, 1)]
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
    drafts = _place(ctx, communities, [1.0] * 5, people, 0.15)
    _base_skills(ctx, drafts, set(), 0.9)
    _mark_vulnerable(ctx, drafts, 0.07)
    for index in range(len(communities)):
        _ensure_skill(ctx, drafts, index, "medical", 2)
    rules = {
        "min_rest_hours": 12,
        "max_hours_per_day": 12,
        "max_consecutive_work_days": 6,
        "min_days_off_per_7_days": 1,
        "max_duty_hours_per_7_days": 60,
        "max_night_shifts_per_7_days": 3,
        "max_consecutive_nights": 2,
    }
    cadres = _cadre_dicts(
        ctx,
        drafts,
        communities,
        shift_weights={"day": 0.6, "night": 0.4},
        weekend_shift="day",
        max_nights_in_row=2,
        dual_limits=None,
        contact_share=0.8,
    )
    return {
        "name": "黄寺湾街道社区防控排班（生成实例，人手不足）",
        "shifts": shifts,
        "communities": [{"id": community.id, "name": community.name} for community in communities],
        "checkpoints": checkpoints,
        "units": [],
        "cadres": cadres,
        "rules": rules,
        "standby": {"per_community": 1, "load_factor": 0.25},
    }


# --------------------------------------------------------------------------- entry point

_BUILDERS = {"town": _town, "district": _district, "subdistrict": _subdistrict}
_SHIFT_IDS = {"town": ["day", "evening", "night"], "district": ["day", "night"], "subdistrict": ["day", "night"]}


def generate_instance(profile: str, seed: int, days: int, start: dt.date | None = None) -> dict[str, Any]:
    """A realistic instance of ``profile`` (see :data:`PROFILES`) as a JSON-ready dict.

    ``days`` is the horizon length (1 to 366), ``start`` its first day
    (default 2020-02-03, a Monday in the first weeks of the 2020 lockdown).
    The same arguments always give the same dict.
    """
    if profile not in _BUILDERS:
        raise ValueError(f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    if not 1 <= days <= 366:
        raise ValueError(f"days must be between 1 and 366, not {days}")
    first = start if start is not None else DEFAULT_START
    ctx = _Context(rng=random.Random(f"{profile}:{seed}"), start=first, days=days, shift_ids=_SHIFT_IDS[profile])
    body = _BUILDERS[profile](ctx)
    instance: dict[str, Any] = {
        "name": body.pop("name"),
        "horizon": {"start": _iso(first), "days": days, "timezone": "Asia/Shanghai"},
    }
    instance.update(body)
    return instance
