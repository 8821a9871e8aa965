"""The settings, each in one place (no Pulumi import).

OPTIONS is the source of truth for every setting: its config key, the
component argument, the type Pulumi.yaml declares, the default, the
description (Pulumi.yaml's and the argument's docstring, checked by tests), and
the check of its value (checks.py). Rules that join settings come after it.
Every problem is collected and reported together, naming each key and what it
expects, before anything is registered.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import args as arguments
from . import checks, clouds, config_keys, rotation
from .args import GroupMembershipClaim, PomeriumIdentityProviderArgs, SignInAudience
from .checks import CALLBACK_PATH
from .graph import DEFAULT_GRAPH_SCOPES, DELEGATED_SCOPE_IDS

PROJECT = "pomerium-azure-ad"
ENVIRONMENT_KEY = "azuread:environment"
TENANT_KEY = "azuread:tenantId"
MAX_DISPLAY_NAME = 120

__all__ = ["CALLBACK_PATH", "OPTIONS", "PROJECT", "ConfigError", "Settings"]


@dataclass(frozen=True)
class Option:
    key: str
    """The config key (in namespace pomerium-azure-ad) and the schema's input name."""
    field: str
    """The component argument's name, and the Settings attribute's."""
    type: str
    """Pulumi.yaml's type: string, boolean, integer or array (of strings)."""
    default: Any
    """None: required."""
    description: str
    """Pulumi.yaml's description and the component argument's docstring."""
    expects: str
    """What a valid value is, as error messages say it."""
    check: Callable[[Any], Any]
    """The value, normalized, or checks.Invalid."""
    items: str = "string"
    """An array's item type in Pulumi.yaml."""


def _flag(key: str, field: str, default: bool, description: str) -> Option:
    return Option(key, field, "boolean", default, description, "true or false", checks.boolean)


_AUDIENCES = ", ".join(a.value for a in SignInAudience)
_CLAIMS = ", ".join(c.value for c in GroupMembershipClaim)
_OBJECT_IDS = "distinct object ids (GUIDs, not the nil GUID)"


def _claims(value: Any) -> tuple[GroupMembershipClaim, ...]:
    claims = checks.distinct_list(checks.enum_member(GroupMembershipClaim), non_empty=True)(value)
    checks.require(GroupMembershipClaim.NONE not in claims or len(claims) == 1)
    return tuple(claims)


OPTIONS: tuple[Option, ...] = (
    Option(
        "authenticateServiceUrl",
        "authenticate_service_url",
        "string",
        "",
        "Pomerium's authenticate service URL (https, a host and an optional port, no path). "
        "The reply URL is this plus /oauth2/callback. Required unless clusters is set.",
        "an https URL with a host and an optional port, and no path, query, fragment or "
        "user info (e.g. https://authenticate.example.com), unless clusters is set",
        checks.optional(checks.authenticate_url),
    ),
    Option(
        "clusters",
        "clusters",
        "array",
        [],
        "Pomerium in several clusters behind this one app registration: a list of {name, "
        "context, authenticateServiceUrl, kubernetesNamespace?, kubernetesSecretName?}. Empty: "
        "one cluster, the ambient kubeconfig's, with authenticateServiceUrl.",
        "a list of distinct clusters, each {name: a DNS-1123 label, context: a kubeconfig "
        "context, authenticateServiceUrl: an https URL, optional kubernetesNamespace and "
        "kubernetesSecretName}, with distinct names and contexts",
        checks.cluster_list,
        items="object",
    ),
    Option(
        "additionalRedirectUrls",
        "additional_redirect_urls",
        "array",
        [],
        "Further full reply URLs (e.g. a second cluster's), each https and ending in "
        "/oauth2/callback.",
        f"a list of https URLs ending in {CALLBACK_PATH}, without query, fragment or user info",
        checks.distinct_list(checks.reply_url),
    ),
    Option(
        "displayName",
        "display_name",
        "string",
        "",
        'Display name of the app registration; empty means "Pomerium (<stack>)".',
        f'a display name of at most {MAX_DISPLAY_NAME} characters, or empty for "Pomerium '
        '(<stack>)"',
        checks.text(MAX_DISPLAY_NAME),
    ),
    Option(
        "signInAudience",
        "sign_in_audience",
        "string",
        SignInAudience.AZURE_AD_MY_ORG.value,
        "AzureADMyOrg (single tenant) or AzureADMultipleOrgs (multi-tenant, global cloud only).",
        f"one of {_AUDIENCES}",
        checks.enum_member(SignInAudience),
    ),
    Option(
        "graphScopes",
        "graph_scopes",
        "array",
        list(DEFAULT_GRAPH_SCOPES),
        "Microsoft Graph delegated permissions to request, by name.",
        "a non-empty list of distinct Microsoft Graph delegated permissions from "
        + ", ".join(DELEGATED_SCOPE_IDS),
        checks.distinct_list(checks.one_of(DELEGATED_SCOPE_IDS), non_empty=True),
    ),
    Option(
        "groupMembershipClaims",
        "group_membership_claims",
        "array",
        [GroupMembershipClaim.SECURITY_GROUP.value],
        "Groups listed in the ID token's groups claim (SecurityGroup, All, ApplicationGroup, "
        "DirectoryRole, or None alone).",
        f"a non-empty list of distinct values from {_CLAIMS}, with None only alone",
        _claims,
    ),
    _flag(
        "grantAdminConsent",
        "grant_admin_consent",
        False,
        "Grant tenant-wide admin consent for the Graph permissions (needs a privileged deployer).",
    ),
    Option(
        "owners",
        "owners",
        "array",
        [],
        "Object ids (GUIDs) of further owners of the application and its service principal: "
        "users or service principals.",
        f"a list of {_OBJECT_IDS} of users or service principals: groups cannot own applications",
        checks.distinct_list(checks.object_id),
    ),
    _flag(
        "includeDeployerAsOwner",
        "include_deployer_as_owner",
        True,
        "Make the deploying principal an owner (needed by an Application.ReadWrite.OwnedBy "
        "deployer).",
    ),
    Option(
        "deployerObjectId",
        "deployer_object_id",
        "string",
        "",
        "Object id of the identity that deploys this stack (the pipeline's); it is the owner "
        "includeDeployerAsOwner adds, whoever runs a preview. Empty means whoever deploys.",
        "empty (whoever deploys), or the object id (GUID) of the identity that deploys this "
        "stack, made an owner whoever runs a preview",
        checks.optional(checks.object_id),
    ),
    Option(
        "clientSecretRotationDays",
        "client_secret_rotation_days",
        "integer",
        rotation.DEFAULT_ROTATION_DAYS,
        "Days each client secret stays in the Kubernetes Secret before the next deploy "
        f"rotates it ({rotation.MIN_ROTATION_DAYS} to {rotation.MAX_ROTATION_DAYS}).",
        f"a whole number of days from {rotation.MIN_ROTATION_DAYS} to "
        f"{rotation.MAX_ROTATION_DAYS} (credentials then live at most "
        f"{rotation.MAX_CREDENTIAL_LIFETIME_DAYS} days)",
        checks.whole_number(rotation.MIN_ROTATION_DAYS, rotation.MAX_ROTATION_DAYS),
    ),
    Option(
        "kubernetesNamespace",
        "kubernetes_namespace",
        "string",
        "pomerium",
        "Namespace of the Kubernetes Secret Pomerium reads (a DNS-1123 label).",
        "a DNS-1123 label: at most 63 lowercase letters, digits and '-', starting and "
        "ending with a letter or digit",
        checks.dns_label,
    ),
    Option(
        "kubernetesSecretName",
        "kubernetes_secret_name",
        "string",
        "idp",
        "Name of the Kubernetes Secret Pomerium reads (a DNS-1123 subdomain).",
        "a DNS-1123 subdomain: at most 253 lowercase letters, digits, '-' and '.', each "
        "part starting and ending with a letter or digit",
        checks.dns_subdomain,
    ),
    _flag(
        "assignmentRequired",
        "assignment_required",
        False,
        "Entra ID refuses sign-in to users not assigned to the application (directly or "
        "through a group); on whenever allowedGroups is set.",
    ),
    Option(
        "allowedGroups",
        "allowed_groups",
        "array",
        [],
        "Object ids (GUIDs) of groups assigned to the application (default access); setting "
        "any turns assignment on.",
        "a list of distinct group object ids (GUIDs, not the nil GUID)",
        checks.distinct_list(checks.object_id),
    ),
    Option(
        "adoptApplicationObjectId",
        "adopt_application_object_id",
        "string",
        "",
        "Object id of an app registration made by hand, to import instead of creating one "
        "(set with adoptServicePrincipalObjectId).",
        "empty, or the object id (GUID) of an existing app registration, set together with "
        "adoptServicePrincipalObjectId",
        checks.optional(checks.object_id),
    ),
    Option(
        "adoptServicePrincipalObjectId",
        "adopt_service_principal_object_id",
        "string",
        "",
        "Object id of that application's enterprise application (service principal), to import.",
        "empty, or the object id (GUID) of the existing application's enterprise application, "
        "set together with adoptApplicationObjectId",
        checks.optional(checks.object_id),
    ),
    _flag(
        "adoptKubernetesSecret",
        "adopt_kubernetes_secret",
        False,
        "Take over an existing Kubernetes Secret of the same namespace and name in place; "
        "the stack never deletes it.",
    ),
    Option(
        "adoptAdminConsentGrantId",
        "adopt_admin_consent_grant_id",
        "string",
        "",
        "Id of a tenant-wide permission grant made in the portal, to import instead of "
        "creating one (Graph refuses a second, 409); needs grantAdminConsent.",
        "empty, or the id of the tenant-wide permission grant made in the portal (letters, "
        "digits, '-' and '_'), with grantAdminConsent: true",
        checks.optional(checks.grant_id),
    ),
    _flag(
        "protect",
        "protect",
        False,
        "Protect the application, its service principal and the Kubernetes Secret from "
        "deletion (never the rotating client secrets).",
    ),
)
OPTIONS_BY_KEY = {option.key: option for option in OPTIONS}

# The cloud is not one of this project's config keys: the program reads it from
# the azuread provider's own setting, the component takes it as an argument.
ENVIRONMENT_OPTION = Option(
    "azureEnvironment",
    "azure_environment",
    "string",
    clouds.DEFAULT_ENVIRONMENT,
    "Azure cloud, as the azuread provider names it: global (default), usgovernment, "
    "usgovernmentl4, usgovernmentl5, dod or china.",
    "one of " + ", ".join(clouds.LOGIN_HOSTS),
    lambda value: checks.one_of(clouds.LOGIN_HOSTS)(
        clouds.normalize_environment(value) if isinstance(value, str) else value
    ),
)
ALL_OPTIONS = (*OPTIONS, ENVIRONMENT_OPTION)


@dataclass(frozen=True)
class Problem:
    key: str
    expects: str
    got: Any
    said: str = ""
    """The message after the key, when it is not "expected …; got …" (e.g. a value
    that must not be shown)."""

    def __str__(self) -> str:
        if self.said:
            return f"{self.key}: {self.said}"
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
class Cluster:
    """Where one Pomerium runs: its Secret and its authenticate URL."""

    name: str
    """Stable within the stack (resource names, the provider's clusterIdentifier); "" for the
    single cluster of a stack without `clusters`."""
    context: str
    """Its kubeconfig context; "" for the ambient kubeconfig's current one."""
    authenticate_service_url: str
    namespace: str
    secret_name: str

    @property
    def secret(self) -> str:
        return f"{self.namespace}/{self.secret_name}"


@dataclass(frozen=True)
class Settings:
    """Validated settings: everything the component needs, nothing it must still check."""

    authenticate_service_url: str
    """The first cluster's, normalized (https://host[:port]): the application's sign-on URL."""
    redirect_urls: tuple[str, ...]
    """Every cluster's callback (distinct, in order), then the additional ones."""
    clusters: tuple[Cluster, ...]
    """Never empty: a stack without `clusters` has one, named "" (the ambient kubeconfig)."""
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
        """The first cluster's Secret as `namespace/name`, the form Pomerium's
        identityProvider.secret takes."""
        return self.clusters[0].secret

    @property
    def several_clusters(self) -> bool:
        return bool(self.clusters[0].name)

    def provider_url(self, tenant_id: str) -> str:
        return clouds.provider_url(
            self.azure_environment, tenant_id, multi_tenant=self.multi_tenant
        )


# --- validation ---------------------------------------------------------------


def _checked(values: Mapping[str, Any], bad: Callable[[Option, Any], None]) -> dict[str, Any]:
    """Each option's normalized value (its default when unset); `bad` hears the rest."""
    checked: dict[str, Any] = {}
    for option in ALL_OPTIONS:
        value = values.get(option.field)
        value = option.default if value is None else value
        try:
            checked[option.field] = option.check(value)
        except checks.Invalid:
            bad(option, value.value if hasattr(value, "value") else value)
    return checked


def _joined(checked: dict[str, Any], name: Callable[[str], str]) -> list[Problem]:
    """The rules that join settings (only between values that passed their own checks)."""
    found: list[Problem] = []
    o = OPTIONS_BY_KEY
    url, clusters = checked.get("authenticate_service_url"), checked.get("clusters")
    if url is not None and clusters is not None and bool(url) == bool(clusters):
        both = f"{name('authenticateServiceUrl')} and {name('clusters')}"
        expects = (
            "exactly one of them: authenticateServiceUrl for one cluster, clusters (each "
            "with its own authenticateServiceUrl) for several"
        )
        unset = (
            f"not set, nor {name('clusters')}: set it to Pomerium's authenticate URL (e.g. "
            "https://authenticate.example.com), or list clusters (is the stack's file empty, "
            "or its namespace mistyped?)"
        )
        found.append(
            Problem(both, expects, "both")
            if url
            else Problem(name("authenticateServiceUrl"), expects, "", unset)
        )
    adopt = ("adopt_application_object_id", "adopt_service_principal_object_id")
    if all(f in checked for f in adopt) and bool(checked[adopt[0]]) != bool(checked[adopt[1]]):
        # A portal-registered app always has its enterprise application: creating a
        # second one for it fails, and an adopted one cannot belong to a new app.
        missing = (
            "adoptServicePrincipalObjectId" if checked[adopt[0]] else "adoptApplicationObjectId"
        )
        empty = o[missing]
        found.append(Problem(name(empty.key), empty.expects, ""))
    grant = checked.get("adopt_admin_consent_grant_id")
    if grant and checked.get("grant_admin_consent") is False:
        option = o["adoptAdminConsentGrantId"]
        found.append(Problem(name(option.key), option.expects, grant))
    audience, environment = checked.get("sign_in_audience"), checked.get("azure_environment")
    if (
        audience is SignInAudience.AZURE_AD_MULTIPLE_ORGS
        and environment
        and not clouds.is_global(environment)
    ):
        found.append(
            Problem(
                f"{name('signInAudience')} with {name(ENVIRONMENT_OPTION.key)}",
                f"{SignInAudience.AZURE_AD_MY_ORG.value} outside the global cloud: Pomerium "
                f"accepts multi-tenant sign-in only through {clouds.MULTI_TENANT_PROVIDER_URL}",
                f"{audience.value} in {environment}",
            )
        )
    return found


# What each key of a cluster expects, as messages say it.
CLUSTER_EXPECTS = {
    "name": OPTIONS_BY_KEY["kubernetesNamespace"].expects,
    "context": "the name of a kubeconfig context (not empty, at most 253 characters)",
    "authenticate_service_url": OPTIONS_BY_KEY["authenticateServiceUrl"].expects.removesuffix(
        ", unless clusters is set"
    ),
    "kubernetes_namespace": OPTIONS_BY_KEY["kubernetesNamespace"].expects,
    "kubernetes_secret_name": OPTIONS_BY_KEY["kubernetesSecretName"].expects,
}
ARGUMENT_KEYS = {key: key for key in CLUSTER_EXPECTS}


def validate(
    values: Mapping[str, Any],
    *,
    stack: str,
    name: Callable[[str], str],
    context: str,
    cluster_keys: Mapping[str, str] = ARGUMENT_KEYS,
) -> Settings:
    """Settings from `values` keyed by component field names (missing optional
    keys take their defaults), or ConfigError naming every bad key via `name`, and
    each bad cluster's keys as the caller spelled them (`cluster_keys`: the caller's
    key -> the argument name)."""
    found = config_keys.cluster_entries(
        values.get("clusters"), where=name("clusters"), keys=cluster_keys, expects=CLUSTER_EXPECTS
    )
    clusters = OPTIONS_BY_KEY["clusters"]
    problems = [Problem(key, clusters.expects, None, said) for key, said in found]
    if not found:
        values = {**values, "clusters": with_argument_keys(values.get("clusters"), cluster_keys)}

    def bad(option: Option, got: Any) -> None:
        if not (option is clusters and found):
            problems.append(Problem(name(option.key), option.expects, got))

    checked = _checked(values, bad)
    if found:
        checked.pop("clusters", None)  # said entry by entry above; no rule joins it
    problems += _joined(checked, name)
    if problems:
        raise ConfigError(problems, context=context)
    checked["clusters"] = _clusters(checked)
    callbacks = [c.authenticate_service_url + CALLBACK_PATH for c in checked["clusters"]]
    additional = checked.pop("additional_redirect_urls")
    checked["redirect_urls"] = tuple(dict.fromkeys([*callbacks, *additional]))
    checked["authenticate_service_url"] = checked["clusters"][0].authenticate_service_url
    checked["display_name"] = checked["display_name"] or f"Pomerium ({stack})"
    return Settings(**checked)


def _clusters(checked: dict[str, Any]) -> tuple[Cluster, ...]:
    """The clusters, each with the stack-wide namespace and name unless it sets its own."""
    namespace, secret_name = checked["kubernetes_namespace"], checked["kubernetes_secret_name"]
    if not checked["clusters"]:
        url = checked["authenticate_service_url"]
        return (Cluster("", "", url, namespace, secret_name),)
    return tuple(
        Cluster(
            c["name"],
            c["context"],
            c["authenticate_service_url"],
            c.get("kubernetes_namespace", namespace),
            c.get("kubernetes_secret_name", secret_name),
        )
        for c in checked["clusters"]
    )


@dataclass(frozen=True)
class UnknownArgument(Problem):
    """An argument the component does not take; `expects` is the nearest it does."""

    def __str__(self) -> str:
        nearest = f"; did you mean {self.expects}?" if self.expects else ""
        return f"{self.key}: not an argument of PomeriumIdentityProvider{nearest}"


def argument_name(key: str) -> str:
    """An option's name as the caller wrote it (args.SCHEMA_NAMES_IN_MESSAGES)."""
    option = {o.key: o for o in ALL_OPTIONS}.get(key)
    if arguments.SCHEMA_NAMES_IN_MESSAGES or option is None:
        return key
    return option.field


def settings_from_args(args: Mapping[str, Any], *, stack: str) -> Settings:
    """Validate the component's arguments: one ConfigError naming every unknown
    and every bad argument as the caller wrote it."""
    context = "Invalid PomeriumIdentityProvider arguments"
    unknown: list[Problem] = [
        UnknownArgument(name, nearest or "", None)
        for name, nearest in arguments.unknown_arguments(args)
    ]
    try:
        settings = validate(args, stack=stack, name=argument_name, context=context)
    except ConfigError as error:
        raise ConfigError(unknown + error.problems, context=context) from None
    if unknown:
        raise ConfigError(unknown, context=context)
    return settings


# --- reading the stack's config ---------------------------------------------


def _config_name(key: str) -> str:
    return ENVIRONMENT_KEY if key == ENVIRONMENT_OPTION.key else f"{PROJECT}:{key}"


# A cluster's keys in config, and as the component's arguments name them.
CLUSTER_CONFIG_KEYS = {
    "name": "name",
    "context": "context",
    "authenticateServiceUrl": "authenticate_service_url",
    "kubernetesNamespace": "kubernetes_namespace",
    "kubernetesSecretName": "kubernetes_secret_name",
}


def with_argument_keys(value: Any, keys: Mapping[str, str]) -> Any:
    """Each cluster's keys as the component's arguments name them (`keys`: the caller's
    spelling -> the argument's); anything else is left as it is, for the checks."""
    if not isinstance(value, list):
        return value
    return [
        {keys.get(k, k): v for k, v in item.items()} if isinstance(item, dict) else item
        for item in value
    ]


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


def undeclared_keys(keys: Iterable[str]) -> list[Problem]:
    """Keys of this project's namespace (full `namespace:key`) that no option declares,
    each with the nearest declared key; never their values."""
    found = config_keys.undeclared(keys, project=PROJECT, declared=OPTIONS_BY_KEY)
    return [Problem(key, "one of this project's settings", None, said) for key, said in found]


def _rank(order: list[str], key: str) -> int:
    return order.index(key) if key in order else len(order)


def args_from_config(
    raw: Mapping[str, str],
    *,
    environment: str | None,
    stack: str,
    tenant_id: str | None = None,
    keys: Iterable[str] = (),
) -> PomeriumIdentityProviderArgs:
    """The component's arguments from the stack's config strings (keys without
    the namespace), validated: ConfigError names every wrong key. `tenant_id`:
    the azuread provider's `tenantId` setting, if the stack pins one; `keys`: every
    full key of the stack's config, checked for keys no option declares."""
    problems: list[Problem] = undeclared_keys(keys)
    if tenant_id and not checks.GUID.match(tenant_id):
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
        validate(
            values,
            stack=stack,
            name=_config_name,
            context=context,
            cluster_keys=CLUSTER_CONFIG_KEYS,
        )
    except ConfigError as error:
        # Values that did not decode were left out above; keep every problem,
        # in the order of the table.
        problems += error.problems
    if problems:
        order = [TENANT_KEY, *(_config_name(o.key) for o in (*OPTIONS, ENVIRONMENT_OPTION))]
        # A cluster's problems (`…:clusters[1] (green)`) stand where `clusters` does.
        problems.sort(key=lambda p: _rank(order, p.key.partition("[")[0]))
        raise ConfigError(problems, context=context)
    if "clusters" in values:
        values["clusters"] = with_argument_keys(values["clusters"], CLUSTER_CONFIG_KEYS)
    return values  # type: ignore[return-value]
