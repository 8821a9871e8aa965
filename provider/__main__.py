"""The plugin entry point: serves PomeriumIdentityProvider to every Pulumi language.

Pulumi runs this file with the plugin's virtualenv (`python <this folder>
<engine address>`); it prints the port of a gRPC provider whose schema comes
from the component's type annotations and docstrings. The project's own Pulumi
program is the `__main__.py` one folder up.
"""

from importlib.metadata import version

import pulumi
from pulumi.provider.experimental import component_provider_host

from components import args
from components.identity_provider import PomeriumIdentityProvider
from components.settings import PROJECT

COMPONENTS: list[type[pulumi.ComponentResource]] = [PomeriumIdentityProvider]

if __name__ == "__main__":
    # Its callers write the schema's names (authenticateServiceUrl): messages too.
    args.SCHEMA_NAMES_IN_MESSAGES = True
    component_provider_host(
        components=COMPONENTS,
        name=PROJECT,
        # pyproject.toml's [project] version, from the installed distribution
        # (the project is installed from `..`, see requirements.txt).
        version=version(PROJECT),
    )
