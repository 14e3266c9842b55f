"""`kimed spe halt PROJECT` and `kimed spe resume PROJECT`: stop a project's jobs at once.

They write the halt file (``<data dir>/spe/halts.json``) that every running executor watches;
see docs/spe-runtime.md, section "Sandbox and executors".
"""

from __future__ import annotations

from typing import Annotated

import typer

from kimed.cli.common import console
from kimed.spe.executors.halts import default_halts

ProjectArg = Annotated[str, typer.Argument(help="the project")]


def halt(project: ProjectArg,
         reason: Annotated[str, typer.Option(help="why, kept with the halt")] = "") -> None:
    """Halt PROJECT: its running jobs stop within 5 s, new ones are refused until resumed."""
    default_halts().halt(project, reason)
    console.print(f"project {project} halted: running jobs stop, new jobs are refused until "
                  f"`kimed spe resume {project}`", highlight=False)


def resume(project: ProjectArg) -> None:
    """Lift the halt of PROJECT (exit 1 when it was not halted)."""
    if not default_halts().resume(project):
        console.print(f"project {project} was not halted", highlight=False)
        raise typer.Exit(1)
    console.print(f"project {project} resumed: jobs may run again", highlight=False)
