"""The `pomerium-azure-ad` command: the checkout's CLI (tools/cli.py), or a
plain message where the project is installed as a package without its tools."""

import sys

FROM_A_CHECKOUT = (
    "pomerium-azure-ad: the commands (plan, verify, expiry-check, rotation-targets) run in a "
    "checkout of the project, with `uv run pomerium-azure-ad …` there; this installation has "
    "the component only (`from pomerium_azure_ad import PomeriumIdentityProvider`)."
)


def main(argv: list[str] | None = None) -> int:
    try:
        from tools.cli import main as checkout_main
    except ModuleNotFoundError as error:
        if error.name != "tools":
            raise
        print(FROM_A_CHECKOUT, file=sys.stderr)
        return 2
    return checkout_main(argv)
