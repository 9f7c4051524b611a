"""The command group and its error handling: bad input of any kind ends in one line on
stderr and exit code 2, never a traceback. Kept apart from the commands so that each
command module imports the group from here and the CLI has no import circle.
"""

from __future__ import annotations

import os
import sys

import click

EXIT_BAD_INPUT = 2


def _expected_errors() -> tuple[type[BaseException], ...]:
    """Errors that mean bad input rather than a bug; imported late to keep start-up light."""
    from priors import GridError, PluginError, PriorFailure, UnknownPriorError
    from priors.encoders import UnknownEncoderError
    from priors.settings import SettingsError
    from trainers.data.arc import ArcDataError
    from trainers.data.chat_builder import ChatConfigError
    from trainers.data.datasets import DatasetError
    from trainers.training.evaluate import ModelLoadError
    from trainers.training.train_config import TrainConfigError

    return (
        GridError,
        PluginError,
        PriorFailure,
        UnknownPriorError,
        UnknownEncoderError,
        ChatConfigError,
        DatasetError,
        TrainConfigError,
        ModelLoadError,
        SettingsError,
        ArcDataError,
        OSError,
    )


class App(click.Group):
    """A click group whose errors are one line and exit 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        try:
            return super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except click.ClickException as err:
            _fail(err.format_message())
        except (click.Abort, KeyboardInterrupt):
            # An interrupt is treated like bad input: one line, exit 2, nothing half-written.
            _fail("interrupted; no partial output was left")
        except _expected_errors() as err:
            _fail(_message(err))


TRAIN_MODULES = ("torch", "transformers", "trl", "peft", "datasets", "accelerate")


def _require_train_extra(command: str) -> None:
    """A clear line instead of ModuleNotFoundError when the train extra is not installed.

    Also quiets the stack's own chatter that a user cannot act on: the hub's progress bars
    for loading and saving weights, and transformers' advisory warnings (set the variables
    yourself to see them)."""
    import importlib.util
    import warnings

    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    for category in (FutureWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", category=category)
    missing = [m for m in TRAIN_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise click.ClickException(
            f"arc-priors {command} needs the train extra (missing: {', '.join(missing)}); install it with: pip "
            "install 'arc-priors[train]'"
        )


def _message(err: BaseException) -> str:
    """One line about the error, naming the user's own path for file-system errors."""
    from trainers.data.atomic_files import OutputExistsError

    if isinstance(err, OSError) and not isinstance(err, OutputExistsError):
        if err.filename:
            return f"cannot use {err.filename}: {err.strerror or err}"
        return f"{err.strerror or err}"
    return str(err)


def _fail(message: str) -> None:
    click.echo(f"arc-priors: error: {' '.join(str(message).split())}", err=True)
    sys.exit(EXIT_BAD_INPUT)


@click.group(cls=App, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="arc-priors")
def main() -> None:
    """Teach language models ARC's core-knowledge priors by visual question answering on grids."""
