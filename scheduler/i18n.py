"""What people read, in English and Simplified Chinese. Ids, field names and JSON keys stay as they are."""

from __future__ import annotations

import locale
import os

MESSAGES: dict[str, dict[str, str]] = {
    "en": {
        "invalid_input": "{source}: {count} problem(s); nothing was written:",
        "warning": "warning",
        "valid": "{source} is valid: {cadres} cadres, {checkpoints} checkpoints, {days} days, {warnings} warning(s)",
        "status": "status: {status} ({seconds} s)",
        "objective": "objective ({mode}):",
        "bound": "bound",
        "parts": "parts",
        "coverage": "coverage: minimum {minimum:.1f} % (persons {persons:.1f} %, skills {skills:.1f} %), "
        "standby {standby:.1f} %, target {target:.1f} %",
        "gini": "load Gini by group",
        "shortfalls": "shortfalls: {count} checkpoint shifts, {standby} standby shifts",
        "more": "more",
        "wrote": "wrote {path}",
        "internal_error": "internal error: the solver's roster fails the independent check",
        "check_failed": "check failed: {count} problem(s)",
        "check_ok": "roster passes every check ({assignments} duties, {standby} standby)",
        "optimal": "optimal",
        "feasible": "feasible",
        "infeasible": "infeasible",
        "unknown": "unknown",
        "skipped": "skipped",
        "interrupted_early": "interrupted while the model was being built; nothing was written",
        "interrupted": "interrupted: this is the best roster found so far",
        "no_roster": "no roster was found in the time given; try a longer --time-limit",
        # capacity bound and `schedule explain` (issue 24)
        "capacity_short": "capacity: at least {short} of the {demand} minimum cadre-shifts {where} must go "
        "uncovered: under the rules (one duty a day, work days and days off, hours, nights, rest, unit hours, "
        "unavailability) its cadres can give at most {bound}",
        "capacity_community": "of community {communities}",
        "capacity_shared": "of communities {communities} together (a cadre shared among them counted once)",
        "capacity_night": "on night shifts of {communities}",
        "capacity_skill": "needing skill {skill} in {communities}",
    },
    "zh": {
        "invalid_input": "{source}：发现 {count} 个问题，未写出任何文件：",
        "warning": "警告",
        "valid": "{source} 有效：{cadres} 名干部，{checkpoints} 个卡口，{days} 天，{warnings} 条警告",
        "status": "状态：{status}（{seconds} 秒）",
        "objective": "目标（{mode}）：",
        "bound": "界",
        "parts": "各项",
        "coverage": "覆盖率：最低需求 {minimum:.1f} %（人数 {persons:.1f} %，技能 {skills:.1f} %），"
        "候补 {standby:.1f} %，目标 {target:.1f} %",
        "gini": "各组负荷基尼系数",
        "shortfalls": "缺口：{count} 个卡口班次，{standby} 个候补班次",
        "more": "条未列出",
        "wrote": "已写出 {path}",
        "internal_error": "内部错误：求解结果未通过独立检查",
        "check_failed": "检查未通过：{count} 个问题",
        "check_ok": "排班表通过全部检查（{assignments} 个值班，{standby} 个候补）",
        "optimal": "最优",
        "feasible": "可行",
        "infeasible": "不可行",
        "unknown": "未知",
        "skipped": "跳过",
        "interrupted_early": "在建立模型时被中断，未写出任何文件",
        "interrupted": "已中断：以下为目前找到的最佳排班",
        "no_roster": "在给定时间内未找到排班，请加大 --time-limit",
        # capacity bound and `schedule explain` (issue 24)
        "capacity_short": "人力上限：{where}的 {demand} 个最低需求人次中，至少有 {short} 个无法覆盖："
        "在各项规则下（每天一班、连续工作与休息日、工时、夜班、休息间隔、单位工作时间、不可用日期），"
        "干部最多能提供 {bound} 个",
        "capacity_community": "社区 {communities} ",
        "capacity_shared": "社区 {communities} 合计（跨社区干部只计一次）",
        "capacity_night": "{communities} 的夜班",
        "capacity_skill": "{communities} 需要技能 {skill} ",
    },
}


def default_language() -> str:
    """zh when the locale is Chinese, else en."""
    for variable in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(variable)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    current = locale.getlocale()[0] or ""
    return "zh" if current.lower().startswith("zh") else "en"


def text(lang: str, key: str, **values: object) -> str:
    table = MESSAGES.get(lang, MESSAGES["en"])
    template = table.get(key) or MESSAGES["en"].get(key, key)
    return template.format(**values)
