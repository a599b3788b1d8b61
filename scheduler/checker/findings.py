"""What a check finds: a rule broken (or, for fixed facts alone, a warning)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """A rule broken.

    ``key`` identifies the broken window, day, pair or entry so that two
    versions of a roster can be compared; ``fixed_only`` marks a break caused
    by history, unit hours and busy periods alone (an instance warning, not a
    roster fault).
    """

    rule: str
    cadre: str | None
    message: str
    key: tuple[object, ...] = ()
    fixed_only: bool = False

    @property
    def identity(self) -> tuple[object, ...]:
        return (self.rule, self.cadre, *self.key)
