"""The `check` command: the conformance kit on an installed prior, every rule to its end."""

from __future__ import annotations

import click

from arc_priors.app import EXIT_BAD_INPUT, main


@main.command()
@click.argument("prior_name", metavar="PRIOR")
@click.option(
    "--examples",
    type=click.IntRange(min=1),
    default=50,
    show_default=True,
    help="Hypothesis examples per rule (arbitrary grids and conventions; more finds rarer breaks).",
)
@click.option(
    "--samples",
    type=click.IntRange(min=50),
    default=1000,
    show_default=True,
    help="Grids drawn per level, and of the default mixture, for the answer distributions.",
)
@click.option(
    "--distributions/--no-distributions",
    default=True,
    show_default=True,
    help="Print each family's answer distribution per level and on the default mixture's grids.",
)
def check(prior_name: str, examples: int, samples: int, distributions: bool) -> None:
    """Run the conformance kit on an installed prior (a plugin's or a built-in one) and report
    every rule, not only the first failure: ok, FAIL, warn (a rule this contract version only
    warns on) or unchecked; then each family's answer distribution per level and on the
    default mixture's grids, with the balance limit marked. Exit 2, with one line per broken
    rule on stderr, when any required rule fails.

    Needs the test extra (Hypothesis): pip install 'arc-priors[test]'."""
    try:
        from priors.conformance import failure_lines, report_lines, rule_line, run_kit
    except ModuleNotFoundError as err:
        raise click.ClickException(
            f"check needs the test extra ({err.name} is missing): pip install 'arc-priors[test]'"
        ) from None
    import priors
    from priors.contract import CONTRACT_VERSION

    prior = priors.load(prior_name)
    click.echo(
        f"checking prior {prior_name!r} against contract {CONTRACT_VERSION} ({examples} examples a rule, {samples} "
        "grids a level)"
    )
    report = run_kit(prior, examples=examples, samples=samples, progress=lambda result: click.echo(rule_line(result)))
    if distributions:
        click.echo("\n".join(["", *report_lines(report)]))
    failed = failure_lines(report)
    if failed:
        for line in failed:
            click.echo(line, err=True)
        raise SystemExit(EXIT_BAD_INPUT)
    warned = sum(r.state == "warn" for r in report.results)
    click.echo(
        f"prior {prior_name!r} keeps every required rule" + (f" ({warned} rule(s) warn: see above)" if warned else "")
    )
