"""What the engine and the providers do, per resource type, as read in their sources.

The deploy-sequence oracle (engine.py) models only what is written here, and
every row names where it was read; docs/deploy-facts.md quotes the decisive
lines. The versions below are the ones read: `test_deploy_sequence.py` fails
when uv.lock, Pulumi.yaml's requiredPulumiVersion or the workflows' pinned CLI
move past them, so that the facts are read again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Versions whose sources the rows below were read in.
VERSIONS_READ = {
    "pulumi": "3.272.0",  # the Python SDK; the engine is the CLI's (below)
    "pulumi-azuread": "6.11.1",
    "pulumi-kubernetes": "4.34.2",
}
CLI_VERSION_READ = "3.277.0"

_GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

APPLICATION = "azuread:index/application:Application"
APPLICATION_PASSWORD = "azuread:index/applicationPassword:ApplicationPassword"
SERVICE_PRINCIPAL = "azuread:index/servicePrincipal:ServicePrincipal"
APP_ROLE_ASSIGNMENT = "azuread:index/appRoleAssignment:AppRoleAssignment"
PERMISSION_GRANT = "azuread:index/servicePrincipalDelegatedPermissionGrant:ServicePrincipalDelegatedPermissionGrant"
# The proof of earlier releases (a dynamic resource): only in their states now; this
# release's program proves in an apply before it registers the Secret
# (components/proof_step.py) and deletes the old proof at the end of its first deploy.
CREDENTIAL_PROOF = "pulumi-python:dynamic:Resource"
KUBERNETES_SECRET = "kubernetes:core/v1:Secret"
KUBERNETES_PROVIDER = "pulumi:providers:kubernetes"


@dataclass(frozen=True)
class TypeFacts:
    replace_on: frozenset[str] | None
    """Top-level inputs whose change forces replacement; None: every input does."""
    import_id: re.Pattern[str] | None
    """What the provider's importer accepts; None: the type cannot be imported."""
    source: str


AZUREAD = "hashicorp/terraform-provider-azuread v3 (as bridged by pulumi-azuread 6.11.1)"

TYPES: dict[str, TypeFacts] = {
    APPLICATION: TypeFacts(
        # Only template_id is ForceNew: name, audience, web, permissions, group
        # claims and owners update in place.
        frozenset({"templateId"}),
        re.compile(rf"^/applications/{_GUID}$"),
        f"{AZUREAD}: internal/services/applications/application_resource.go (schema, importer)",
    ),
    APPLICATION_PASSWORD: TypeFacts(
        None,  # every argument is ForceNew
        None,  # no importer
        f"{AZUREAD}: internal/services/applications/application_password_resource.go",
    ),
    SERVICE_PRINCIPAL: TypeFacts(
        frozenset({"clientId"}),
        # A bare object id fails the importer's ParseServicePrincipalID.
        re.compile(rf"^/servicePrincipals/{_GUID}$"),
        f"{AZUREAD}: internal/services/serviceprincipals/service_principal_resource.go",
    ),
    APP_ROLE_ASSIGNMENT: TypeFacts(
        frozenset({"appRoleId", "principalObjectId", "resourceObjectId"}),
        re.compile(rf"^/servicePrincipals/{_GUID}/appRoleAssignedTo/[A-Za-z0-9_-]+$"),
        f"{AZUREAD}: internal/services/approleassignments/app_role_assignment_resource.go",
    ),
    PERMISSION_GRANT: TypeFacts(
        frozenset({"servicePrincipalObjectId", "resourceServicePrincipalObjectId", "userObjectId"}),
        re.compile(r"^/oauth2PermissionGrants/[A-Za-z0-9_-]+$"),
        f"{AZUREAD}: internal/services/serviceprincipals/"
        "service_principal_delegated_permission_grant_resource.go",
    ),
}

# pulumi/pulumi-kubernetes v4.34.2, provider/pkg/provider/provider.go:
# forceNewProperties() -- a Secret's data, stringData and type force replacement
# unless the provider has enableSecretMutable and the Secret is not immutable.
SECRET_DATA_INPUTS = frozenset({"data", "stringData", "type"})
# Same file, Diff(): a replacement of a named object (metadata.name set) that
# keeps its name and namespace is delete-before-replace, since two objects
# cannot share a name. A different name or namespace is a different object:
# replaced, create first.
SECRET_IDENTITY = ("name", "namespace")
# Same file, DiffConfig(): the provider, and a resource moving to it from
# another provider (pulumi/pulumi step_generator.go, CLI >= 3.151.0), is
# replaced when kubeconfig, context or cluster may point at another cluster,
# renderYamlToDirectory changes, or clusterIdentifier changes value. The
# oracle replaces whenever one of these differs, which is stricter than the
# provider (it also compares the clusters the kubeconfigs resolve to). Other
# settings (enableSecretMutable, upsertExistingObjects, ...) update in place.
PROVIDER_CLUSTER_INPUTS = ("kubeconfig", "context", "cluster", "renderYamlToDirectory")
CLUSTER_IDENTIFIER = "clusterIdentifier"
# Its own settings, as the default provider reads them from the stack's config
# (`kubernetes:<name>`).
PROVIDER_FLAGS = ("enableSecretMutable", "upsertExistingObjects")

# Errors and warnings the engine gives (pulumi/pulumi v3.272.0,
# pkg/resource/deploy/step_generator.go), as the oracle reports them.
PROTECTED_REPLACE = 'unable to replace resource "{urn}"\nas it is currently marked for protection.'
PROTECTED_DELETE = 'resource "{urn}" cannot be deleted\nbecause it is protected.'
IMPORTED_REPLACE = "previously-imported resources that still specify an ID may not be replaced"
UNTARGETED = "Resource '{urn}' depends on '{dep}' which was was not specified in --target list."
# pulumi-kubernetes Create (4.29.0+, #2926); a preview with server-side apply
# (the default) passes.
ALREADY_EXISTS = "{urn}: AlreadyExists"
# The importer's validation fails; the engine reports "resource '<id>' does not exist".
BAD_IMPORT_ID = "{urn}: resource '{id}' does not exist"
# The azuread provider's create of an app role assignment is a plain POST (TFA v3.9.0
# app_role_assignment_resource.go, appRoleAssignmentResourceCreate), and Graph refuses one that
# exists with a 400 (lab/entra/access.py cites it). A preview does not call Create.
ASSIGNMENT_EXISTS = (
    "{urn}: 400 Request_BadRequest: Permission being assigned already exists on the object"
)
