"""The stand-in's test CA (trustme) and its server certificate.

The CA is kept in the state folder and reused at every start, so that a client
that trusts `ca.pem` (REQUESTS_CA_BUNDLE, SSL_CERT_FILE) keeps trusting the
stand-in across restarts; the server certificate is issued anew each start."""

from __future__ import annotations

import os
import ssl
from pathlib import Path

import trustme

SERVER_NAMES = ("localhost", "127.0.0.1")


def load_or_make_ca(state_dir: Path) -> trustme.CA:
    cert, key = state_dir / "ca.pem", state_dir / "ca-key.pem"
    if cert.exists() and key.exists():
        return trustme.CA.from_pem(cert.read_bytes(), key.read_bytes())
    ca = trustme.CA(organization_name="pomerium-azure-ad lab")
    ca.private_key_pem.write_to_path(str(key))
    os.chmod(key, 0o600)
    ca.cert_pem.write_to_path(str(cert))
    return ca


def server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ca.issue_cert(*SERVER_NAMES).configure_cert(context)
    return context
