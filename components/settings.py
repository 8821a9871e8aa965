"""Reading and validating the settings (no Pulumi import).

One table, OPTIONS, is the code's source of truth for every setting's type and
default; Pulumi.yaml declares the same (a test keeps them in step). Every
problem is collected and reported together, naming each key and what it
expects, before anything is registered.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from . import clouds, rotation
from .args import GroupMembershipClaim, PomeriumIdentityProviderArgs, SignInAudience
from .graph import DEFAULT_GRAPH_SCOPES, DELEGATED_SCOPE_IDS

PROJECT = "pomerium-azure-ad"
CALLBACK_PATH = "/oauth2/callback"
ENVIRONMENT_KEY = "azuread:environment"
TENANT_KEY = "azuread:tenantId"

_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# A placeholder, never a directory object's id.
NIL_GUID = "00000000-0000-0000-0000-000000000000"


def _object_id(value: Any) -> bool:
    return isinstance(value, str) and bool(_GUID.match(value)) and value != NIL_GUID


# Permission grant ids are base64url text, e.g. "aaBBcDDeFG6h5JKLMN2PQrrssTTUUvWWxxxxxyyyzzz".
_GRANT_ID = re.compile(r"^[A-Za-z0-9_-]{20,100}$")
_DNS_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS_1123_LABEL = re.compile(rf"^{_DNS_LABEL}$")
_DNS_1123_SUBDOMAIN = re.compile(rf"^{_DNS_LABEL}(\.{_DNS_LABEL})*$")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


@dataclass(frozen=True)
class Option:
    key: str
    """The config key (in namespace pomerium-azure-ad) and the schema's input name."""
    field: str
    """The component argument's name."""
    type: str
    """Pulumi.yaml's type: string, boolean, integer or array (of strings)."""
    default: Any
    """None: required."""
    expects: str
    """What a valid value is, as error messages say it."""


_AUDIENCES = ", ".join(a.value for a in SignInAudience)
_CLAIMS = ", ".join(c.value for c in GroupMembershipClaim)

OPTIONS: tuple[Option, ...] = (
    Option(
        "authenticateServiceUrl",
        "authenticate_service_url",
        "string",
        None,
        "an https URL with a host and an optional port, and no path, query, fragment or "
        "user info (e.g. https://authenticate.example.com)",
    ),
    Option(
        "additionalRedirectUrls",
        "additional_redirect_urls",
        "array",
        [],
        f"a list of https URLs ending in {CALLBACK_PATH}, without query, fragment or user info",
    ),
    Option(
        "displayName",
        "display_name",
        "string",
        "",
        'a display name of at most 120 characters, or empty for "Pomerium (<stack>)"',
    ),
    Option(
        "signInAudience",
        "sign_in_audience",
        "string",
        SignInAudience.AZURE_AD_MY_ORG.value,
        f"one of {_AUDIENCES}",
    ),
    Option(
        "graphScopes",
        "graph_scopes",
        "array",
        list(DEFAULT_GRAPH_SCOPES),
        "a non-empty list of distinct Microsoft Graph delegated permissions from "
        + ", ".join(DELEGATED_SCOPE_IDS),
    ),
    Option(
        "groupMembershipClaims",
        "group_membership_claims",
        "array",
        [GroupMembershipClaim.SECURITY_GROUP.value],
        f"a non-empty list of distinct values from {_CLAIMS}, with None only alone",
    ),
    Option("grantAdminConsent", "grant_admin_consent", "boolean", False, "true or false"),
    Option(
        "owners",
        "owners",
        "array",
        [],
        "a list of distinct object ids (GUIDs, not the nil GUID) of users or service "
        "principals: groups cannot own applications",
    ),
    Option("includeDeployerAsOwner", "include_deployer_as_owner", "boolean", True, "true or false"),
    Option(
        "deployerObjectId",
        "deployer_object_id",
        "string",
        "",
        "empty (whoever deploys), or the object id (GUID) of the identity that deploys this "
        "stack, made an owner whoever runs a preview",
    ),
    Option(
        "clientSecretRotationDays",
        "client_secret_rotation_days",
        "integer",
        rotation.DEFAULT_ROTATION_DAYS,
        f"a whole number of days from {rotation.MIN_ROTATION_DAYS} to "
        f"{rotation.MAX_ROTATION_DAYS} (credentials then live at most "
        f"{rotation.MAX_CREDENTIAL_LIFETIME_DAYS} days)",
    ),
    Option(
        "kubernetesNamespace",
        "kubernetes_namespace",
        "string",
        "pomerium",
        "a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and "
        "ending with a letter or digit",
    ),
    Option(
        "kubernetesSecretName",
        "kubernetes_secret_name",
        "string",
        "idp",
        "a DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' and '.', each "
        "part starting and ending with a letter or digit",
    ),
    Option("assignmentRequired", "assignment_required", "boolean", False, "true or false"),
    Option(
        "allowedGroups",
        "allowed_groups",
        "array",
        [],
        "a list of distinct group object ids (GUIDs, not the nil GUID)",
    ),
    Option(
        "adoptApplicationObjectId",
        "adopt_application_object_id",
        "string",
        "",
        "empty, or the object id (GUID) of an existing app registration, set together with "
        "adoptServicePrincipalObjectId",
    ),
    Option(
        "adoptServicePrincipalObjectId",
        "adopt_service_principal_object_id",
        "string",
        "",
        "empty, or the object id (GUID) of the existing application's enterprise application, "
        "set together with adoptApplicationObjectId",
    ),
    Option("adoptKubernetesSecret", "adopt_kubernetes_secret", "boolean", False, "true or false"),
    Option(
        "adoptAdminConsentGrantId",
        "adopt_admin_consent_grant_id",
        "string",
        "",
        "empty, or the id of the tenant-wide permission grant made in the portal (letters, "
        "digits, '-' and '_'), with grantAdminConsent: true",
    ),
    Option("protect", "protect", "boolean", False, "true or false"),
)
OPTIONS_BY_KEY = {option.key: option for option in OPTIONS}

# The cloud is not one of this project's config keys: the program reads it from
# the azuread provider's own setting, the component takes it as an argument.
ENVIRONMENT_OPTION = Option(
    "azureEnvironment",
    "azure_environment",
    "string",
    clouds.DEFAULT_ENVIRONMENT,
    "one of " + ", ".join(clouds.LOGIN_HOSTS),
)
MAX_DISPLAY_NAME = 120


@dataclass(frozen=True)
class Problem:
    key: str
    expects: str
    got: Any

    def __str__(self) -> str:
        return f"{self.key}: expected {self.expects}; got {self.got!r}"


class ConfigError(ValueError):
    """Every problem with the settings, in one message."""

    def __init__(self, problems: list[Problem], *, context: str) -> None:
        self.problems = problems
        count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
        lines = [f"{context} ({count}); nothing was deployed:"]
        lines += [f"  - {problem}" for problem in problems]
        super().__init__("\n".join(lines))


@dataclass(frozen=True)
class Settings:
    """Validated settings: everything the component needs, nothing it must still check."""

    authenticate_service_url: str
    """Normalized: https://host[:port], no trailing slash."""
    redirect_urls: tuple[str, ...]
    """The authenticate URL's callback first, then the additional ones."""
    display_name: str
    sign_in_audience: SignInAudience
    graph_scopes: tuple[str, ...]
    group_membership_claims: tuple[GroupMembershipClaim, ...]
    grant_admin_consent: bool
    owners: tuple[str, ...]
    """Lowercase, as Graph returns them (the provider compares case-sensitively)."""
    include_deployer_as_owner: bool
    deployer_object_id: str
    """Lowercase; empty: the identity that runs the deploy."""
    assignment_required: bool
    """As set; see `app_role_assignment_required` for what the application gets."""
    allowed_groups: tuple[str, ...]
    adopt_application_object_id: str
    """Empty: create the application; else import this one."""
    adopt_service_principal_object_id: str
    adopt_kubernetes_secret: bool
    adopt_admin_consent_grant_id: str
    """Empty: create the tenant-wide grant; else import this one."""
    client_secret_rotation_days: int
    kubernetes_namespace: str
    kubernetes_secret_name: str
    protect: bool
    azure_environment: str

    @property
    def multi_tenant(self) -> bool:
        return self.sign_in_audience is SignInAudience.AZURE_AD_MULTIPLE_ORGS

    @property
    def app_role_assignment_required(self) -> bool:
        """Assigning groups only restricts sign-in when assignment is required."""
        return self.assignment_required or bool(self.allowed_groups)

    @property
    def kubernetes_secret(self) -> str:
        """`namespace/name`, the form Pomerium's identityProvider.secret takes."""
        return f"{self.kubernetes_namespace}/{self.kubernetes_secret_name}"

    def provider_url(self, tenant_id: str) -> str:
        return clouds.provider_url(
            self.azure_environment, tenant_id, multi_tenant=self.multi_tenant
        )


# --- URL checks -------------------------------------------------------------


def _valid_host(host: str | None) -> bool:
    if not host or len(host) > 253:
        return False
    if ":" in host:  # IPv6 literal; urlsplit already parsed the brackets
        return True
    return all(_HOST_LABEL.match(label) for label in host.split("."))


def _https_parts(url: str) -> Any:
    """urlsplit result if `url` is https with a valid host and port and no user
    info, query or fragment; else None."""
    if not isinstance(url, str) or any(c in url for c in "?# \t\n\\"):
        return None
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme != "https" or parts.username is not None or parts.password is not None:
        return None
    if not _valid_host(parts.hostname):
        return None
    return parts


def normalize_authenticate_url(url: str) -> str | None:
    """`https://host[:port]` for a valid authenticate URL, else None."""
    parts = _https_parts(url)
    if parts is None or parts.path not in ("", "/"):
        return None
    return f"https://{parts.netloc.lower()}"


def _valid_redirect_url(url: str) -> bool:
    parts = _https_parts(url)
    return parts is not None and parts.path.endswith(CALLBACK_PATH) and "//" not in parts.path


# --- validation -----------------------------------------------------------


def _distinct_strings(value: Any) -> bool:
    return (
        isinstance(value, list)
        and all(isinstance(item, str) for item in value)
        and len(set(value)) == len(value)
    )


def _enum_value(value: Any) -> Any:
    return value.value if isinstance(value, str) and hasattr(value, "value") else value


def validate(
    values: Mapping[str, Any],
    *,
    stack: str,
    name: Callable[[str], str],
    context: str,
) -> Settings:
    """Settings from `values` keyed by component field names (missing optional
    keys take their defaults), or ConfigError naming every bad key via `name`."""
    problems: list[Problem] = []

    def get(option: Option) -> Any:
        value = values.get(option.field)
        return option.default if value is None else value

    def bad(option: Option, got: Any) -> None:
        problems.append(Problem(name(option.key), option.expects, got))

    o = OPTIONS_BY_KEY

    url = get(o["authenticateServiceUrl"])
    authenticate_url = normalize_authenticate_url(url) if isinstance(url, str) else None
    if authenticate_url is None:
        bad(o["authenticateServiceUrl"], url)

    additional = get(o["additionalRedirectUrls"])
    if not (_distinct_strings(additional) and all(_valid_redirect_url(u) for u in additional)):
        bad(o["additionalRedirectUrls"], additional)
        additional = []

    display_name = get(o["displayName"])
    if not isinstance(display_name, str) or len(display_name) > MAX_DISPLAY_NAME:
        bad(o["displayName"], display_name)
        display_name = ""
    display_name = display_name.strip() or f"Pomerium ({stack})"

    audience_value = _enum_value(get(o["signInAudience"]))
    audience = next((a for a in SignInAudience if a.value == audience_value), None)
    if audience is None:
        bad(o["signInAudience"], audience_value)

    scopes = get(o["graphScopes"])
    if not (scopes and _distinct_strings(scopes) and all(s in DELEGATED_SCOPE_IDS for s in scopes)):
        bad(o["graphScopes"], scopes)

    claims_value = get(o["groupMembershipClaims"])
    claims_raw = (
        [_enum_value(c) for c in claims_value] if isinstance(claims_value, list) else claims_value
    )
    known_claims = {c.value: c for c in GroupMembershipClaim}
    claims_ok = (
        bool(claims_raw)
        and _distinct_strings(claims_raw)
        and all(c in known_claims for c in claims_raw)
        and (GroupMembershipClaim.NONE.value not in claims_raw or len(claims_raw) == 1)
    )
    if not claims_ok:
        bad(o["groupMembershipClaims"], claims_raw)

    owners = get(o["owners"])
    if not (
        _distinct_strings(owners)
        and all(_object_id(x) for x in owners)
        and len({x.lower() for x in owners}) == len(owners)
    ):
        bad(o["owners"], owners)

    groups = get(o["allowedGroups"])
    if not (_distinct_strings(groups) and all(_object_id(x) for x in groups)):
        bad(o["allowedGroups"], groups)

    deployer = get(o["deployerObjectId"])
    if not (deployer == "" or _object_id(deployer)):
        bad(o["deployerObjectId"], deployer)
        deployer = ""

    grant_id = get(o["adoptAdminConsentGrantId"])
    grant_ok = isinstance(grant_id, str) and (grant_id == "" or _GRANT_ID.match(grant_id))
    if not grant_ok or (grant_id and get(o["grantAdminConsent"]) is not True):
        bad(o["adoptAdminConsentGrantId"], grant_id)
        grant_id = ""

    flags: dict[str, bool] = {}
    adopted: dict[str, str] = {}
    for key in ("adoptApplicationObjectId", "adoptServicePrincipalObjectId"):
        value = get(o[key])
        if not (value == "" or _object_id(value)):
            bad(o[key], value)
            value = ""
        adopted[key] = value.lower()
    if bool(adopted["adoptApplicationObjectId"]) != bool(adopted["adoptServicePrincipalObjectId"]):
        # A portal-registered app always has its enterprise application: creating a
        # second one for it fails, and an adopted one cannot belong to a new app.
        empty = next(k for k, v in adopted.items() if not v)
        bad(o[empty], "")

    for key in (
        "grantAdminConsent",
        "includeDeployerAsOwner",
        "assignmentRequired",
        "adoptKubernetesSecret",
        "protect",
    ):
        value = get(o[key])
        if not isinstance(value, bool):
            bad(o[key], value)
        flags[key] = value is True

    days = get(o["clientSecretRotationDays"])
    # Pulumi's Python provider host hands other languages' integers over as
    # floats (30.0): a whole float is the same number of days.
    if isinstance(days, float) and days.is_integer():
        days = int(days)
    if (
        isinstance(days, bool)
        or not isinstance(days, int)
        or not rotation.MIN_ROTATION_DAYS <= days <= rotation.MAX_ROTATION_DAYS
    ):
        bad(o["clientSecretRotationDays"], days)

    namespace = get(o["kubernetesNamespace"])
    if not (
        isinstance(namespace, str) and len(namespace) <= 63 and _DNS_1123_LABEL.match(namespace)
    ):
        bad(o["kubernetesNamespace"], namespace)

    secret_name = get(o["kubernetesSecretName"])
    if not (
        isinstance(secret_name, str)
        and len(secret_name) <= 253
        and _DNS_1123_SUBDOMAIN.match(secret_name)
    ):
        bad(o["kubernetesSecretName"], secret_name)

    environment_value = get(ENVIRONMENT_OPTION)
    environment = (
        clouds.normalize_environment(environment_value)
        if isinstance(environment_value, str)
        else None
    )
    if environment not in clouds.LOGIN_HOSTS:
        bad(ENVIRONMENT_OPTION, environment_value)
    elif audience is SignInAudience.AZURE_AD_MULTIPLE_ORGS and not clouds.is_global(environment):
        problems.append(
            Problem(
                f"{name('signInAudience')} with {name(ENVIRONMENT_OPTION.key)}",
                f"{SignInAudience.AZURE_AD_MY_ORG.value} outside the global cloud: Pomerium "
                f"accepts multi-tenant sign-in only through {clouds.MULTI_TENANT_PROVIDER_URL}",
                f"{audience.value} in {environment}",
            )
        )

    if problems:
        raise ConfigError(problems, context=context)
    assert authenticate_url is not None and audience is not None and environment is not None
    return Settings(
        authenticate_service_url=authenticate_url,
        redirect_urls=tuple(dict.fromkeys([authenticate_url + CALLBACK_PATH, *additional])),
        display_name=display_name,
        sign_in_audience=audience,
        graph_scopes=tuple(scopes),
        group_membership_claims=tuple(known_claims[c] for c in claims_raw),
        grant_admin_consent=flags["grantAdminConsent"],
        owners=tuple(owner.lower() for owner in owners),
        include_deployer_as_owner=flags["includeDeployerAsOwner"],
        deployer_object_id=deployer.lower(),
        assignment_required=flags["assignmentRequired"],
        allowed_groups=tuple(group.lower() for group in groups),
        adopt_application_object_id=adopted["adoptApplicationObjectId"],
        adopt_service_principal_object_id=adopted["adoptServicePrincipalObjectId"],
        adopt_kubernetes_secret=flags["adoptKubernetesSecret"],
        adopt_admin_consent_grant_id=grant_id,
        client_secret_rotation_days=days,
        kubernetes_namespace=namespace,
        kubernetes_secret_name=secret_name,
        protect=flags["protect"],
        azure_environment=environment,
    )


def settings_from_args(args: Mapping[str, Any], *, stack: str) -> Settings:
    """Validate the component's arguments (errors name the schema's input names)."""
    return validate(
        args,
        stack=stack,
        name=lambda key: key,
        context="Invalid PomeriumIdentityProvider arguments",
    )


# --- reading the stack's config ---------------------------------------------


def _config_name(key: str) -> str:
    return ENVIRONMENT_KEY if key == ENVIRONMENT_OPTION.key else f"{PROJECT}:{key}"


def _decode(option: Option, raw: str) -> tuple[bool, Any]:
    """Decode a config string as Pulumi hands it to the program (booleans and
    numbers as text, lists as JSON). (ok, value)."""
    if option.type == "string":
        return True, raw
    if option.type == "boolean":
        if raw in ("true", "false"):
            return True, raw == "true"
        return False, raw
    if option.type == "integer":
        try:
            return True, int(raw)
        except ValueError:
            return False, raw
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return False, raw
    return isinstance(value, list), value


def args_from_config(
    raw: Mapping[str, str],
    *,
    environment: str | None,
    stack: str,
    tenant_id: str | None = None,
) -> PomeriumIdentityProviderArgs:
    """The component's arguments from the stack's config strings (keys without
    the namespace), validated: ConfigError names every wrong key. `tenant_id`:
    the azuread provider's `tenantId` setting, if the stack pins one."""
    problems: list[Problem] = []
    if tenant_id and not _GUID.match(tenant_id):
        # The provider URL names the tenant, and Pomerium requires the discovery
        # document's issuer to equal it: Entra ID's issuer names the tenant's GUID.
        problems.append(
            Problem(
                TENANT_KEY,
                "the directory (tenant) id, a GUID: the provider URL must equal the issuer "
                "Entra ID names, which uses the GUID, not a domain such as "
                "corp.onmicrosoft.com (az account show --query tenantId -o tsv)",
                tenant_id,
            )
        )
    values: dict[str, Any] = {}
    for option in OPTIONS:
        text = raw.get(option.key)
        if text is None:
            continue
        ok, value = _decode(option, text)
        if ok:
            values[option.field] = value
        else:
            problems.append(Problem(_config_name(option.key), option.expects, value))
    values[ENVIRONMENT_OPTION.field] = environment or clouds.DEFAULT_ENVIRONMENT
    context = f'Invalid configuration for stack "{stack}"'
    try:
        validate(values, stack=stack, name=_config_name, context=context)
    except ConfigError as error:
        # Values that did not decode were left out above; keep every problem,
        # in the order of the table.
        problems += error.problems
    if problems:
        order = [TENANT_KEY, *(_config_name(o.key) for o in (*OPTIONS, ENVIRONMENT_OPTION))]
        problems.sort(key=lambda p: order.index(p.key) if p.key in order else len(order))
        raise ConfigError(problems, context=context)
    return values  # type: ignore[return-value]
