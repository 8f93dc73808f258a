"""The reads of the CIS controls beyond users, keys and passwords: a fixed number of
account-wide calls (Access Analyzer: one per enabled Region), never one per user.

Each method is one posture part, read in its own worker by :class:`PostureReader` and
failing alone: a denied call makes only the checks that need that part unknown.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from tui.aws.control_models import (
    CLOUDSHELL_POLICY_ARN,
    SUPPORT_POLICY_ARN,
    AlternateContact,
    Analyzer,
    AnalyzerScan,
    Federation,
    LocalPolicies,
    LocalPolicy,
    PolicyEntities,
    PolicyHolders,
    RegionAnalyzers,
    RootAccess,
    RootAccessStanding,
    SecurityContact,
    ServerCertificate,
    VirtualMfa,
    VirtualMfaList,
)
from tui.aws.errors import AwsFailure, aws_call
from tui.aws.models import RegionList, RegionStatus

if TYPE_CHECKING:
    from tui.aws.session import AwsSession

AUTH_DETAILS_PAGE_SIZE = 1000
# The largest page IAM's listings allow (a virtual MFA device per user: pages, not calls
# per user).
LISTING_PAGE_SIZE = 1000
# At most this many Regions are asked for their analyzers at once.
ANALYZER_READS_AT_ONCE = 8
_ENABLED = (RegionStatus.ENABLED, RegionStatus.ENABLED_BY_DEFAULT)

# ListOrganizationsFeatures' documented errors that are answers, not failures.
_ORG_STANDING = {
    "AWSOrganizationsNotInUseException": RootAccessStanding.NOT_IN_ORGANIZATION,
    "OrganizationNotFoundException": RootAccessStanding.NOT_IN_ORGANIZATION,
    "AccountNotManagementOrDelegatedAdministratorException": RootAccessStanding.MEMBER,
    "ServiceAccessNotEnabledException": RootAccessStanding.NO_TRUSTED_ACCESS,
    "OrganizationNotInAllFeaturesModeException": RootAccessStanding.NOT_ALL_FEATURES,
}


class ControlReads:
    """Mixed into :class:`tui.aws.posture.PostureReader`: one method per control part."""

    session: AwsSession

    def regions(self) -> RegionList:
        raise NotImplementedError  # PostureReader's

    def contacts(self) -> SecurityContact:
        try:
            with aws_call("account", "GetAlternateContact"):
                got = self.session.account().get_alternate_contact(AlternateContactType="SECURITY")[
                    "AlternateContact"
                ]
        except AwsFailure as exc:
            if exc.error.code == "ResourceNotFoundException":
                return SecurityContact(None)  # documented: no contact of that type
            raise
        return SecurityContact(
            AlternateContact(
                name=got.get("Name", ""),
                title=got.get("Title", ""),
                email=got.get("EmailAddress", ""),
                phone=got.get("PhoneNumber", ""),
            )
        )

    def mfa_devices(self) -> VirtualMfaList:
        devices: list[VirtualMfa] = []
        paginator = self.session.iam().get_paginator("list_virtual_mfa_devices")
        with aws_call("iam", "ListVirtualMFADevices"):
            for page in paginator.paginate(
                AssignmentStatus="Any", PaginationConfig={"PageSize": LISTING_PAGE_SIZE}
            ):
                for d in page.get("VirtualMFADevices", []):
                    user = d.get("User")
                    devices.append(VirtualMfa(d["SerialNumber"], user["Arn"] if user else None))
        return VirtualMfaList(tuple(devices))

    def certificates(self) -> tuple[ServerCertificate, ...]:
        certs: list[ServerCertificate] = []
        paginator = self.session.iam().get_paginator("list_server_certificates")
        with aws_call("iam", "ListServerCertificates"):
            for page in paginator.paginate():
                for c in page.get("ServerCertificateMetadataList", []):
                    certs.append(
                        ServerCertificate(
                            name=c["ServerCertificateName"],
                            arn=c["Arn"],
                            path=c.get("Path", "/"),
                            expires=c.get("Expiration"),
                        )
                    )
        return tuple(sorted(certs, key=lambda c: c.name.lower()))

    def analyzers(self) -> AnalyzerScan:
        """The analyzers of every enabled Region; a Region that fails fails alone."""
        enabled = [r.code for r in self.regions().regions if r.status in _ENABLED]
        with ThreadPoolExecutor(
            max_workers=max(1, min(ANALYZER_READS_AT_ONCE, len(enabled)))
        ) as pool:
            found = list(pool.map(self._region_analyzers, enabled))
        return AnalyzerScan(tuple(found))

    def _region_analyzers(self, region: str) -> RegionAnalyzers:
        analyzers: list[Analyzer] = []
        try:
            client = self.session.access_analyzer(region)
            with aws_call("accessanalyzer", "ListAnalyzers"):
                for page in client.get_paginator("list_analyzers").paginate():
                    for a in page.get("analyzers", []):
                        analyzers.append(Analyzer(a["name"], a["arn"], a["type"], a["status"]))
        except AwsFailure as exc:
            return RegionAnalyzers(region, error=exc.error)
        return RegionAnalyzers(region, tuple(analyzers))

    def entities(self) -> PolicyEntities:
        return PolicyEntities(
            support=self._holders(SUPPORT_POLICY_ARN),
            cloudshell=self._holders(CLOUDSHELL_POLICY_ARN),
        )

    def _holders(self, arn: str) -> PolicyHolders:
        users: list[str] = []
        groups: list[str] = []
        roles: list[str] = []
        paginator = self.session.iam().get_paginator("list_entities_for_policy")
        with aws_call("iam", "ListEntitiesForPolicy"):
            for page in paginator.paginate(PolicyArn=arn):
                users += [u["UserName"] for u in page.get("PolicyUsers", [])]
                groups += [g["GroupName"] for g in page.get("PolicyGroups", [])]
                roles += [r["RoleName"] for r in page.get("PolicyRoles", [])]
        return PolicyHolders(arn, tuple(users), tuple(groups), tuple(roles))

    def local_policies(self) -> LocalPolicies:
        policies: list[LocalPolicy] = []
        paginator = self.session.iam().get_paginator("get_account_authorization_details")
        with aws_call("iam", "GetAccountAuthorizationDetails"):
            for page in paginator.paginate(
                Filter=["LocalManagedPolicy"],
                PaginationConfig={"PageSize": AUTH_DETAILS_PAGE_SIZE},
            ):
                for p in page.get("Policies", []):
                    policies.append(
                        LocalPolicy(
                            # (moto leaves PolicyName out; the ARN ends with it)
                            name=p.get("PolicyName") or p["Arn"].rsplit("/", 1)[-1],
                            arn=p["Arn"],
                            attachments=p.get("AttachmentCount", 0),
                            document=_default_document(p),
                        )
                    )
        return LocalPolicies(tuple(sorted(policies, key=lambda p: p.name.lower())))

    def org_root(self) -> RootAccess:
        try:
            with aws_call("iam", "ListOrganizationsFeatures"):
                got = self.session.iam().list_organizations_features()
        except AwsFailure as exc:
            standing = _ORG_STANDING.get(exc.error.code)
            if standing is None:
                raise
            return RootAccess(standing)
        features = tuple(got.get("EnabledFeatures", []))
        standing = (
            RootAccessStanding.ENABLED
            if "RootCredentialsManagement" in features
            else RootAccessStanding.DISABLED
        )
        return RootAccess(standing, got.get("OrganizationId"), features)

    def federation(self) -> Federation:
        iam = self.session.iam()
        with aws_call("iam", "ListSAMLProviders"):
            saml = tuple(p["Arn"] for p in iam.list_saml_providers().get("SAMLProviderList", []))
        with aws_call("iam", "ListOpenIDConnectProviders"):
            oidc = tuple(
                p["Arn"]
                for p in iam.list_open_id_connect_providers().get("OpenIDConnectProviderList", [])
            )
        instances: list[str] = []
        sso = self.session.sso_admin()
        with aws_call("sso-admin", "ListInstances"):
            for page in sso.get_paginator("list_instances").paginate():
                instances += [i["InstanceArn"] for i in page.get("Instances", [])]
        return Federation(saml, oidc, tuple(instances), self.session.region)


def _default_document(policy: Any) -> dict[str, Any] | None:
    """The default version's document, or None when the answer lacks it or it is not
    a JSON object (what the policy allows is then unknown, never assumed harmless)."""
    import json
    from urllib.parse import unquote

    for version in policy.get("PolicyVersionList", []):
        if version.get("IsDefaultVersion"):
            document = version.get("Document")
            if isinstance(document, str):
                try:
                    document = json.loads(unquote(document))
                except ValueError:
                    return None
            return document if isinstance(document, dict) else None
    return None
