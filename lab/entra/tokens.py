"""Access tokens: JWTs signed with the stand-in's own RSA key (kept in the state
folder, so tokens outlive a restart), published at the discovery document's jwks_uri.

Claims as Entra ID's access tokens carry them for an application
(learn.microsoft.com, "Access token claims reference"): `tid`, `oid`, `appid`,
`idtyp: app`, `roles`. The azuread provider reads `oid` from the token
(terraform-provider-azuread `internal/provider/provider.go`; FACTS.md)."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

LIFETIME_SECONDS = 3599


class Signer:
    def __init__(self, state_dir: Path) -> None:
        path = state_dir / "signing-key.pem"
        if path.exists():
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        else:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            path.write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            os.chmod(path, 0o600)
        assert isinstance(key, rsa.RSAPrivateKey)
        self._key = key
        public = key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.kid = hashlib.sha256(public).hexdigest()[:16]

    def jwks(self) -> dict[str, Any]:
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "kty": "RSA"}]}

    def issue(self, claims: dict[str, Any]) -> str:
        now = int(time.time())
        body = {"iat": now, "nbf": now, "exp": now + LIFETIME_SECONDS, **claims}
        return jwt.encode(body, self._key, algorithm="RS256", headers={"kid": self.kid})

    def read(self, token: str, audiences: list[str]) -> dict[str, Any] | None:
        """The claims of a token this stand-in issued for one of `audiences`, else None."""
        try:
            return jwt.decode(
                token, self._key.public_key(), algorithms=["RS256"], audience=audiences
            )
        except jwt.PyJWTError:
            return None
