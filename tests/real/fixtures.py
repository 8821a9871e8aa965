"""A stack of the lab's program with an application and its first client secret in the
stand-in, as a first deploy finds them after the azuread resources were created."""

import uuid
from dataclasses import dataclass
from pathlib import Path

from . import entra
from .stacks import LabStack

NS = "pomerium-azure-ad"


@dataclass
class Deployment:
    stack: LabStack
    app: entra.Application
    password: entra.Password
    secret_name: str

    def use(self, password: entra.Password) -> None:
        """The rotation's step: the Secret is to hold this client secret."""
        self.password = password
        self.stack.config["lab:keyId"] = password.key_id
        self.stack.config["lab:endDate"] = password.end_date
        self.stack.write()
        self.stack.set_secret("lab:clientSecret", password.secret_text)


def deployment(folder: Path, **settings: object) -> Deployment:
    display_name = f"pomerium-lab-{uuid.uuid4().hex[:6]}"
    app = entra.register_application(display_name)
    password = app.add_password()
    secret_name = f"pomerium-idp-{uuid.uuid4().hex[:6]}"
    stack = LabStack(folder)
    stack.config = {
        f"{NS}:authenticateServiceUrl": "https://authenticate.lab.example.com",
        f"{NS}:kubernetesSecretName": secret_name,
        f"{NS}:displayName": display_name,
        "lab:clientId": app.client_id,
        "lab:applicationObjectId": app.object_id,
        **{f"{NS}:{key}": value for key, value in settings.items()},
    }
    made = Deployment(stack, app, password, secret_name)
    made.use(password)
    return made
