"""`--stack NAME` of the tools beside `pulumi up`: the name of one of this project's stack
files, or a plain message saying what to give instead (no Pulumi import here)."""

from __future__ import annotations

from pathlib import Path


class StackChoiceError(ValueError):
    """The stack named on the command line is not one this project has."""


def check_stack(stack: str, project_dir: Path | None = None) -> dict[str, str]:
    """The stack's config as the CLI hands it to the program (full keys to text), or
    StackChoiceError: an organization or project in the name, no such stack file, or a
    stack file the CLI would refuse."""
    from .offline import PROJECT_DIR, StackConfigError, stack_config, stack_names

    root = project_dir or PROJECT_DIR
    if "/" in stack:
        # `pulumi stack select acme/dev` names the organization; the stack file does not.
        name = stack.rsplit("/", 1)[-1]
        raise StackChoiceError(
            f"--stack {stack}: give the stack's name without organization or project "
            f"(--stack {name}), the NAME of stacks/Pulumi.NAME.yaml"
        )
    known = stack_names(root)
    if stack not in known:
        raise StackChoiceError(
            f"--stack {stack}: no stack file stacks/Pulumi.{stack}.yaml "
            f"(this project's stacks: {', '.join(known) or 'none'})"
        )
    try:
        return stack_config(stack, root)
    except StackConfigError as error:
        raise StackChoiceError(str(error)) from None
