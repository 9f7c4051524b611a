"""The rules of a family's wordings: what `template`, `phrasings` and `held_out` must keep.

Every wording is another sentence for the same question: it names exactly the template's
fields (so the same parameters fill it), and the answer never depends on which wording
asked. A family is expected to have a held-out wording beside its trained ones (rule
`phrasings`, required from contract 1.2; more trained wordings are welcome). Wordings that
break the first rule are wrong at once (rule `wordings`): only new declarations can.
"""

from __future__ import annotations

import re
from string import Formatter

from priors.contract import ContractViolation, enforce
from priors.prior import Prior
from priors.questions import Family, Target

DOMAIN_LIMIT = 8
"""Parameter values per family tried in every wording on one scene: enough to see a
wording that answers differently, without asking a 9-colour domain 9 x 4 times a scene."""


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name is not None}


def wording_problems(prior: Prior) -> list[ContractViolation]:
    """Wordings that repeat one another or name other fields than the template."""
    found = []
    for family in prior.families:
        wordings = family.wordings("all")
        if len(set(wordings)) < len(wordings) or (family.held_out is not None and family.held_out in family.wordings()):
            found.append(ContractViolation(prior.name, "wordings", "two of its wordings are the same text", family.id))
        want = fields(family.template)
        for text in wordings[1:]:
            if fields(text) != want:
                found.append(
                    ContractViolation(
                        prior.name,
                        "wordings",
                        f"wording {text!r} names fields {sorted(fields(text))}, the template {sorted(want)}",
                        family.id,
                    )
                )
    return found


def phrasing_problems(prior: Prior) -> list[ContractViolation]:
    """Families with no held-out wording: nothing to tell a learned question from a learned sentence."""
    return [
        ContractViolation(prior.name, "phrasings", "declares no held_out wording", family.id)
        for family in prior.families
        if not family.held_out
    ]


def answer_problems(prior: Prior, target: Target) -> list[ContractViolation]:
    """Questions about `target` whose answer or parameters change with the wording that asks."""
    found = []
    for family in (f for f in prior.families if f.scenes == (1 if not isinstance(target, tuple) else len(target))):
        for params in list(family.params.domain(target))[:DOMAIN_LIMIT]:
            asked = [_asked(family, prior.name, target, params, w) for w in family.wordings("all")]
            if len({a for a in asked}) > 1:
                found.append(
                    ContractViolation(
                        prior.name, "wordings", f"answers {sorted(set(map(str, asked)))} for params {params}", family.id
                    )
                )
    return found


def _asked(family: Family, prior: str, target: Target, params, wording: str):
    q = family.ask(prior, target, params, wording)
    return None if q is None else (q.answer, tuple(sorted(q.params.items())), q.worked)


def check_wordings(prior: Prior, target: Target | None = None) -> None:
    """Rule `wordings`: every wording names the template's fields, none repeats another, and
    (asked about `target`) every wording gets the same answer."""
    for problem in wording_problems(prior) + ([] if target is None else answer_problems(prior, target)):
        enforce(problem)


def check_phrasings(prior: Prior) -> None:
    """Rule `phrasings`: a held-out wording, per family (warns until contract 1.2)."""
    for problem in phrasing_problems(prior):
        enforce(problem)


def filled_fields(text: str, wording: str) -> dict[str, str] | None:
    """The field texts that fill `wording` into `text`, or None when `text` is not that
    wording. Read back from the text alone, so a question can be put in another wording
    without its parameters' types or the chat's grid names."""
    pattern, seen = [], set()
    for literal, name, _, _ in Formatter().parse(wording):
        pattern.append(re.escape(literal))
        if name is not None:
            pattern.append(f"(?P={name})" if name in seen else f"(?P<{name}>.+?)")
            seen.add(name)
    found = re.fullmatch("".join(pattern), text, flags=re.DOTALL)
    return None if found is None else found.groupdict()


def reworded(family: Family, question: str, which: str = "held-out") -> str | None:
    """`question`, asked in one of the family's wordings, put in the first wording of the
    `which` set with the same fields; None when the family has no such wording apart from
    the question's own (a family without `held_out` has no held-out wording)."""
    if which == "held-out" and not family.held_out:
        return None
    for wording in family.wordings("all"):
        found = filled_fields(question, wording)
        if found is not None:
            return family.wordings(which)[0].format(**found)
    return None
