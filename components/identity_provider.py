"""The Pulumi component: wires Entra ID and Kubernetes resources from the pure core."""

# No `from __future__ import annotations`: Pulumi's schema analyzer reads the
# `args` and output annotations as live types (string annotations crash it).

import os
from typing import Any

import pulumi
import pulumi_azuread as azuread

from . import (
    adopted_assignments,
    adoption,
    app_management_policy_check,
    clock,
    cloud_fetch,
    clouds,
    graph,
    proof_step,
    rotation,
)
from .args import PomeriumIdentityProviderArgs
from .kubernetes_secret import write_kubernetes_secrets
from .settings import ConfigError, Settings, settings_from_args

TYPE_TOKEN = "pomerium-azure-ad:index:PomeriumIdentityProvider"

OUTPUTS = (
    "client_id",
    "application_object_id",
    "service_principal_object_id",
    "tenant_id",
    "provider_url",
    "redirect_urls",
    "client_secret",
    "client_secret_expires_at",
    "kubernetes_secret",
    "kubernetes_secrets",
)


class PomeriumIdentityProvider(pulumi.ComponentResource):
    """Pomerium's Microsoft Entra ID identity provider: the app registration, its
    enterprise application, rotating client secrets, optional admin consent, and
    the Kubernetes Secret Pomerium reads."""

    client_id: pulumi.Output[str]
    """Application (client) id: Pomerium's idp_client_id."""
    application_object_id: pulumi.Output[str]
    """Object id of the app registration."""
    service_principal_object_id: pulumi.Output[str]
    """Object id of the enterprise application (service principal)."""
    tenant_id: pulumi.Output[str]
    """Directory (tenant) id of the credentials that deployed it."""
    provider_url: pulumi.Output[str]
    """Pomerium's idp_provider_url."""
    redirect_urls: pulumi.Output[list[str]]
    """Reply URLs registered on the application."""
    client_secret: pulumi.Output[str]
    """Secret. The client secret now in the Kubernetes Secret: Pomerium's idp_client_secret."""
    client_secret_expires_at: pulumi.Output[str]
    """End date (RFC 3339) of the client secret now in the Kubernetes Secret."""
    kubernetes_secret: pulumi.Output[str]
    """The (first cluster's) Kubernetes Secret as namespace/name, the form Pomerium's identityProvider.secret takes."""
    kubernetes_secrets: pulumi.Output[list[dict[str, str]]]
    """One entry per cluster: cluster (its name; empty for a stack without clusters), context, secret (namespace/name) and authenticate_service_url."""

    def __init__(
        self,
        name: str,
        args: PomeriumIdentityProviderArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # Validate before anything is registered, this component included.
        try:
            settings = settings_from_args(args, stack=pulumi.get_stack())
            cloud = _cloud_of_metadata_host(settings.multi_tenant)
        except (ConfigError, clouds.CloudError) as error:
            raise pulumi.RunError(str(error)) from None
        app_management_policy_check.check(settings, cloud)
        assigned_by_hand = adopted_assignments.read(settings, cloud)
        super().__init__(TYPE_TOKEN, name, None, opts)
        self.settings = settings
        self.cloud = cloud
        self.rotation = rotation.plan_rotation(
            clock.current().now(), settings.client_secret_rotation_days
        )
        client_config = azuread.get_client_config_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        )
        owners = self._owners(settings, client_config.object_id)
        if settings.adopt_application_object_id:
            self._report_adoption(settings, owners)

        application = self._register_application(name, owners)
        service_principal = self._register_enterprise_application(name, application, owners)
        keeps: list[pulumi.Resource] = self._assign_groups(
            name, service_principal, assigned_by_hand
        )
        current = self._client_secrets(name, application)
        client_secret = self._prove(application, current, client_config.tenant_id)
        if settings.grant_admin_consent:
            keeps.append(self._grant_admin_consent(name, service_principal))
        provider_url = client_config.tenant_id.apply(self._provider_url)
        self._write_kubernetes_secrets(
            name, application.client_id, client_secret, provider_url, keeps
        )

        self.client_id = application.client_id
        self.application_object_id = application.object_id
        self.service_principal_object_id = service_principal.object_id
        self.tenant_id = client_config.tenant_id
        self.provider_url = provider_url
        self.redirect_urls = pulumi.Output.from_input(list(settings.redirect_urls))
        self.client_secret = client_secret
        self.client_secret_expires_at = current.end_date
        self.kubernetes_secret = pulumi.Output.from_input(settings.kubernetes_secret)
        self.kubernetes_secrets = pulumi.Output.from_input(cluster_outputs(settings))
        self.register_outputs({key: getattr(self, key) for key in OUTPUTS})

    # --- the guide's steps ------------------------------------------------------------

    def _protected(self, import_id: str = "") -> pulumi.ResourceOptions:
        return pulumi.ResourceOptions(
            parent=self, protect=self.settings.protect, import_=import_id or None
        )

    def _register_application(
        self, name: str, owners: pulumi.Output[list[str]]
    ) -> azuread.Application:
        """Register the application: its name, reply URLs, API permissions and group claims."""
        settings = self.settings
        adopted = settings.adopt_application_object_id
        return azuread.Application(
            f"{name}-application",
            display_name=settings.display_name,
            sign_in_audience=settings.sign_in_audience.value,
            # Reply URLs live only here: a separate ApplicationRedirectUris is
            # wiped whenever the Application updates (pulumi-azuread#1169).
            web=azuread.ApplicationWebArgs(
                homepage_url=settings.authenticate_service_url,
                redirect_uris=list(settings.redirect_urls),
            ),
            required_resource_accesses=[
                azuread.ApplicationRequiredResourceAccessArgs(
                    resource_app_id=graph.GRAPH_APP_ID,
                    resource_accesses=[
                        azuread.ApplicationRequiredResourceAccessResourceAccessArgs(
                            id=scope_id, type=graph.DELEGATED_PERMISSION_TYPE
                        )
                        for scope_id in graph.scope_ids(settings.graph_scopes)
                    ],
                )
            ],
            group_membership_claims=[c.value for c in settings.group_membership_claims],
            owners=owners,
            opts=self._protected(adopted and adoption.application_import_id(adopted)),
        )

    def _register_enterprise_application(
        self, name: str, application: azuread.Application, owners: pulumi.Output[list[str]]
    ) -> azuread.ServicePrincipal:
        """The application's enterprise application (service principal) in this tenant."""
        adopted = self.settings.adopt_service_principal_object_id
        return azuread.ServicePrincipal(
            f"{name}-service-principal",
            client_id=application.client_id,
            owners=owners,
            app_role_assignment_required=self.settings.app_role_assignment_required,
            opts=self._protected(adopted and adoption.service_principal_import_id(adopted)),
        )

    def _assign_groups(
        self,
        name: str,
        service_principal: azuread.ServicePrincipal,
        assigned_by_hand: dict[str, str],
    ) -> list[pulumi.Resource]:
        """Who may sign in: one assignment per group, named by the group, so that
        removing a group from the list removes only its assignment. A group the adopted
        enterprise application already has assigned is imported (adopted_assignments.py)."""
        assignments: list[pulumi.Resource] = [
            azuread.AppRoleAssignment(
                f"{name}-group-{group_id}",
                app_role_id=graph.DEFAULT_ACCESS_APP_ROLE_ID,
                principal_object_id=group_id,
                resource_object_id=service_principal.object_id,
                opts=pulumi.ResourceOptions(parent=self, import_=assigned_by_hand.get(group_id)),
            )
            for group_id in self.settings.allowed_groups
        ]
        if self.settings.allowed_groups and not self.settings.assignment_required:
            pulumi.log.info(
                "assignment is required: allowedGroups is set, so only users assigned to the "
                "application (through those groups) can sign in",
                resource=self,
            )
        if self.settings.multi_tenant and not self.settings.app_role_assignment_required:
            pulumi.log.warn(
                "signInAudience is AzureADMultipleOrgs and no assignment is required: users of "
                "any Entra ID tenant can sign in to Pomerium, and only Pomerium's policies stop "
                "them. Set assignmentRequired or allowedGroups to decide at Entra ID.",
                resource=self,
            )
        return assignments

    def _client_secrets(
        self, name: str, application: azuread.Application
    ) -> azuread.ApplicationPassword:
        """The two rotating client secrets (see rotation.py); returns the current one.

        Never protected: rotation must be free to replace them. The azuread
        bridge never deletes an ApplicationPassword before its replacement
        exists (docs/deploy-facts.md), so the Secret moves to the new one
        before the old one is deleted at the end of the deploy."""
        passwords = {
            credential.slot: azuread.ApplicationPassword(
                f"{name}-client-secret-{credential.slot}",
                application_id=application.id,
                display_name=credential.display_name,
                end_date=credential.end_date,
                opts=pulumi.ResourceOptions(parent=self),
            )
            for credential in self.rotation.credentials
        }
        return passwords[self.rotation.current.slot]

    def _prove(
        self,
        application: azuread.Application,
        current: azuread.ApplicationPassword,
        tenant_id: pulumi.Output[str],
    ) -> pulumi.Output[str]:
        """Entra ID accepts the current client secret: its value, handed on only once a
        real deploy has proven it (proof_step.py), so the Secret is written after the proof."""
        environment, cloud = self.settings.azure_environment, self.cloud
        # A metadata host's cloud (custom, Azure Stack) replaces the named environment,
        # as it does for the azuread provider.
        return proof_step.proven(
            current.value,
            authority=tenant_id.apply(
                cloud.authority if cloud else lambda tenant: clouds.authority(environment, tenant)
            ),
            client_id=application.client_id,
            scope=cloud.graph_scope if cloud else clouds.graph_scope(environment),
            key_id=current.key_id,
            parent=self,
        )

    def _provider_url(self, tenant_id: str) -> str:
        """Pomerium's provider URL. In a cloud given by a metadata host: the issuer its
        login endpoint's discovery document names for the tenant (never built from
        the host: in China the issuer's host is not the login host)."""
        settings, cloud = self.settings, self.cloud
        if cloud is None:
            return settings.provider_url(tenant_id)
        try:
            if not settings.multi_tenant:
                cloud = cloud_fetch.tenant_cloud(cloud, tenant_id)
            return clouds.provider_url_in(cloud, multi_tenant=settings.multi_tenant)
        except clouds.CloudError as error:
            raise pulumi.RunError(str(error)) from None

    def _grant_admin_consent(
        self, name: str, service_principal: azuread.ServicePrincipal
    ) -> azuread.ServicePrincipalDelegatedPermissionGrant:
        """Tenant-wide admin consent for the Graph permissions. A grant made in the
        portal is imported: Graph refuses a second one (409)."""
        # The only look-up of Graph's service principal: made only when needed.
        graph_sp = azuread.get_service_principal_output(
            client_id=graph.GRAPH_APP_ID, opts=pulumi.InvokeOutputOptions(parent=self)
        )
        adopted = self.settings.adopt_admin_consent_grant_id
        return azuread.ServicePrincipalDelegatedPermissionGrant(
            f"{name}-admin-consent",
            service_principal_object_id=service_principal.object_id,
            resource_service_principal_object_id=graph_sp.object_id,
            claim_values=list(self.settings.graph_scopes),
            opts=pulumi.ResourceOptions(
                parent=self, import_=adopted and adoption.permission_grant_import_id(adopted)
            ),
        )

    def _write_kubernetes_secrets(
        self,
        name: str,
        client_id: pulumi.Output[str],
        client_secret: pulumi.Output[str],
        provider_url: pulumi.Output[str],
        keeps: list[pulumi.Resource] | None = None,
    ) -> None:
        """The Secret Pomerium reads, in every cluster, updated in place at every rotation;
        `keeps`: what a protected stack's destroy must leave (kubernetes_secret.py)."""
        values = pulumi.Output.all(client_id, client_secret, provider_url).apply(tuple)
        write_kubernetes_secrets(self, name, self.settings, values, keeps or [])

    def _owners(self, settings: Settings, deployer: pulumi.Output[str]) -> pulumi.Output[list[str]]:
        """Owners of the application and its service principal, lowercase as Graph
        returns them (the provider compares them case-sensitively)."""
        if not settings.include_deployer_as_owner:
            return pulumi.Output.from_input(sorted(set(settings.owners)))
        if settings.deployer_object_id:
            # Fixed, so that a preview run by another (read-only) identity shows
            # no owner change.
            deployer.apply(self._check_deployer)
            return pulumi.Output.from_input(sorted({*settings.owners, settings.deployer_object_id}))
        return deployer.apply(lambda object_id: sorted({*settings.owners, object_id.lower()}))

    def _check_deployer(self, object_id: str) -> None:
        if pulumi.runtime.is_dry_run() or object_id.lower() == self.settings.deployer_object_id:
            return
        pulumi.log.warn(
            f"deployed by {object_id.lower()}, not by deployerObjectId "
            f"{self.settings.deployer_object_id}: the owners stay as configured, so this "
            "identity needs another way to write the application (a directory role, or "
            "owners: [its object id]).",
            resource=self,
        )

    def _report_adoption(self, settings: Settings, owners: pulumi.Output[list[str]]) -> None:
        """Look up what is being adopted (only while adopting) and say, before the
        deploy, what it will change on the live application (adoption.py)."""
        invoke = pulumi.InvokeOutputOptions(parent=self)
        found_app = azuread.get_application_output(
            object_id=settings.adopt_application_object_id, opts=invoke
        )
        found_sp = azuread.get_service_principal_output(
            object_id=settings.adopt_service_principal_object_id, opts=invoke
        )
        pulumi.Output.all(found_app, found_sp, owners).apply(
            lambda values: self._compare_adopted(*values)
        )

    def _compare_adopted(self, app: Any, sp: Any, declared_owners: list[str]) -> None:
        settings = self.settings
        if not app.client_id:
            # Only offline (a real look-up of a missing application fails the
            # deploy): nothing to compare with.
            pulumi.log.info(
                f"Adopting application object {settings.adopt_application_object_id}: "
                "its settings are compared with these when a deploy looks it up.",
                resource=self,
            )
            return
        existing = _existing_application(app)
        differences = adoption.application_differences(
            settings, existing, declared_owners, namespace=""
        ) + adoption.service_principal_differences(
            settings,
            adoption.ExistingServicePrincipal(
                client_id=sp.client_id or "",
                app_role_assignment_required=bool(sp.app_role_assignment_required),
            ),
            existing.client_id,
            declared_owners,
            namespace="",
        )
        if differences:
            pulumi.log.warn(
                f"Adopting application {existing.client_id}: this deploy imports it, then "
                "changes what differs from this stack's settings:\n  - "
                + "\n  - ".join(differences),
                resource=self,
            )
        pulumi.log.info(
            f"Adopting application {existing.client_id}: after the first successful deploy, "
            "remove the adopt settings (a later change that needs a replacement fails while "
            "they are set). Client secrets made by hand are not managed and keep working "
            "until their own end dates; list them with "
            f"`az ad app credential list --id {existing.client_id}`.",
            resource=self,
        )


def _cloud_of_metadata_host(multi_tenant: bool) -> clouds.Cloud | None:
    """The cloud the azuread provider's metadataHost (or ARM_METADATA_HOSTNAME, its
    fallback) describes; None without one (the named environment's tables apply).
    A multi-tenant application outside the global cloud is refused here, before
    anything is registered."""
    namespace, key = clouds.METADATA_HOST_KEY.split(":")
    host = clouds.metadata_host(pulumi.Config(namespace).get(key), os.environ)
    if not host:
        return None
    cloud = cloud_fetch.cloud_at(host)
    if multi_tenant:
        clouds.provider_url_in(cloud, multi_tenant=True)
    return cloud


def cluster_outputs(settings: Settings) -> list[dict[str, str]]:
    """The `kubernetes_secrets` output: one entry per cluster."""
    return [
        {
            "cluster": c.name,
            "context": c.context,
            "secret": c.secret,
            "authenticate_service_url": c.authenticate_service_url,
        }
        for c in settings.clusters
    ]


def _existing_application(app: Any) -> adoption.ExistingApplication:
    """What the getApplication look-up found, in adoption.py's terms."""
    web = (app.webs or [None])[0]
    return adoption.ExistingApplication(
        client_id=app.client_id or "",
        display_name=app.display_name or "",
        sign_in_audience=app.sign_in_audience or "",
        homepage_url=(web.homepage_url if web else None) or "",
        redirect_uris=tuple((web.redirect_uris if web else None) or ()),
        group_membership_claims=tuple(app.group_membership_claims or ()),
        permissions=tuple(
            adoption.Permission(access.resource_app_id, item.id, item.type)
            for access in app.required_resource_accesses or ()
            for item in access.resource_accesses or ()
        ),
        owners=tuple(app.owners or ()),
    )
