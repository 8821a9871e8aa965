"""The allowed groups an adopted enterprise application already has assigned (thin Pulumi shell).

Read from Graph before anything is registered, preview included, only while a stack adopts a
service principal and sets allowedGroups: those groups' assignments are imported, not created a
second time (assignment_adoption.py says why and decides which). Graph unreadable: RunError,
one message. The reader is injected (assignment_reader.use_reader) under the mock engine.
"""

import pulumi

from . import assignment_adoption, assignment_reader, clouds, graph_access
from .settings import Settings


def read(settings: Settings, cloud: clouds.Cloud | None = None) -> dict[str, str]:
    """Group id -> the import id of its assignment, for the allowed groups already assigned."""
    adopted = settings.adopt_service_principal_object_id
    if not (adopted and settings.allowed_groups):
        return {}
    request = assignment_reader.AssignmentRequest(
        environment=settings.azure_environment,
        service_principal_object_id=adopted,
        **graph_access.graph_access(cloud),
    )
    try:
        reading = assignment_reader.current()(request)
    except assignment_reader.AssignmentReadError as error:
        raise pulumi.RunError(assignment_adoption.unreadable_message(adopted, str(error))) from None
    if reading.offline:
        pulumi.log.info(
            f"Adopting enterprise application {adopted}: its group assignments are not read "
            f"({reading.offline}); a deploy reads them and imports those of allowedGroups."
        )
        return {}
    imported = assignment_adoption.assignments_to_import(
        settings.allowed_groups, adopted, reading.assignments
    )
    pulumi.log.info(assignment_adoption.imported_message(adopted, imported))
    return imported
