"""A measurement's quality: findings from the checks, a verdict for the set, reasons per rep.

Every check returns ``Finding``s: a sentence a person can act on, how much it matters, and the reps
it concerns. ``judge`` turns them into the set's ``Quality`` (``good`` / ``doubtful`` /
``unusable`` with the reasons) and says which reps are ``suspect`` and why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Verdict(StrEnum):
    """How far the set's numbers can be trusted."""

    GOOD = "good"
    DOUBTFUL = "doubtful"
    UNUSABLE = "unusable"


class Severity(StrEnum):
    """What a finding does to the verdict.

    ``note``: information (the numbers stand); ``doubt``: the set is doubtful; ``unusable``: no
    number of the set can be trusted.
    """

    NOTE = "note"
    DOUBT = "doubt"
    UNUSABLE = "unusable"


@dataclass(frozen=True)
class Finding:
    """One check's result.

    Attributes:
        code: a stable name for programs (``velocity_implausible``, ``camera_front_view``, ...).
        message: a short sentence: what is wrong and what to do.
        severity: what it does to the set's verdict.
        reps: the indices of the reps it concerns (empty: the whole set).
        suspect: True when the reps it names cannot be trusted (they become ``suspect``, with
            ``message`` among their reasons).
    """

    code: str
    message: str
    severity: Severity = Severity.DOUBT
    reps: tuple[int, ...] = ()
    suspect: bool = False


@dataclass(frozen=True)
class Quality:
    """The set's verdict and why (``reasons``: the doubts; ``notes``: what a reader should know)."""

    verdict: Verdict
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()

    def to_json(self) -> dict[str, object]:
        return {
            "verdict": self.verdict.value,
            "reasons": list(self.reasons),
            "notes": list(self.notes),
            "checks": [
                {"code": f.code, "severity": f.severity.value, "reps": list(f.reps), "message": f.message}
                for f in self.findings
            ],
        }


def _described(finding: Finding) -> str:
    if not finding.reps:
        return finding.message
    names = ", ".join(str(i) for i in finding.reps)
    return f"rep{'s' if len(finding.reps) > 1 else ''} {names}: {finding.message}"


def suspect_reasons(findings: Iterable[Finding]) -> dict[int, tuple[str, ...]]:
    """For each rep made suspect by a finding, the findings' sentences, in order, without repeats."""
    reasons: dict[int, list[str]] = {}
    for finding in findings:
        if not finding.suspect:
            continue
        for index in finding.reps:
            here = reasons.setdefault(index, [])
            if finding.message not in here:
                here.append(finding.message)
    return {index: tuple(messages) for index, messages in reasons.items()}


def judge(findings: Iterable[Finding], *, counted_reps: int) -> Quality:
    """The set's quality from every finding.

    ``unusable`` when a finding says so or no rep is left to count; ``doubtful`` when any finding
    doubts (a suspect rep always does); ``good`` otherwise. ``counted_reps``: the reps that are not
    suspect.
    """
    ordered = list(dict.fromkeys(findings))  # in order, each once
    severities = {f.severity for f in ordered}
    if Severity.UNUSABLE in severities or counted_reps == 0:
        verdict = Verdict.UNUSABLE
    elif Severity.DOUBT in severities or any(f.suspect for f in ordered):
        verdict = Verdict.DOUBTFUL
    else:
        verdict = Verdict.GOOD
    reasons = tuple(
        dict.fromkeys(_described(f) for f in ordered if f.severity is not Severity.NOTE or f.suspect)
    )
    notes = tuple(
        dict.fromkeys(_described(f) for f in ordered if f.severity is Severity.NOTE and not f.suspect)
    )
    return Quality(verdict=verdict, reasons=reasons, notes=notes, findings=tuple(ordered))
