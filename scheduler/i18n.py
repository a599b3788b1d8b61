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
        "gap": "gap",
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
        "cost_load": "load {load} against the group mean {mean} ({share} %; weighted duty minutes per available day)",
        "cost_rest_before": "rest before {hours} h",
        "cost_rest_after": "rest after {hours} h",
        "cost_week_left": "{hours} h left in the busiest 7 days",
        "cost_continuity": "{count} duties there before",
        "cost_new_checkpoint": "new to this checkpoint",
        "cost_skills": "brings {skills}",
        "cost_separator": "; ",
        "move_from_off": "{cadre}: off -> duty at {to}",
        "move_from_standby": "{cadre}: standby for {place} -> duty at {to} (called)",
        "move_from_duty": "{cadre}: duty at {place} -> duty at {to}",
        # capacity bound and `schedule explain` (issue 24)
        "capacity_short": "capacity: at least {short} of the {demand} minimum cadre-shifts {where} must go "
        "uncovered: under the rules (one duty a day, work days and days off, hours, nights, rest, unit hours, "
        "unavailability) its cadres can give at most {bound}",
        "capacity_community": "of community {communities}",
        "capacity_shared": "of communities {communities} together (a cadre shared among them counted once)",
        "capacity_night": "on night shifts of {communities}",
        "capacity_skill": "needing skill {skill} in {communities}",
        "explain_nothing": "the whole minimum is covered: nothing to explain",
        "explain_before": "minimum coverage {coverage:.1f} %: {uncovered} of {demand} minimum cadre-shifts and skill "
        "places uncovered, {shortfalls} checkpoint shifts short",
        "explain_bound": "capacity bound: the cadres can give at most {bound} of the {demand} minimum cadre-shifts, so "
        "at least {short} stay uncovered whatever the roster",
        "explain_rules": "what binds, rules: lifting {rules} for everybody lets the whole minimum be covered "
        "(no smaller set of these families does)",
        "explain_rules_none": "what binds, rules: lifting every rule family still leaves the minimum uncovered; more "
        "cadres or a lower minimum are needed",
        "explain_communities": "what binds, communities: without the minimum of {communities} the rest is covered",
        "explain_fixes": "fixes, smallest first, each verified by solving the changed instance:",
        "explain_no_fixes": "no fix could be verified in the time given; try a longer --time-limit",
        "explain_fix": "{index}. {what}: the solve covers {coverage:.1f} % of the minimum{whole} ({seconds} s)",
        "explain_whole": ", all of it",
        "explain_note": "note: {note}",
        "explain_seconds": "explained in {seconds} s",
        "fix_add": "{count} cadre(s) to {community}",
        "fix_add_skills": "{count} cadre(s) with skill {skills} to {community}",
        "fix_add_cadres": "add {parts}",
        "fix_share": "let the {count} cadre(s) of {source} also serve {target}",
        "fix_lift": "lift {rule} from {old} to {new} for {count} cadre(s): {names}",
        "fix_lower": "lower the minimum at {places}",
        "fix_lower_place": "{checkpoint} shift {shift} by {by}",
        "fix_more": "and {count} more",
        "explain_applied": "applied fix {index} ({what}) and wrote {path}",
        "explain_no_such_fix": "there is no fix {index}: {count} fix(es) were found; nothing was written",
        "explain_same_file": "-o must not be the input file: the instance is never overwritten",
        "explain_roster_breaks": "the roster breaks rules ({message}); check it with schedule check",
        "why_title": "Why not covered",
        "why_room": "The capacity bound finds room for the whole minimum: these shortfalls come from the roster, "
        "not from too few cadres. A longer solve, or schedule explain, may cover them.",
        "why_source_bound": "From the capacity bound (an upper bound on what the cadres can give under the rules; "
        "estimates, not verified).",
        "why_source_explain": "From schedule explain: every fix below was verified by solving the changed instance.",
        "why_place": "Where",
        "why_minimum": "Minimum asked",
        "why_bound": "At most coverable",
        "why_short": "Uncovered at least",
        "why_estimate": "First fix, estimated by the bound: {what}.",
        "why_verify": "Run schedule explain on this instance for what binds and fixes verified by solving.",
        "explain_infeasible": "no roster exists at all: minimum hours (min_total_hours) that no roster can give; "
        "the roster's conflicts name the cadres",
    },
    "zh": {
        "invalid_input": "{source}：发现 {count} 个问题，未写出任何文件：",
        "warning": "警告",
        "valid": "{source} 有效：{cadres} 名干部，{checkpoints} 个卡口，{days} 天，{warnings} 条警告",
        "status": "状态：{status}（{seconds} 秒）",
        "objective": "目标（{mode}）：",
        "bound": "界",
        "gap": "差距",
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
        "cost_load": "负荷 {load}，组内平均 {mean}（{share} %；每个可用日的加权值班分钟）",
        "cost_rest_before": "之前休息 {hours} 小时",
        "cost_rest_after": "之后休息 {hours} 小时",
        "cost_week_left": "最忙的 7 天内还剩 {hours} 小时",
        "cost_continuity": "此前在该卡点值班 {count} 次",
        "cost_new_checkpoint": "首次到该卡点",
        "cost_skills": "具备 {skills}",
        "cost_separator": "；",
        "move_from_off": "{cadre}：休息 -> 到 {to} 值班",
        "move_from_standby": "{cadre}：{place} 候补 -> 到 {to} 值班（调用）",
        "move_from_duty": "{cadre}：{place} 值班 -> 到 {to} 值班",
        # capacity bound and `schedule explain` (issue 24)
        "capacity_short": "人力上限：{where}的 {demand} 个最低需求人次中，至少有 {short} 个无法覆盖："
        "在各项规则下（每天一班、连续工作与休息日、工时、夜班、休息间隔、单位工作时间、不可用日期），"
        "干部最多能提供 {bound} 个",
        "capacity_community": "社区 {communities} ",
        "capacity_shared": "社区 {communities} 合计（跨社区干部只计一次）",
        "capacity_night": "{communities} 的夜班",
        "capacity_skill": "{communities} 需要技能 {skill} ",
        "explain_nothing": "最低需求已全部覆盖，无需解释",
        "explain_before": "最低需求覆盖率 {coverage:.1f} %：{demand} 个最低需求人次与技能名额中"
        "有 {uncovered} 个未覆盖，{shortfalls} 个卡口班次有缺口",
        "explain_bound": "人力上限：干部最多能提供 {demand} 个最低需求人次中的 {bound} 个，"
        "无论怎样排班至少有 {short} 个无法覆盖",
        "explain_rules": "起约束作用的规则：对所有人放宽 {rules} 即可覆盖全部最低需求（更少的规则组合不行）",
        "explain_rules_none": "起约束作用的规则：即使放宽全部规则仍无法覆盖最低需求，需要增加干部或降低最低需求",
        "explain_communities": "起约束作用的社区：不计 {communities} 的最低需求时，其余可全部覆盖",
        "explain_fixes": "修正方案（由小到大，均已对修改后的实例求解验证）：",
        "explain_no_fixes": "在给定时间内未能验证任何修正方案，请加大 --time-limit",
        "explain_fix": "{index}. {what}：求解覆盖最低需求的 {coverage:.1f} %{whole}（{seconds} 秒）",
        "explain_whole": "，全部覆盖",
        "explain_note": "注：{note}",
        "explain_seconds": "用时 {seconds} 秒",
        "fix_add": "向 {community} 增加 {count} 名干部",
        "fix_add_skills": "向 {community} 增加 {count} 名具备技能 {skills} 的干部",
        "fix_add_cadres": "{parts}",
        "fix_share": "让 {source} 的 {count} 名干部也可服务 {target}",
        "fix_lift": "将 {count} 名干部的 {rule} 由 {old} 放宽到 {new}：{names}",
        "fix_lower": "降低最低需求：{places}",
        "fix_lower_place": "{checkpoint} {shift} 班减 {by}",
        "fix_more": "等另外 {count} 名",
        "explain_applied": "已应用方案 {index}（{what}），写出 {path}",
        "explain_no_such_fix": "没有方案 {index}：共找到 {count} 个方案，未写出任何文件",
        "explain_same_file": "-o 不能是输入文件：实例文件不会被覆盖",
        "explain_roster_breaks": "排班表违反规则（{message}），请用 schedule check 检查",
        "why_title": "为何未能覆盖",
        "why_room": "人力上限显示干部足以覆盖全部最低需求：这些缺口来自排班本身而非人手不足，"
        "延长求解时间或运行 schedule explain 可能覆盖它们。",
        "why_source_bound": "依据人力上限（在各项规则下干部所能提供的上限；为估计，未经求解验证）。",
        "why_source_explain": "依据 schedule explain：以下每个方案均已对修改后的实例求解验证。",
        "why_place": "范围",
        "why_minimum": "最低需求",
        "why_bound": "最多可覆盖",
        "why_short": "至少未覆盖",
        "why_estimate": "首选方案（按上限估计）：{what}。",
        "why_verify": "对该实例运行 schedule explain，可得到起约束作用的规则及经求解验证的修正方案。",
        "explain_infeasible": "不存在任何排班：最低总工时（min_total_hours）无法满足，"
        "排班表的 conflicts 列出了相关干部",
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
