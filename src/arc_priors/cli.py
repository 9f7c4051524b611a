"""The arc-priors command line: thin click commands over the library.

Heavy imports (torch, transformers, trl) happen inside the commands that need them, so
`arc-priors list`, `show` and `ask` start fast.
"""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="arc-priors")
def main() -> None:
    """Teach language models ARC's core-knowledge priors by visual question answering on grids."""


@main.command("list")
def list_priors() -> None:
    """Every prior plugin with its distribution, version, families and status."""
    import priors

    for plugin in priors.plugins():
        if plugin.ok:
            families = ", ".join(f.id for f in plugin.prior.families)
            click.echo(f"{plugin.name:<12} {plugin.distribution} {plugin.version:<8} ok      {families}")
        else:
            click.echo(f"{plugin.name:<12} {plugin.distribution} {plugin.version:<8} BROKEN  {plugin.error.problem}")
