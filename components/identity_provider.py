"""The Pulumi component: wires Entra ID and Kubernetes resources from the pure core."""

# No `from __future__ import annotations`: Pulumi's schema analyzer reads the
# `args` and output annotations as live types (string annotations crash it).

from datetime import datetime
from typing import Any

import pulumi
import pulumi_azuread as azuread
import pulumi_kubernetes as kubernetes

from . import adoption, clock, graph, rotation
from .args import PomeriumIdentityProviderArgs
from .secret_data import LABELS, PATCH_FORCE_ANNOTATION, IdentityProviderValues, secret_data
from .settings import ConfigError, Settings, settings_from_args

TYPE_TOKEN = "pomerium-azure-ad:index:PomeriumIdentityProvider"

# Entra ID takes a moment to replicate a new client secret; a token request
# made with it straight away can fail with AADSTS7000215. The Secret switches
# to a new credential only once it is this old (a wait happens only in the
# deploy that creates it).
REPLICATION_WAIT_SECONDS = 60
PATCH_FORCE = {PATCH_FORCE_ANNOTATION: "true"}


def _seconds_to_wait(start_date: str | None, now: datetime) -> float:
    """How long to wait before handing out a credential that started at
    `start_date` (Graph's RFC 3339 text)."""
    try:
        started = datetime.fromisoformat(start_date) if start_date else None
    except ValueError:
        started = None
    if started is None or started.tzinfo is None:
        return REPLICATION_WAIT_SECONDS
    age = (now - started).total_seconds()
    return max(0.0, min(REPLICATION_WAIT_SECONDS, REPLICATION_WAIT_SECONDS - age))


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
    """The Kubernetes Secret as namespace/name, the form Pomerium's identityProvider.secret takes."""

    def __init__(
        self,
        name: str,
        args: PomeriumIdentityProviderArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        # Validate before anything is registered, this component included.
        try:
            settings = settings_from_args(args, stack=pulumi.get_stack())
        except ConfigError as error:
            raise pulumi.RunError(str(error)) from None
        super().__init__(TYPE_TOKEN, name, None, opts)
        self.settings = settings
        self.rotation = rotation.plan_rotation(
            clock.current().now(), settings.client_secret_rotation_days
        )
        child = pulumi.ResourceOptions(parent=self)
        protected = pulumi.ResourceOptions(parent=self, protect=settings.protect)

        client_config = azuread.get_client_config_output(
            opts=pulumi.InvokeOutputOptions(parent=self)
        )
        owners = self._owners(settings, client_config.object_id)

        # Adoption: import the app registration and enterprise application made
        # by hand (Pulumi's import option; ignored once they are in the state).
        application_opts, service_principal_opts = protected, protected
        if settings.adopt_application_object_id:
            application_opts = pulumi.ResourceOptions.merge(
                protected,
                pulumi.ResourceOptions(
                    import_=adoption.application_import_id(settings.adopt_application_object_id)
                ),
            )
            service_principal_opts = pulumi.ResourceOptions.merge(
                protected,
                pulumi.ResourceOptions(
                    import_=adoption.service_principal_import_id(
                        settings.adopt_service_principal_object_id
                    )
                ),
            )
            self._report_adoption(settings, owners)

        application = azuread.Application(
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
            opts=application_opts,
        )
        service_principal = azuread.ServicePrincipal(
            f"{name}-service-principal",
            client_id=application.client_id,
            owners=owners,
            app_role_assignment_required=settings.app_role_assignment_required,
            opts=service_principal_opts,
        )
        # One assignment per group, named by the group, so removing a group
        # from the list removes only its assignment.
        for group_id in settings.allowed_groups:
            azuread.AppRoleAssignment(
                f"{name}-group-{group_id}",
                app_role_id=graph.DEFAULT_ACCESS_APP_ROLE_ID,
                principal_object_id=group_id,
                resource_object_id=service_principal.object_id,
                opts=child,
            )
        if settings.multi_tenant and not settings.app_role_assignment_required:
            pulumi.log.warn(
                "signInAudience is AzureADMultipleOrgs and no assignment is required: users of "
                "any Entra ID tenant can sign in to Pomerium, and only Pomerium's policies stop "
                "them. Set assignmentRequired or allowedGroups to decide at Entra ID.",
                resource=self,
            )

        # Two slots take turns (see rotation.py); never protected, since
        # rotation must be free to replace them. Replacement is create before
        # delete, so the Secret never points at a deleted credential.
        passwords = {
            credential.slot: azuread.ApplicationPassword(
                f"{name}-client-secret-{credential.slot}",
                application_id=application.id,
                display_name=credential.display_name,
                end_date=credential.end_date,
                opts=child,
            )
            for credential in self.rotation.credentials
        }
        current = passwords[self.rotation.current.slot]
        client_secret: pulumi.Output[str] = pulumi.Output.secret(self._after_replication(current))

        if settings.grant_admin_consent:
            # The only look-up of Graph's service principal: made only when needed.
            graph_sp = azuread.get_service_principal_output(
                client_id=graph.GRAPH_APP_ID, opts=pulumi.InvokeOutputOptions(parent=self)
            )
            azuread.ServicePrincipalDelegatedPermissionGrant(
                f"{name}-admin-consent",
                service_principal_object_id=service_principal.object_id,
                resource_service_principal_object_id=graph_sp.object_id,
                claim_values=list(settings.graph_scopes),
                opts=child,
            )

        tenant_id = client_config.tenant_id
        provider_url = tenant_id.apply(settings.provider_url)
        data = pulumi.Output.all(application.client_id, client_secret, provider_url).apply(
            lambda v: secret_data(
                IdentityProviderValues(
                    client_id=v[0],
                    client_secret=v[1],
                    provider_url=v[2],
                    authenticate_service_url=settings.authenticate_service_url,
                )
            )
        )
        kubernetes.core.v1.Secret(
            f"{name}-kubernetes-secret",
            metadata=kubernetes.meta.v1.ObjectMetaArgs(
                name=settings.kubernetes_secret_name,
                namespace=settings.kubernetes_namespace,
                labels=LABELS,
                # Taking over a Secret made by hand: server-side apply upserts it,
                # and this annotation lets it take the fields another manager
                # (kubectl) owns, instead of failing on the conflict.
                annotations=PATCH_FORCE if settings.adopt_kubernetes_secret else None,
            ),
            type="Opaque",
            string_data=pulumi.Output.secret(data),  # type: ignore[arg-type]
            opts=protected,
        )

        self.client_id = application.client_id
        self.application_object_id = application.object_id
        self.service_principal_object_id = service_principal.object_id
        self.tenant_id = tenant_id
        self.provider_url = provider_url
        self.redirect_urls = pulumi.Output.from_input(list(settings.redirect_urls))
        self.client_secret = client_secret
        self.client_secret_expires_at = current.end_date
        self.kubernetes_secret = pulumi.Output.from_input(settings.kubernetes_secret)
        self.register_outputs(
            {
                "client_id": self.client_id,
                "application_object_id": self.application_object_id,
                "service_principal_object_id": self.service_principal_object_id,
                "tenant_id": self.tenant_id,
                "provider_url": self.provider_url,
                "redirect_urls": self.redirect_urls,
                "client_secret": self.client_secret,
                "client_secret_expires_at": self.client_secret_expires_at,
                "kubernetes_secret": self.kubernetes_secret,
            }
        )

    @staticmethod
    def _owners(settings: Settings, deployer: pulumi.Output[str]) -> pulumi.Output[list[str]]:
        if not settings.include_deployer_as_owner:
            return pulumi.Output.from_input(sorted(set(settings.owners)))
        return deployer.apply(lambda object_id: sorted({*settings.owners, object_id}))

    def _report_adoption(self, settings: Settings, owners: pulumi.Output[list[str]]) -> None:
        """Look up what is being adopted (only while adopting) and warn, naming the
        config keys, about every managed setting that differs: the import fails
        unless they match."""
        invoke = pulumi.InvokeOutputOptions(parent=self)
        found_app = azuread.get_application_output(
            object_id=settings.adopt_application_object_id, opts=invoke
        )
        found_sp = azuread.get_service_principal_output(
            object_id=settings.adopt_service_principal_object_id, opts=invoke
        )

        def report(values: list[Any]) -> None:
            app, sp, declared_owners = values
            if not app.client_id:
                # Only offline (a real look-up of a missing application fails the
                # deploy): nothing to compare with.
                pulumi.log.info(
                    f"Adopting application object {settings.adopt_application_object_id}: "
                    "its settings are compared with these when a deploy looks it up.",
                    resource=self,
                )
                return
            web = (app.webs or [None])[0]
            existing = adoption.ExistingApplication(
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
            differences = adoption.application_differences(
                settings, existing, declared_owners, namespace=""
            ) + adoption.service_principal_differences(
                settings,
                adoption.ExistingServicePrincipal(
                    client_id=sp.client_id or "",
                    app_role_assignment_required=bool(sp.app_role_assignment_required),
                ),
                existing.client_id,
                namespace="",
            )
            if differences:
                pulumi.log.warn(
                    "Adopting application "
                    f"{existing.client_id}: the import fails unless these settings match "
                    "what exists (after the first successful deploy, remove the adopt "
                    "settings and change them freely):\n  - " + "\n  - ".join(differences),
                    resource=self,
                )
            pulumi.log.info(
                f"Adopting application {existing.client_id}: client secrets made by hand are "
                "not managed and keep working until their own end dates; list them with "
                f"`az ad app credential list --id {existing.client_id}`.",
                resource=self,
            )

        pulumi.Output.all(found_app, found_sp, owners).apply(report)

    @staticmethod
    def _after_replication(password: azuread.ApplicationPassword) -> pulumi.Output[str]:
        """The password's value, handed out only once Entra ID has had time to
        replicate it (waits only in the deploy that created it)."""

        async def wait_then(values: list[str]) -> str:
            value, start_date = values
            active = clock.current()
            seconds = _seconds_to_wait(start_date, active.now())
            if seconds > 0:
                pulumi.log.info(
                    f"waiting {seconds:.0f}s for Entra ID to replicate the new client secret",
                    resource=password,
                )
                await active.sleep(seconds)
            return value

        return pulumi.Output.all(password.value, password.start_date).apply(wait_then)
