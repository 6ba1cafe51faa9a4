"""Red-flag rules run before any model and override it."""

from __future__ import annotations

from dataclasses import dataclass

from .knowledge import RuleSpec
from .levels import TRIAGE_ORDER, TriageLevel


@dataclass(frozen=True)
class FiredRule:
    slug: str
    name: str
    level: str
    instruction: str


def rule_applies(rule: RuleSpec, present: set[str], age: int | None, sex: str, pregnant: bool) -> bool:
    if not rule.all_of and not rule.any_of:
        return False  # a rule whose symptoms were all deleted names nothing: it must not fire on everything
    if not rule.all_of <= present:
        return False
    if rule.any_of and not (rule.any_of & present):
        return False
    # Demographic limits only exclude a rule when the fact is known: an unknown age keeps the rule.
    if rule.min_age is not None and age is not None and age < rule.min_age:
        return False
    if rule.max_age is not None and (age is None or age > rule.max_age):
        return False
    if rule.sex and sex and rule.sex != sex:
        return False
    if rule.pregnant and not pregnant:
        return False
    return True


def fired_red_flags(
    rules: tuple[RuleSpec, ...], present: list[str] | set[str], *, age: int | None, sex: str, pregnant: bool
) -> list[FiredRule]:
    present_set = set(present)
    fired = [
        FiredRule(r.slug, r.name, r.level, r.instruction)
        for r in rules
        if rule_applies(r, present_set, age, sex, pregnant)
    ]
    return sorted(fired, key=lambda f: TRIAGE_ORDER[TriageLevel(f.level)])


def most_urgent(levels) -> str:
    levels = [TriageLevel(level) for level in levels if level]
    if not levels:
        return TriageLevel.GP.value
    return min(levels, key=lambda level: TRIAGE_ORDER[level]).value
