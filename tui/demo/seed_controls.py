"""Seed the demo account's CIS controls beyond users and keys, through the API like the rest.

Runs after :func:`tui.demo.seed.seed_account`, in the demo server process. What each part
shows (CIS v5 ids):

- 1.19: an external-access analyzer (type ACCOUNT) in us-east-1 only; eu-west-1 has only an
  unused-access analyzer (not external); every other enabled Region has none → fails,
  and the "create analyzers" fix turns it green;
- 1.18: ``legacy-www``, a server certificate that expired 35 days before ``now``;
- 1.21: AWSCloudShellFullAccess attached to ``bob``;
- 1.15: ``legacy-full-access`` (Action "*" on Resource "*") attached to group ``readonly``,
  next to ``reports-read``, a narrow customer policy that passes;
- 1.16: no role has AWSSupportAccess; 1.2: no security contact; 1.20: no SAML/OIDC
  provider (advice); centralized root access: not in an organization (advice).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from tui.demo.seed import SeedResult

__all__ = [
    "ADMIN_POLICY",
    "ANALYZERS",
    "CERTIFICATE",
    "CLOUDSHELL_USER",
    "NARROW_POLICY",
    "seed_controls",
]

#: (Region, analyzer name, type) seeded.
ANALYZERS: Final[tuple[tuple[str, str, str], ...]] = (
    ("us-east-1", "external-access", "ACCOUNT"),
    ("eu-west-1", "unused-access", "ACCOUNT_UNUSED_ACCESS"),
)
CERTIFICATE: Final = "legacy-www"
CERTIFICATE_EXPIRED_DAYS: Final = 35
CLOUDSHELL_USER: Final = "bob"
CLOUDSHELL_ARN: Final = "arn:aws:iam::aws:policy/AWSCloudShellFullAccess"
ADMIN_POLICY: Final = "legacy-full-access"
ADMIN_POLICY_GROUP: Final = "readonly"
NARROW_POLICY: Final = "reports-read"

_ADMIN_DOCUMENT: Final[dict[str, Any]] = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "Everything", "Effect": "Allow", "Action": "*", "Resource": "*"}],
}
_NARROW_DOCUMENT: Final[dict[str, Any]] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": ["arn:aws:s3:::example-reports", "arn:aws:s3:::example-reports/*"],
        }
    ],
}


def expired_certificate(now: datetime) -> tuple[str, str]:
    """A self-signed certificate (PEM) valid for a year until 35 days before ``now``, and
    its private key (PEM). Made at seed time (an EC key: about a millisecond), so no private
    key is kept in the repository; nothing on screen depends on its random parts."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "www.example.com")])
    until = now - timedelta(days=CERTIFICATE_EXPIRED_DAYS)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1042)
        .not_valid_before(until - timedelta(days=365))
        .not_valid_after(until)
        .sign(key, hashes.SHA256())
    )
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return cert.public_bytes(serialization.Encoding.PEM).decode(), private.decode()


def seed_controls(
    endpoint_url: str,
    result: SeedResult,
    *,
    region: str = "us-east-1",
    now: datetime | None = None,
) -> None:
    """Add the controls' parts to the account served at ``endpoint_url``."""
    import boto3

    kwargs: dict[str, Any] = {
        "endpoint_url": endpoint_url,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    iam = boto3.client("iam", region_name=region, **kwargs)
    for analyzer_region, name, type_ in ANALYZERS:
        client: Any = boto3.client("accessanalyzer", region_name=analyzer_region, **kwargs)
        client.create_analyzer(analyzerName=name, type=type_)
    body, key = expired_certificate(now or datetime.now(UTC))
    iam.upload_server_certificate(
        ServerCertificateName=CERTIFICATE, CertificateBody=body, PrivateKey=key
    )
    iam.attach_user_policy(UserName=CLOUDSHELL_USER, PolicyArn=CLOUDSHELL_ARN)
    admin = iam.create_policy(PolicyName=ADMIN_POLICY, PolicyDocument=json.dumps(_ADMIN_DOCUMENT))
    iam.attach_group_policy(GroupName=ADMIN_POLICY_GROUP, PolicyArn=admin["Policy"]["Arn"])
    iam.create_policy(PolicyName=NARROW_POLICY, PolicyDocument=json.dumps(_NARROW_DOCUMENT))
    _no_identity_center(region)


def _no_identity_center(region: str) -> None:
    """moto starts every sso-admin backend with an IAM Identity Center instance, and has no
    DeleteInstance: the demo account has none (this process holds the backend)."""
    from moto.ssoadmin.models import ssoadmin_backends

    from tui.demo.seed import ACCOUNT_ID

    ssoadmin_backends[ACCOUNT_ID][region].instances.clear()
