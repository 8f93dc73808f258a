"""Deleting an IAM user: read everything the user has, remove each item, DeleteUser last.

The steps name every item, for the confirmation. Listings AWS may refuse or an emulator
may lack (signing certificates, SSH keys, service-specific credentials) do not stop the
plan: they are left out with a note, and DeleteUser would report the DeleteConflict.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tui.aws.errors import AwsFailure
from tui.aws.iam.steps import USER, IamPlanWriter
from tui.aws.plan import Operation, Plan


class UserRemovalPlans(IamPlanWriter):
    """The delete-user plan of the IAM writer."""

    def plan_delete_user(self, name: str) -> Plan:
        """Read everything the user has, then remove each item, DeleteUser last.

        The steps name every item, for the confirmation. Listings that AWS may refuse or
        an emulator may lack (signing certificates, SSH keys, service-specific
        credentials) do not stop the plan: they are left out with a note in
        :attr:`Plan.notes`, and DeleteUser would report the DeleteConflict. Raises
        :class:`AwsFailure` when a needed read fails (``NoSuchEntity``: no such user).
        """
        self._call("GetUser", {"UserName": name})
        notes: list[str] = []
        # In this order: the reads run as the list is built.
        ops = [
            *self._login_removal(name),
            *self._key_removals(name),
            *self._mfa_removals(name),
            *self._other_credential_removals(name, notes),
            *self._membership_removals(name),
            *self._user_policy_removals(name),
            self._delete_main(USER, name),
        ]
        return self._plan(f"Delete user {name}", ops, kind="delete", notes=notes)

    def _optional(
        self, name: str, label: str, notes: list[str], read: Callable[[], list[Any]]
    ) -> list[Any]:
        """``read()``; on a failure, nothing, and a note saying what was not listed."""
        try:
            return read()
        except AwsFailure as exc:
            notes.append(
                f"Could not list the {label} of {name} ({exc.error.headline()}); "
                "if there are any, deleting the user will fail"
            )
            return []

    def _login_removal(self, name: str) -> list[Operation]:
        try:
            self._call("GetLoginProfile", {"UserName": name})
        except AwsFailure as exc:
            if exc.error.code != "NoSuchEntity":
                raise
            return []
        return [self._remove("DeleteLoginProfile", "console password", UserName=name)]

    def _key_removals(self, name: str) -> list[Operation]:
        return [
            self._remove(
                "DeleteAccessKey",
                f"access key {k['AccessKeyId']}",
                UserName=name,
                AccessKeyId=k["AccessKeyId"],
            )
            for k in self._pages("ListAccessKeys", "AccessKeyMetadata", UserName=name)
        ]

    def _mfa_removals(self, name: str) -> list[Operation]:
        ops: list[Operation] = []
        for d in self._pages("ListMFADevices", "MFADevices", UserName=name):
            serial = d["SerialNumber"]
            ops.append(
                self._remove(
                    "DeactivateMFADevice",
                    f"MFA device {serial} from {name}",
                    UserName=name,
                    SerialNumber=serial,
                )
            )
            if ":mfa/" in serial:  # a virtual device; hardware serials are not ARNs
                ops.append(
                    self._remove(
                        "DeleteVirtualMFADevice",
                        f"virtual MFA device {serial}",
                        SerialNumber=serial,
                    )
                )
        return ops

    def _other_credential_removals(self, name: str, notes: list[str]) -> list[Operation]:
        """Signing certificates, SSH public keys and service-specific credentials."""
        return [
            *self._optional_removals(
                name,
                notes,
                ("signing certificates", "ListSigningCertificates", "Certificates"),
                ("signing certificate", "DeleteSigningCertificate", "CertificateId"),
            ),
            *self._optional_removals(
                name,
                notes,
                ("SSH public keys", "ListSSHPublicKeys", "SSHPublicKeys"),
                ("SSH public key", "DeleteSSHPublicKey", "SSHPublicKeyId"),
            ),
            *self._service_credential_removals(name, notes),
        ]

    def _optional_removals(
        self,
        name: str,
        notes: list[str],
        listing: tuple[str, str, str],
        delete: tuple[str, str, str],
    ) -> list[Operation]:
        """Remove each item of a listing that may be refused: ``listing`` is (label,
        operation, key of the items), ``delete`` (what one is, operation, its id's key)."""
        label, operation, key = listing
        what, remove, id_key = delete
        items = self._optional(
            name, label, notes, lambda: self._pages(operation, key, UserName=name)
        )
        return [
            self._remove(remove, f"{what} {item[id_key]}", UserName=name, **{id_key: item[id_key]})
            for item in items
        ]

    def _service_credential_removals(self, name: str, notes: list[str]) -> list[Operation]:
        service_creds = self._optional(
            name,
            "service-specific credentials",
            notes,
            lambda: self._call("ListServiceSpecificCredentials", {"UserName": name}).get(
                "ServiceSpecificCredentials", []
            ),
        )
        return [
            self._remove(
                "DeleteServiceSpecificCredential",
                f"{sc.get('ServiceName', 'service')} credential "
                f"{sc['ServiceSpecificCredentialId']}",
                UserName=name,
                ServiceSpecificCredentialId=sc["ServiceSpecificCredentialId"],
            )
            for sc in service_creds
        ]

    def _membership_removals(self, name: str) -> list[Operation]:
        return [
            self._remove(
                "RemoveUserFromGroup",
                f"membership of group {g['GroupName']}",
                GroupName=g["GroupName"],
                UserName=name,
            )
            for g in self._pages("ListGroupsForUser", "Groups", UserName=name)
        ]

    def _user_policy_removals(self, name: str) -> list[Operation]:
        return [
            *self._inline_deletions("DeleteUserPolicy", "ListUserPolicies", UserName=name),
            *self._detachments("DetachUserPolicy", "ListAttachedUserPolicies", UserName=name),
        ]
