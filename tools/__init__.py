"""The tools that run beside `pulumi up` (never imported by it): the offline plan, the
CLI, the pipeline's checks, and the mock-engine runner they share."""
