"""Does a deployed stack's client secret work, and is it the one in Pomerium's Secret?

    uv run pomerium-azure-ad verify --stack prod [--cluster NAME] [--context KUBE_CONTEXT]
        [--min-days 14]

Reads the stack's outputs (`pulumi stack output --json --show-secrets`) and the Kubernetes
Secret of each of its clusters (the `kubernetes_secrets` output: each entry's Secret, read
through its kubeconfig context; a stack deployed before that output existed: the one Secret
`kubernetes_secret` names, through the current context or --context), then checks, one line
each:

1. each cluster's Secret holds the stack's credential and settings, and that cluster's own
   authenticate URL (drift: an edited or restored Secret), one line per cluster;
2. the provider URL's discovery document names exactly the provider URL as `issuer`, as
   Pomerium requires (skipped for `https://login.microsoftonline.com/common/v2.0`, as Pomerium
   skips it; the token request then uses the `tenant_id` output's discovery document);
3. the discovery document's `token_endpoint` issues a client-credentials token for Microsoft
   Graph's `.default` scope to the Secrets' client id and client secret (once for the
   stack: its clusters share the credential; once more for each Secret holding another),
   asked through the deploy's own proof (components/proof.py: MSAL, its retries and the
   meaning of Entra ID's codes);
4. the client secret ends at least --min-days days from now;
5. the tenant's app management policy for the application, and whether the Secret's client
   secret conforms (a FAIL: the next rotation would be refused; skipped when it cannot be read).

--cluster NAME checks only that cluster's Secret. Exit status 0 when all hold, 1 when any fails
or cannot be checked (no `pulumi` CLI, a failing `pulumi stack output`, a missing Secret, an
unreachable endpoint), 2 for a wrong command line (also: --cluster naming no cluster of the
stack, --context without --cluster on a stack with several clusters).
No secret value is printed: every line goes through `redact` first.
"""

from __future__ import annotations

import argparse
import base64
import ipaddress
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote, quote_plus, urlsplit

from components import clock, cloud_fetch, clouds, proof, rotation
from components.secret_data import (
    CLIENT_SECRET_KEYS,
    IDP_PROVIDER,
    INGRESS_CONTROLLER_KEYS,
    SECRET_KEYS,
)
from components.settings import PROJECT

PROG = f"{PROJECT} verify"
DEFAULT_MIN_DAYS = 14
# Entra ID's v2.0 issuers end so (https://login.microsoftonline.com/<tenant>/v2.0).
ENTRA_V2 = "/v2.0"
HTTP_TIMEOUT = 30.0
CALLBACK_PATH = "/oauth2/callback"
REQUIRED_OUTPUTS = (
    "client_id",
    "tenant_id",
    "provider_url",
    "client_secret",
    "client_secret_expires_at",
    "kubernetes_secret",
)
REDACTED = "<redacted>"


class VerifyError(Exception):
    """Something verify cannot go on without: said in one line, exit 1."""


class UsageError(Exception):
    """The command line does not fit the stack (--cluster, --context): exit 2."""


# --- never print a secret -------------------------------------------------------------


def secret_forms(secrets: Iterable[str]) -> set[str]:
    """Each secret as it may show up in a message: raw, URL-encoded, base64 encoded."""
    forms: set[str] = set()
    for value in secrets:
        if not value:
            continue
        forms |= {value, quote(value, safe=""), quote_plus(value)}
        forms.add(base64.b64encode(value.encode()).decode().rstrip("="))
    return {f for f in forms if len(f) >= 4}


def redact(text: str, secrets: Iterable[str]) -> str:
    for form in sorted(secret_forms(secrets), key=len, reverse=True):
        text = text.replace(form, REDACTED)
    return text


# --- the checks -----------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool | None  # None: skipped
    detail: str

    def line(self) -> str:
        status = {True: "ok  ", False: "FAIL", None: "skip"}[self.ok]
        return f"{status} {self.name}: {self.detail}"


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.is_loopback


def require_secure(url: str, what: str) -> None:
    """https, or http on a loopback host (local testing): refused before any request."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and is_loopback(parts.hostname):
        return
    raise VerifyError(
        f"{what} {url!r} is not an https URL (http is accepted only on a loopback host): "
        "refused before any request"
    )


def graph_scope_for(provider_url: str, environment: str | None) -> str:
    """Microsoft Graph's `.default` scope of the provider URL's cloud.

    The host tells the cloud, except US Government L4 from L5 (DoD), which share
    login.microsoftonline.us: there the azuread environment (ARM_ENVIRONMENT, which the
    pipeline sets from the stack file) decides when it names that host, and L4 otherwise.
    Any other host (a local test server) gets the global scope.
    """
    host = (urlsplit(provider_url).hostname or "").lower()
    wanted = clouds.normalize_environment(environment) if environment else ""
    if wanted in clouds.LOGIN_HOSTS and clouds.LOGIN_HOSTS[wanted] == host:
        return clouds.graph_scope(wanted)
    for name in ("global", "usgovernment", "china"):
        if clouds.LOGIN_HOSTS[name] == host:
            return clouds.graph_scope(name)
    return clouds.graph_scope(clouds.DEFAULT_ENVIRONMENT)


def cloud_graph_scope(provider_url: str, environment: Mapping[str, str]) -> str:
    """Microsoft Graph's `.default` scope of the stack's cloud, resolved as the component
    resolves it: from the metadata document when ARM_METADATA_HOSTNAME names a metadata
    host (custom and Azure Stack clouds), else from the provider URL's host."""
    host = clouds.metadata_host(None, environment)
    if host is None:
        return graph_scope_for(provider_url, environment.get("ARM_ENVIRONMENT"))
    try:
        return cloud_fetch.cloud_at(host).graph_scope
    except clouds.CloudError as error:
        raise VerifyError(str(error)) from None


def secret_matches(
    outputs: dict[str, Any],
    data: dict[str, str],
    authenticate_url: str | None = None,
    name: str = "Secret matches the stack",
) -> Check:
    """Check 1: the Secret against the stack's outputs (values shown only when not secret),
    and against its cluster's authenticate URL when the outputs have one."""
    expected = {
        "client_id": outputs["client_id"],
        "client_secret": outputs["client_secret"],
        "IDP_PROVIDER": IDP_PROVIDER,
        "IDP_PROVIDER_URL": outputs["provider_url"],
        "IDP_CLIENT_ID": outputs["client_id"],
        "IDP_CLIENT_SECRET": outputs["client_secret"],
    }
    problems = []
    for key in SECRET_KEYS:
        if key not in data:
            problems.append(f"{key} is missing")
        elif key in expected and data[key] != expected[key]:
            if key in CLIENT_SECRET_KEYS:
                problems.append(f"{key} differs from the stack's client_secret")
            else:
                problems.append(f"{key} is {data[key]!r}, the stack has {expected[key]!r}")
    authenticate = data.get("AUTHENTICATE_SERVICE_URL")
    if (
        authenticate
        and authenticate_url
        and authenticate.rstrip("/") != authenticate_url.rstrip("/")
    ):
        problems.append(
            f"AUTHENTICATE_SERVICE_URL is {authenticate!r}, the stack has {authenticate_url!r} "
            "for this cluster"
        )
    redirects = outputs.get("redirect_urls")
    if authenticate and isinstance(redirects, list):
        callback = authenticate.rstrip("/") + CALLBACK_PATH
        if callback not in redirects:
            problems.append(
                f"AUTHENTICATE_SERVICE_URL's callback {callback!r} is not one of the "
                f"application's redirect URLs {redirects!r}"
            )
    if problems:
        return Check(
            name,
            False,
            "; ".join(problems) + " (edited or restored by hand? deploy the stack again)",
        )
    keys = ", ".join(k for k in SECRET_KEYS if k in expected)
    if authenticate_url:
        keys += ", AUTHENTICATE_SERVICE_URL"
    detail = f"{keys} as in the stack's outputs"
    if authenticate and isinstance(redirects, list):
        detail += "; AUTHENTICATE_SERVICE_URL's callback is a redirect URL of the application"
    return Check(name, True, detail)


def fetch_json(session: Any, url: str) -> dict[str, Any]:
    try:
        document = cloud_fetch.http_fetch(url, session)
    except clouds.CloudError as error:
        raise VerifyError(str(error)) from None
    if not isinstance(document, dict):
        raise VerifyError(f"{url} did not return a JSON object")
    return document


def discovery_url(url: str) -> str:
    return url.rstrip("/") + "/.well-known/openid-configuration"


def authority_of(discovered: str) -> str | None:
    """The MSAL authority whose discovery document is the one at `discovered` (the provider
    URL, or the tenant's URL for the multi-tenant one): MSAL reads
    `{authority}/v2.0/.well-known/openid-configuration` (msal 1.39 `authority.py`,
    `_initialize_entra_authority`), and asks only https authorities (`canonicalize`)."""
    parts = urlsplit(discovered)
    if parts.scheme != "https" or not parts.hostname or not discovered.endswith(ENTRA_V2):
        return None
    authority = discovered.removesuffix(ENTRA_V2)
    return authority if urlsplit(authority).path.strip("/") else None


@dataclass(frozen=True)
class TokenEndpoint:
    """Where check 3 asks: the token endpoint named by the discovery document read at
    `discovered` (the provider URL, or the tenant's URL for the multi-tenant one)."""

    url: str
    discovered: str

    @property
    def authority(self) -> str | None:
        """The MSAL authority that reads the same discovery document."""
        return authority_of(self.discovered)


def discover(
    session: Any, outputs: dict[str, Any], multi_tenant_url: str
) -> tuple[Check, TokenEndpoint | None]:
    """Check 2, and where check 3 asks (None when there is no token endpoint)."""
    provider_url: str = outputs["provider_url"]
    name = "issuer"
    if provider_url == multi_tenant_url:
        tenant_id = str(outputs["tenant_id"])
        if not tenant_id or not all(c.isalnum() or c in "-." for c in tenant_id):
            return Check(name, False, f"tenant_id output {tenant_id!r} is not a tenant id"), None
        discovered = multi_tenant_url.replace("/common/", f"/{tenant_id}/", 1)
        try:
            document = fetch_json(session, discovery_url(discovered))
        except VerifyError as error:
            return Check(name, False, str(error)), None
        check = Check(
            name,
            None,
            f"not compared: {provider_url} is the multi-tenant URL, for which Pomerium skips "
            f"the check; the token request uses tenant {tenant_id}'s discovery document",
        )
    else:
        discovered = provider_url
        try:
            document = fetch_json(session, discovery_url(provider_url))
        except VerifyError as error:
            return Check(name, False, str(error)), None
        issuer = document.get("issuer")
        if issuer != provider_url:
            return Check(
                name,
                False,
                f"the discovery document names {issuer!r}, not the provider URL "
                f"{provider_url!r}: Pomerium refuses this provider URL",
            ), None
        check = Check(name, True, f"the discovery document names {provider_url}")
    endpoint = document.get("token_endpoint")
    if not isinstance(endpoint, str) or not endpoint:
        return Check(name, False, "the discovery document has no token_endpoint"), None
    try:
        require_secure(endpoint, "token_endpoint")
    except VerifyError as error:
        return Check(name, False, str(error)), None
    return check, TokenEndpoint(endpoint, discovered)


def request_token(
    endpoint: TokenEndpoint,
    client_id: str,
    client_secret: str,
    scope: str,
    *,
    wait: float,
    sleep: Callable[[float], None],
    whose: str,
) -> Check:
    """Check 3: the deploy's proof (components/proof.py) with the credential: the same MSAL
    client-credentials request (client_secret_post, as Pomerium sends it), the same retries
    of Entra ID's "not replicated yet" answers, for up to `wait` seconds, and the same
    meanings of its codes."""
    name = "token request"
    if endpoint.authority is None:
        return Check(
            name,
            False,
            f"not tried: the proof's token request (MSAL) needs an Entra ID v2.0 URL "
            f"(https://<host>/<tenant>/v2.0) for the discovery document, not "
            f"{endpoint.discovered}",
        )
    try:
        tries = proof.prove_client_secret(
            endpoint.authority, client_id, client_secret, scope, sleep=sleep, deadline=wait
        )
    except proof.ProofFailed as error:
        return Check(
            name,
            False,
            f"{endpoint.url} did not issue a token for {scope} to {whose} credential: {error}",
        )
    requests = "1 token request" if tries == 1 else f"{tries} token requests"
    return Check(
        name,
        True,
        f"{endpoint.url} issued a token for {scope} to {whose} credential ({requests})",
    )


def expiry(outputs: dict[str, Any], now: datetime, min_days: int) -> Check:
    """Check 4: client_secret_expires_at at least min_days from now."""
    from .expiry_check import parse_expiry

    name = "expiry"
    try:
        expires_at = parse_expiry(str(outputs["client_secret_expires_at"]))
    except ValueError as error:
        return Check(name, False, str(error))
    left = expires_at - now
    days = left / timedelta(days=1)
    head = f"the client secret ends {rotation.format_graph_date(expires_at)}, in {days:.1f} days"
    if left >= timedelta(days=min_days):
        return Check(name, True, f"{head} (at least {min_days} required)")
    return Check(
        name,
        False,
        f"{head}, less than --min-days {min_days}: deploy the stack (or run the rotation) now",
    )


def app_management_policy(outputs: dict[str, Any], now: datetime) -> Check:
    """Check 5: the tenant's policy for the application, and the Secret's credential under it."""
    from . import verify_policy

    environment = os.environ.get("ARM_ENVIRONMENT") or clouds.DEFAULT_ENVIRONMENT
    try:
        graph_url, login_host = policy_hosts(outputs["provider_url"], os.environ)
    except clouds.CloudError as error:
        return Check(verify_policy.NAME, None, f"not read: {error}")
    ok, detail = verify_policy.policy_check(outputs, now, environment, graph_url, login_host)
    return Check(verify_policy.NAME, ok, detail)


def policy_hosts(provider_url: str, environment: Mapping[str, str]) -> tuple[str, str]:
    """Microsoft Graph's base URL and the sign-in host check 5 reads the policy through, as
    the component does (app_management_policy_check.py): the metadata document's when
    ARM_METADATA_HOSTNAME names a metadata host, so the deploy identity's credential goes to
    no other cloud; else Graph of the provider URL's cloud and the environment's sign-in
    host ("": the reader's default)."""
    host = clouds.metadata_host(None, environment)
    if host is None:
        scope = graph_scope_for(provider_url, environment.get("ARM_ENVIRONMENT"))
        return scope.removesuffix("/.default"), ""
    cloud = cloud_fetch.cloud_at(host)
    return cloud.graph_scope.removesuffix("/.default"), urlsplit(cloud.authority_host).netloc


# --- reading the stack and the Secret -------------------------------------------------


def stack_outputs(stack: str) -> dict[str, Any]:
    """`pulumi stack output --json --show-secrets --stack STACK`, checked."""
    pulumi = shutil.which("pulumi")
    if pulumi is None:
        raise VerifyError("the pulumi CLI is not on PATH: install it and log in to the backend")
    command = [pulumi, "stack", "output", "--json", "--show-secrets", "--stack", stack]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise VerifyError(f"`pulumi stack output` did not run: {error}") from None
    if result.returncode != 0:
        said = " ".join(result.stderr.strip().splitlines()[-3:]) or "no message"
        raise VerifyError(
            f"`pulumi stack output --stack {stack}` failed (exit {result.returncode}): {said}"
        )
    try:
        outputs = json.loads(result.stdout)
    except ValueError:
        raise VerifyError("`pulumi stack output --json` did not print JSON") from None
    if not isinstance(outputs, dict):
        raise VerifyError("`pulumi stack output --json` did not print a JSON object")
    missing = [k for k in REQUIRED_OUTPUTS if not isinstance(outputs.get(k), str) or not outputs[k]]
    if missing:
        raise VerifyError(
            f"stack {stack} has no output {', '.join(missing)}: deploy it first "
            "(a stack deployed before these outputs existed needs a deploy too)"
        )
    return outputs


@dataclass(frozen=True)
class Target:
    """One cluster's Secret to check."""

    cluster: str
    """The cluster's name in the stack; "" for a single-cluster stack (or one deployed before
    the `kubernetes_secrets` output)."""
    context: str | None
    """The kubeconfig context to read it through; None for the current context."""
    secret: str
    """`namespace/name`."""
    authenticate_url: str | None
    """The cluster's authenticate URL; None when the outputs do not say (an older stack)."""

    def check_name(self) -> str:
        base = "Secret matches the stack"
        return f"{base} in cluster {self.cluster}" if self.cluster else base

    def where(self) -> str:
        return f"context {self.context}" if self.context else "the kubeconfig's current context"


def cluster_entries(outputs: dict[str, Any], stack: str) -> list[Target] | None:
    """The `kubernetes_secrets` output as targets (contexts as the stack names them), or None
    for a stack deployed before that output existed."""
    entries = outputs.get("kubernetes_secrets")
    if entries is None:
        return None
    fields = ("cluster", "context", "secret", "authenticate_service_url")
    problem = VerifyError(
        f"stack {stack}'s kubernetes_secrets output is not a list of {{{', '.join(fields)}}} "
        "with distinct cluster names: deploy it again"
    )
    if not isinstance(entries, list) or not entries:
        raise problem
    targets: list[Target] = []
    for entry in entries:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(f), str) for f in fields):
            raise problem
        if not entry["secret"] or not entry["authenticate_service_url"]:
            raise problem
        targets.append(
            Target(
                entry["cluster"],
                entry["context"] or None,
                entry["secret"],
                entry["authenticate_service_url"],
            )
        )
    names = [t.cluster for t in targets]
    if len(set(names)) != len(names) or (len(names) > 1 and "" in names):
        raise problem
    return targets


def select_targets(outputs: dict[str, Any], args: argparse.Namespace) -> list[Target]:
    """The Secrets this run checks: every cluster's, or --cluster's; --context overrides the
    context of the one Secret checked. UsageError when the command line does not fit."""
    targets = cluster_entries(outputs, args.stack)
    if targets is None:
        targets = [Target("", None, outputs["kubernetes_secret"], None)]
    named = [t.cluster for t in targets if t.cluster]
    if args.cluster is not None:
        chosen = [t for t in targets if t.cluster and t.cluster == args.cluster]
        if not chosen:
            known = f"its clusters: {', '.join(named)}" if named else "it has no named clusters"
            raise UsageError(
                f"--cluster {args.cluster}: stack {args.stack} has no such cluster ({known})"
                + ("" if named else "; leave --cluster out")
            )
        targets = chosen
    if args.context is not None:
        if len(targets) > 1:
            raise UsageError(
                f"--context names one kubeconfig context, and stack {args.stack} has "
                f"{len(targets)} clusters ({', '.join(named)}), each read through its own: "
                "add --cluster NAME to check one of them through --context, or leave --context "
                "out"
            )
        targets = [Target(t.cluster, args.context, t.secret, t.authenticate_url) for t in targets]
    return targets


def kubeconfig_path(given: str | None) -> str:
    return given or os.environ.get("KUBECONFIG") or "~/.kube/config"


def read_secret(reference: str, kubeconfig: str, context: str | None) -> dict[str, str]:
    """The Secret's data, decoded; VerifyError when it cannot be read."""
    from kubernetes import client, config
    from kubernetes.client.exceptions import ApiException
    from kubernetes.config.config_exception import ConfigException
    from urllib3.exceptions import HTTPError as Urllib3Error

    namespace, _, name = reference.partition("/")
    if not namespace or not name or "/" in name:
        raise VerifyError(f"the outputs' Secret {reference!r} is not <namespace>/<name>")
    where = f"context {context}" if context else "the kubeconfig's current context"
    try:
        api_client = config.new_client_from_config(
            config_file=kubeconfig, context=context, persist_config=False
        )
    except (ConfigException, OSError) as error:
        raise VerifyError(f"cannot use kubeconfig {kubeconfig} ({where}): {error}") from None
    try:
        with api_client:
            secret = client.CoreV1Api(api_client).read_namespaced_secret(
                name, namespace, _request_timeout=HTTP_TIMEOUT
            )
    except ApiException as error:
        if error.status == 404:
            raise VerifyError(f"Secret {reference} not found ({where})") from None
        raise VerifyError(
            f"cannot read Secret {reference} ({where}): HTTP {error.status} {error.reason}"
        ) from None
    except Urllib3Error as error:
        raise VerifyError(
            f"cannot reach the Kubernetes API ({where}): {type(error).__name__}"
        ) from None
    data = secret.data or {}
    try:
        return {k: base64.b64decode(v).decode() for k, v in data.items()}
    except ValueError:
        raise VerifyError(f"Secret {reference} has data that is not base64 UTF-8") from None


# --- the command ----------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    command = argparse.ArgumentParser(
        prog=PROG,
        description=__doc__.splitlines()[0],
        epilog="Never prints a secret value. Exit 0: all checks hold; 1: one fails or "
        "cannot be checked; 2: wrong command line. See docs/verify.md.",
    )
    command.add_argument(
        "--stack",
        required=True,
        metavar="NAME",
        help="the stack, as `pulumi stack output --stack` takes it (e.g. dev or org/dev)",
    )
    command.add_argument(
        "--cluster",
        metavar="NAME",
        help="check only this cluster's Secret (a name from the stack's `clusters`; default: "
        "every cluster's)",
    )
    command.add_argument(
        "--context",
        metavar="KUBE_CONTEXT",
        help="kubeconfig context to read the Secret through (default: the cluster's context "
        "from the stack's outputs, else the current context); with several clusters, only "
        "together with --cluster",
    )
    command.add_argument(
        "--kubeconfig",
        metavar="FILE",
        help="kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)",
    )
    command.add_argument(
        "--min-days",
        type=_non_negative_int,
        default=DEFAULT_MIN_DAYS,
        metavar="DAYS",
        help=f"least days the client secret must still be valid (default {DEFAULT_MIN_DAYS})",
    )
    command.add_argument(
        "--graph-scope",
        metavar="SCOPE",
        help="scope of the token request (default: Microsoft Graph's .default scope of the "
        "cloud the metadata document at ARM_METADATA_HOSTNAME describes, if set; else of the "
        "provider URL's cloud, on login.microsoftonline.us the L4 scope unless "
        "ARM_ENVIRONMENT is usgovernmentl5 or dod)",
    )
    command.add_argument(
        "--wait",
        type=_non_negative_int,
        default=60,
        metavar="SECONDS",
        help="retry Entra's 'not replicated yet' refusals for up to this long (default 60)",
    )
    return command


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number; got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more; got {value}")
    return value


def secret_check(
    outputs: dict[str, Any], target: Target, args: argparse.Namespace, secrets: list[str]
) -> tuple[Check, dict[str, str] | None]:
    """Check 1 for one cluster, and its Secret's data (None when it cannot be read)."""
    name = target.check_name()
    try:
        data = read_secret(target.secret, kubeconfig_path(args.kubeconfig), target.context)
    except VerifyError as error:
        return Check(name, False, str(error)), None
    secrets.extend(data.get(k, "") for k in CLIENT_SECRET_KEYS)
    check = secret_matches(outputs, data, target.authenticate_url, name)
    if target.cluster:
        check = Check(
            check.name, check.ok, f"Secret {target.secret} ({target.where()}): {check.detail}"
        )
    return check, data


def credentials(
    outputs: dict[str, Any], readings: Sequence[tuple[Target, dict[str, str] | None]]
) -> list[tuple[str, str, str, list[str]]]:
    """Each distinct credential the Secrets hold (usually one: the clusters share it), as
    (client id, client secret, whose, clusters); the stack's when no Secret has one."""
    held: dict[tuple[str, str], list[str]] = {}
    for target, data in readings:
        if data is not None and all(data.get(k) for k in INGRESS_CONTROLLER_KEYS):
            held.setdefault((data["client_id"], data["client_secret"]), []).append(target.cluster)
    if not held:
        return [
            (
                outputs["client_id"],
                outputs["client_secret"],
                "the stack's (the Secret's is unavailable)",
                [],
            )
        ]
    return [
        (client_id, secret, "the Secret's", [c for c in clusters if c])
        for (client_id, secret), clusters in held.items()
    ]


def token_checks(
    outputs: dict[str, Any],
    readings: Sequence[tuple[Target, dict[str, str] | None]],
    token_endpoint: TokenEndpoint | None,
    args: argparse.Namespace,
    sleep: Callable[[float], None],
) -> list[Check]:
    """Check 3 with what Pomerium uses, the Secrets' credential (the stack's without one):
    once per distinct credential, so once for a stack whose Secrets agree."""
    if token_endpoint is None:
        return [Check("token request", False, "not tried: no usable discovery document")]
    scope = args.graph_scope or cloud_graph_scope(outputs["provider_url"], os.environ)
    found = credentials(outputs, readings)
    checks = []
    for client_id, client_secret, whose, clusters in found:
        check = request_token(
            token_endpoint,
            client_id,
            client_secret,
            scope,
            wait=args.wait,
            sleep=sleep,
            whose=whose,
        )
        if clusters:
            which = f"cluster{'s' if len(clusters) > 1 else ''} {', '.join(clusters)}"
            name = f"token request ({which})" if len(found) > 1 else check.name
            check = Check(name, check.ok, f"{check.detail} (the Secret of {which})")
        checks.append(check)
    return checks


def run(
    args: argparse.Namespace,
    *,
    now: datetime,
    multi_tenant_url: str,
    sleep: Callable[[float], None],
    say: Callable[[str], None],
    secrets: list[str],
) -> bool:
    """The checks, each said as it completes; `secrets` gathers every value to redact."""
    import requests

    outputs = stack_outputs(args.stack)
    secrets.append(outputs["client_secret"])
    targets = select_targets(outputs, args)
    require_secure(outputs["provider_url"], "provider_url")
    if any(t.cluster for t in targets):
        where = ", ".join(f"{t.secret} in cluster {t.cluster} ({t.where()})" for t in targets)
        say(f"{PROG} --stack {args.stack}: provider {outputs['provider_url']}; Secrets {where}")
    else:
        say(
            f"{PROG} --stack {args.stack}: Secret {targets[0].secret}, "
            f"provider {outputs['provider_url']}"
        )
    checks: list[Check] = []
    readings: list[tuple[Target, dict[str, str] | None]] = []
    for target in targets:
        drift, data = secret_check(outputs, target, args, secrets)
        say(drift.line())
        checks.append(drift)
        readings.append((target, data))
    with requests.Session() as session:
        issuer, token_endpoint = discover(session, outputs, multi_tenant_url)
    say(issuer.line())
    checks.append(issuer)
    for token in token_checks(outputs, readings, token_endpoint, args, sleep):
        say(token.line())
        checks.append(token)
    ending = expiry(outputs, now, args.min_days)
    say(ending.line())
    checks.append(ending)
    policy = app_management_policy(outputs, now)
    say(policy.line())
    checks.append(policy)
    failed = [c.name for c in checks if c.ok is False]
    say(f"NOT verified: {', '.join(failed)}" if failed else "verified: all checks hold")
    return not failed


def _github_error(text: str) -> str:
    # One annotation per failure in a GitHub Actions log; % and newlines escaped.
    escaped = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return f"::error title=Verify::{escaped}"


def main(
    argv: Sequence[str] | None = None,
    *,
    now: datetime | None = None,
    multi_tenant_url: str = clouds.MULTI_TENANT_PROVIDER_URL,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    args = parser().parse_args(argv)
    on_github = os.environ.get("GITHUB_ACTIONS") == "true"
    secrets: list[str] = []

    def say(line: str) -> None:
        # Every line is redacted with the secrets known so far (the stack's, then the Secret's).
        line = redact(line, secrets)
        print(line, flush=True)
        if on_github and line.startswith("FAIL "):
            print(_github_error(line[5:]), flush=True)

    try:
        ok = run(
            args,
            now=(now or clock.current().now()).astimezone(UTC),
            multi_tenant_url=multi_tenant_url,
            sleep=sleep,
            say=say,
            secrets=secrets,
        )
    except UsageError as error:
        print(redact(f"{PROG}: error: {error}", secrets), file=sys.stderr, flush=True)
        return 2
    except VerifyError as error:
        say(f"FAIL {error}")
        return 1
    except Exception as error:  # a message, never a traceback
        say(f"FAIL unexpected error: {type(error).__name__}: {error}")
        return 1
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
