"""Every reply URL is https and ends with Pomerium's callback path."""

from __future__ import annotations

from urllib.parse import urlsplit

from pulumi_policy import ReportViolation, ResourceValidationArgs

from components.settings import CALLBACK_PATH

from . import resource_types
from .values import Deferred, elements, get, is_unknown

DESCRIPTION = (
    f"Every reply (redirect) URL of the application is https and ends with {CALLBACK_PATH}, "
    "the only path Pomerium receives sign-in responses on. Any other reply URL lets "
    "authorization codes be sent somewhere Pomerium is not, or in clear text."
)

# Where an application keeps reply URLs: the program uses only `web`.
_APPLICATION_PLACES = (
    ("web", "redirectUris"),
    ("singlePageApplication", "redirectUris"),
    ("publicClient", "redirectUris"),
)


def is_valid(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname) and url.endswith(CALLBACK_PATH)


def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
    places: tuple[tuple[str, ...], ...]
    if args.resource_type == resource_types.APPLICATION:
        places = _APPLICATION_PLACES
    elif args.resource_type == resource_types.APPLICATION_REDIRECT_URIS:
        places = (("redirectUris",),)
    else:
        return
    deferred = Deferred()
    for path in places:
        where = ".".join(path)
        urls = get(args.props, *path)
        if is_unknown(urls):
            deferred.add(where)
        for url in elements(urls):
            if is_unknown(url):
                deferred.add(f"an entry of {where}")
            elif not isinstance(url, str) or not is_valid(url):
                report_violation(
                    f"{where} has the reply URL {url!r}: every reply URL must be https and end "
                    f"with {CALLBACK_PATH}, e.g. https://authenticate.example.com{CALLBACK_PATH}; "
                    "fix or remove it.",
                    None,
                )
    deferred.finish()
