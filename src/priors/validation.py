"""attrs validators whose failures read as one sentence of a chosen error type.

attrs' own validators raise TypeError with a tuple of arguments, which prints as a tuple;
wrapped here, `instance_of` and `ge` keep their logic and give a one-line message.
"""

from __future__ import annotations

import attrs


def checked(error: type[Exception], *validators):
    """One validator running `validators` in order, re-raising their failures as `error`."""
    inner = attrs.validators.and_(*validators)

    def check(instance, attribute, value) -> None:
        try:
            inner(instance, attribute, value)
        except (TypeError, ValueError) as err:
            raise error(str(err.args[0]) if err.args else str(err)) from None

    return check


def _not_bool(instance, attribute, value) -> None:
    # bool is an int subclass, but True is no count.
    if type(value) is bool:
        raise TypeError(f"'{attribute.name}' must be a number, got {value!r}")


def whole(error: type[Exception], low: int | None = None, high: int | None = None):
    """A whole number (never a bool) within [low, high]."""
    bounds = [attrs.validators.ge(low)] if low is not None else []
    bounds += [attrs.validators.le(high)] if high is not None else []
    return checked(error, _not_bool, attrs.validators.instance_of(int), *bounds)


def number(
    error: type[Exception],
    low: float | None = None,
    high: float | None = None,
    *,
    above: float | None = None,
    optional: bool = False,
):
    """A real number (never a bool) within [low, high], and above `above`; None too when `optional`."""
    bounds = [attrs.validators.ge(low)] if low is not None else []
    bounds += [attrs.validators.gt(above)] if above is not None else []
    bounds += [attrs.validators.le(high)] if high is not None else []
    check = checked(error, _not_bool, attrs.validators.instance_of((int, float)), *bounds)
    return attrs.validators.optional(check) if optional else check


def flag(error: type[Exception]):
    return checked(error, attrs.validators.instance_of(bool))
