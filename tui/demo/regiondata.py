"""The Account API's Region facts that the demo's Region stand-in serves.

The RegionOptStatus values, which Regions are opt-in, the demo account's starting statuses,
ListRegions page sizes, and the error shapes with their HTTP status, all as the botocore
``account`` model describes them; the Region codes themselves come from botocore's
endpoints data. Pure Python: no moto, Textual or Rich import.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Final

ENABLED: Final = "ENABLED"
ENABLING: Final = "ENABLING"
DISABLING: Final = "DISABLING"
DISABLED: Final = "DISABLED"
ENABLED_BY_DEFAULT: Final = "ENABLED_BY_DEFAULT"
#: The RegionOptStatus enum of the botocore model, in its order.
STATUSES: Final[tuple[str, ...]] = (ENABLED, ENABLING, DISABLING, DISABLED, ENABLED_BY_DEFAULT)

#: Regions launched after 20 March 2019 are opt-in (disabled until the account enables them).
#: Intersected at run time with what botocore's endpoints data knows, so an older botocore
#: never makes the stand-in invent a Region.
OPT_IN_REGIONS: Final[frozenset[str]] = frozenset(
    {
        "af-south-1",
        "ap-east-1",
        "ap-east-2",
        "ap-south-2",
        "ap-southeast-3",
        "ap-southeast-4",
        "ap-southeast-5",
        "ap-southeast-6",
        "ap-southeast-7",
        "ca-west-1",
        "eu-central-2",
        "eu-south-1",
        "eu-south-2",
        "il-central-1",
        "me-central-1",
        "me-south-1",
        "mx-central-1",
    }
)

#: The demo account: every status is on screen at once; the opt-in Regions not listed here
#: are DISABLED and the rest ENABLED_BY_DEFAULT.
DEMO_INITIAL_STATUSES: Final[Mapping[str, str]] = {
    "af-south-1": DISABLED,
    "me-south-1": ENABLED,
    "eu-south-1": ENABLING,
    "ap-east-1": DISABLING,
}

#: ListRegionsRequest.MaxResults is 1–50 in the model; AWS's page size when it is omitted
#: is not documented, so the stand-in uses the maximum (fewest round trips).
MAX_PAGE_SIZE: Final = 50
DEFAULT_PAGE_SIZE: Final = MAX_PAGE_SIZE

#: HTTP status of each error shape (``error.httpStatusCode`` in the botocore model), plus
#: the API-Gateway-level authentication errors AWS sends before the service sees the call.
ERROR_HTTP_STATUS: Final[Mapping[str, int]] = {
    "ValidationException": 400,
    "AccessDeniedException": 403,
    "UnrecognizedClientException": 403,
    "MissingAuthenticationTokenException": 403,
    "ConflictException": 409,
    "TooManyRequestsException": 429,
    "InternalServerException": 500,
}

# AWS's own wording for a status change that the current status forbids, as seen on the


class RegionApiError(Exception):
    """An Account API error, carrying what goes on the wire.

    ``code`` is the error shape name (sent in ``x-amzn-ErrorType``), ``reason`` the
    ValidationExceptionReason (``invalidRegionOptTarget`` / ``fieldValidationFailed``) when
    the shape has one.
    """

    def __init__(self, code: str, message: str, *, reason: str | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.reason = reason

    @property
    def http_status(self) -> int:
        """The HTTP status AWS answers this error with."""
        return ERROR_HTTP_STATUS.get(self.code, 400)


def validation_error(message: str, *, reason: str = "fieldValidationFailed") -> RegionApiError:
    """A ValidationException (``fieldValidationFailed`` unless ``reason`` says otherwise)."""
    return RegionApiError("ValidationException", message, reason=reason)


@functools.cache
def aws_partition_regions() -> tuple[str, ...]:
    """The Region codes of the ``aws`` partition in botocore's endpoints data, sorted."""
    # botocore is a hard dependency of the app anyway, and its endpoints data is what the
    # SDK itself believes exists: the stand-in must not list a Region the SDK rejects.
    from botocore.loaders import create_loader

    # Cached: the data is static and parsing it costs ~25 ms per stand-in.
    data = create_loader().load_data("endpoints")
    for partition in data["partitions"]:
        if partition["partition"] == "aws":
            return tuple(sorted(partition["regions"]))
    raise RuntimeError("botocore endpoints data has no 'aws' partition")
