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
        # schedule repair, schedule suggest (DESIGN.md section 7)
        "repair_overwrite": "{path} is an input file: a repair never overwrites its inputs; choose another path",
        "repair_same_outputs": "--output and --instance-out name the same file",
        "repair_none": "no repaired roster",
        "repair_free": "off",
        "repair_duty": "duty at {checkpoint}",
        "repair_standby": "standby for {community}",
        "repair_summary": "repaired in {seconds} s: {changes} change(s), {forced} forced by the events "
        "(shifts their cadres can no longer hold), {budgeted} made by the repair",
        "repair_budget": "changes against the budget: {used} of max_changes {budget}",
        "repair_budget_cost": "the budget held coverage back: minimum shortfall {now} with it, {better} with more "
        "changes allowed",
        "repair_budget_free": "the budget cost no coverage: more changes would have bought nothing",
        "repair_called": "standby called to duty: {count}",
        "repair_now_where": "now on duty elsewhere or newly on duty: {count}",
        "repair_removed": "duties or standby removed: {count}",
        "repair_gaps": "gaps from today on: {count} checkpoint shift(s) below minimum ({new} new)",
        "repair_within_notice": "(inside the notice window: only standby calls and additions up to the minimum)",
        "suggest_for": "{what}: {count} candidate(s), best first",
        "suggest_kind_free": "free cadre",
        "suggest_kind_standby": "call standby",
        "suggest_kind_swap": "swap",
        "suggest_cost": "cost",
        "suggest_cannot": "cannot ({count}):",
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
        # schedule repair, schedule suggest (DESIGN.md section 7)
        "repair_overwrite": "{path} 是输入文件：修补从不覆盖输入，请换一个路径",
        "repair_same_outputs": "--output 与 --instance-out 指向同一个文件",
        "repair_none": "没有可行的修补排班",
        "repair_free": "休息",
        "repair_duty": "在 {checkpoint} 值班",
        "repair_standby": "为 {community} 候补",
        "repair_summary": "修补用时 {seconds} 秒：共 {changes} 处变动，其中 {forced} 处由事件造成"
        "（干部已无法承担的班次），{budgeted} 处由修补作出",
        "repair_budget": "变动预算：已用 {used}，max_changes 为 {budget}",
        "repair_budget_cost": "预算限制了覆盖：有预算时最低需求缺口为 {now}，允许更多变动时为 {better}",
        "repair_budget_free": "预算未影响覆盖：更多变动也无济于事",
        "repair_called": "调用候补上岗：{count} 人次",
        "repair_now_where": "改到别处值班或新增值班：{count} 人次",
        "repair_removed": "取消的值班或候补：{count} 处",
        "repair_gaps": "今天起的缺口：{count} 个卡口班次低于最低需求（新增 {new} 个）",
        "repair_within_notice": "（在通知期内：只能调用候补或补足到最低需求）",
        "suggest_for": "{what}：{count} 个人选，按优先排列",
        "suggest_kind_free": "空闲干部",
        "suggest_kind_standby": "调用候补",
        "suggest_kind_swap": "对调",
        "suggest_cost": "代价",
        "suggest_cannot": "不能承担（{count} 人）：",
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
