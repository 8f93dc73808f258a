"""Policy documents: the JSON of a managed policy's default version, or of an inline
policy of a user or group, read on demand (never by a refresh)."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any, Literal

from tui.aws.writer import IamWriterBase


def pretty_document(document: Any) -> str:
    """A policy document as indented JSON. The API sends it URL-encoded; botocore
    decodes it into a dict, but a raw string (encoded or not) is accepted too."""
    if isinstance(document, str):
        text = document
        try:
            value = json.loads(text)
        except ValueError:
            text = urllib.parse.unquote(document)
            try:
                value = json.loads(text)
            except ValueError:
                return text  # not JSON after all: shown as it is
    else:
        value = document
    return json.dumps(value, indent=2, ensure_ascii=False)


class DocumentReads(IamWriterBase):
    """Policy-document reads of the IAM writer (blocking; raise :class:`AwsFailure`)."""

    def managed_policy_document(self, arn: str) -> tuple[str, str]:
        """(default version id, pretty JSON) of managed policy ``arn``: GetPolicy, then
        GetPolicyVersion of its DefaultVersionId."""
        policy = self._call("GetPolicy", {"PolicyArn": arn})["Policy"]
        version_id = policy["DefaultVersionId"]
        version = self._call("GetPolicyVersion", {"PolicyArn": arn, "VersionId": version_id})
        return version_id, pretty_document(version["PolicyVersion"]["Document"])

    def inline_policy_document(self, kind: Literal["user", "group"], owner: str, name: str) -> str:
        """Pretty JSON of inline policy ``name`` of user or group ``owner``."""
        if kind == "user":
            answer = self._call("GetUserPolicy", {"UserName": owner, "PolicyName": name})
        else:
            answer = self._call("GetGroupPolicy", {"GroupName": owner, "PolicyName": name})
        return pretty_document(answer["PolicyDocument"])
