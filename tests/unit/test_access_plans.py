"""Membership, policy, document and tag plans of the IamWriter over in-process moto."""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Iterator

import moto.iam.models
import pytest
from moto import mock_aws
from moto.iam.aws_managed_policies import aws_managed_policies_data

from tests.support.calls import Sleeps, inject, make_session
from tui.aws.iam import IamWriter, InvalidRequest, StepState
from tui.aws.iam.documents import pretty_document
from tui.aws.iam.tags import tag_changes
from tui.aws.session import AwsSession

READONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
KEEP = ("AdministratorAccess", "ReadOnlyAccess")
SMALL = json.dumps({k: v for k, v in json.loads(aws_managed_policies_data).items() if k in KEEP})
DOC = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": "s3:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:username": "[b]x"}},
        }
    ],
}


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[AwsSession]:
    monkeypatch.setenv("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")
    monkeypatch.setattr(moto.iam.models, "aws_managed_policies_data", SMALL)
    with mock_aws():
        yield make_session()


@pytest.fixture
def writer(aws: AwsSession) -> IamWriter:
    return IamWriter(aws, sleep=Sleeps([]))


def groups_of(aws: AwsSession, user: str) -> list[str]:
    return sorted(g["GroupName"] for g in aws.iam().list_groups_for_user(UserName=user)["Groups"])


def user_arns(aws: AwsSession, user: str) -> list[str]:
    listing = aws.iam().list_attached_user_policies(UserName=user)["AttachedPolicies"]
    return sorted(p["PolicyArn"] for p in listing)


def group_arns(aws: AwsSession, group: str) -> list[str]:
    listing = aws.iam().list_attached_group_policies(GroupName=group)["AttachedPolicies"]
    return sorted(p["PolicyArn"] for p in listing)


def test_add_to_groups_then_roll_back(aws: AwsSession, writer: IamWriter) -> None:
    iam = aws.iam()
    iam.create_user(UserName="ana")
    for g in ("a", "b"):
        iam.create_group(GroupName=g)
    plan = writer.plan_add_to_groups("ana", ["a", "b"])
    assert [s.cli for s in plan.steps] == [
        "aws iam add-user-to-group --group-name a --user-name ana",
        "aws iam add-user-to-group --group-name b --user-name ana",
    ]
    assert plan.run().ok
    assert groups_of(aws, "ana") == ["a", "b"]
    assert plan.rollback().ok
    assert groups_of(aws, "ana") == []


def test_add_to_groups_refuses_more_than_ten(writer: IamWriter) -> None:
    with pytest.raises(InvalidRequest) as caught:
        writer.plan_add_to_groups("ana", ["g11", "g12"], already=[f"g{i}" for i in range(9)])
    assert "at most 10 groups" in caught.value.errors["groups"]
    assert "at most 1 more" in caught.value.errors["groups"]


def test_a_failed_membership_stops_and_rolls_back_what_was_done(
    aws: AwsSession, writer: IamWriter
) -> None:
    iam = aws.iam()
    iam.create_user(UserName="ana")
    iam.create_group(GroupName="a")
    iam.create_group(GroupName="b")
    inject(aws, "AddUserToGroup", "LimitExceeded", when=lambda p: p.get("GroupName") == "b")
    plan = writer.plan_add_to_groups("ana", ["a", "b"])
    result = plan.run()
    assert [r.state for r in result.reports] == [StepState.DONE, StepState.FAILED]
    assert "membership of group a exists" in result.exists_now[0]
    assert plan.rollback().ok
    assert groups_of(aws, "ana") == []


def test_remove_from_group_and_add_members(aws: AwsSession, writer: IamWriter) -> None:
    iam = aws.iam()
    for u in ("ana", "bo"):
        iam.create_user(UserName=u)
    iam.create_group(GroupName="ops")
    assert writer.plan_add_members("ops", ["ana", "bo"]).run().ok
    assert groups_of(aws, "bo") == ["ops"]
    plan = writer.plan_remove_from_group("bo", "ops")
    assert plan.steps[0].cli == "aws iam remove-user-from-group --group-name ops --user-name bo"
    result = plan.run()
    assert result.ok and result.exists_now == ("membership of group ops deleted",)
    assert groups_of(aws, "bo") == [] and groups_of(aws, "ana") == ["ops"]


def test_attach_and_detach_for_users_and_groups(aws: AwsSession, writer: IamWriter) -> None:
    iam = aws.iam()
    iam.create_user(UserName="ana")
    iam.create_group(GroupName="auditors")
    assert writer.plan_attach_policies("group", "auditors", [READONLY]).run().ok
    assert writer.plan_attach_policies("user", "ana", [READONLY, ADMIN]).run().ok
    assert group_arns(aws, "auditors") == [READONLY]
    assert user_arns(aws, "ana") == sorted([READONLY, ADMIN])
    detach = writer.plan_detach_policy("user", "ana", ADMIN)
    assert detach.steps[0].action == "iam:DetachUserPolicy"
    assert detach.run().ok
    assert writer.plan_detach_policy("group", "auditors", READONLY).run().ok
    assert user_arns(aws, "ana") == [READONLY] and group_arns(aws, "auditors") == []
    with pytest.raises(InvalidRequest):
        writer.plan_attach_policies("user", "ana", ["ReadOnlyAccess"])


def test_move_policies_to_a_new_group(aws: AwsSession, writer: IamWriter) -> None:
    iam = aws.iam()
    iam.create_user(UserName="ana")
    for arn in (READONLY, ADMIN):
        iam.attach_user_policy(UserName="ana", PolicyArn=arn)
    plan = writer.plan_move_policies_to_group(
        "ana", "team", [READONLY, ADMIN], new_group=True, member=False
    )
    assert [s.action for s in plan.steps] == [
        "iam:CreateGroup",
        "iam:AttachGroupPolicy",
        "iam:AttachGroupPolicy",
        "iam:AddUserToGroup",
        "iam:DetachUserPolicy",
        "iam:DetachUserPolicy",
    ]
    assert plan.run().ok
    assert user_arns(aws, "ana") == []
    assert group_arns(aws, "team") == sorted([READONLY, ADMIN])
    assert groups_of(aws, "ana") == ["team"]


def test_move_failing_at_a_detach_rolls_back_to_where_it_started(
    aws: AwsSession, writer: IamWriter
) -> None:
    iam = aws.iam()
    iam.create_user(UserName="ana")
    iam.create_group(GroupName="team")
    iam.attach_user_policy(UserName="ana", PolicyArn=READONLY)
    inject(aws, "DetachUserPolicy", "AccessDenied")
    plan = writer.plan_move_policies_to_group(
        "ana", "team", [READONLY], new_group=False, member=False
    )
    result = plan.run()
    assert result.reports[-1].state is StepState.FAILED
    assert user_arns(aws, "ana") == [READONLY], "the user kept the policy"
    assert plan.rollback().ok
    assert group_arns(aws, "team") == [] and groups_of(aws, "ana") == []


def test_documents_managed_and_inline(aws: AwsSession, writer: IamWriter) -> None:
    iam = aws.iam()
    iam.create_user(UserName="ana")
    iam.create_group(GroupName="g")
    iam.put_user_policy(UserName="ana", PolicyName="p", PolicyDocument=json.dumps(DOC))
    iam.put_group_policy(GroupName="g", PolicyName="q", PolicyDocument=json.dumps(DOC))
    arn = iam.create_policy(PolicyName="mine", PolicyDocument=json.dumps(DOC))["Policy"]["Arn"]
    second = {**DOC, "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=json.dumps(second), SetAsDefault=True)
    version, text = writer.managed_policy_document(arn)
    assert version == "v2" and json.loads(text) == second, "the default version"
    assert text.startswith('{\n  "Version"'), "indented"
    assert json.loads(writer.inline_policy_document("user", "ana", "p")) == DOC
    assert json.loads(writer.inline_policy_document("group", "g", "q")) == DOC


def test_pretty_document_decodes_url_encoded_json() -> None:
    encoded = urllib.parse.quote(json.dumps(DOC))
    assert json.loads(pretty_document(encoded)) == DOC
    assert json.loads(pretty_document(DOC)) == DOC


def test_tag_changes_and_plan(aws: AwsSession, writer: IamWriter) -> None:
    iam = aws.iam()
    old = [("team", "a"), ("k=v", "1"), ("gone", "x")]
    iam.create_user(UserName="ana", Tags=[{"Key": k, "Value": v} for k, v in old])
    new = [("team", "b"), ("k=v", "1"), ("new=key", "=")]
    assert tag_changes(old, new) == ({"team": "b", "new=key": "="}, ["gone"])
    plan = writer.plan_edit_tags("ana", old, new)
    assert [s.action for s in plan.steps] == ["iam:TagUser", "iam:UntagUser"]
    assert plan.run().ok
    tags = {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName="ana")["Tags"]}
    assert tags == dict(new)
    assert plan.rollback().ok
    tags = {t["Key"]: t["Value"] for t in iam.list_user_tags(UserName="ana")["Tags"]}
    assert tags == dict(old)


def test_bad_tags_are_refused_before_any_call(writer: IamWriter) -> None:
    with pytest.raises(InvalidRequest) as caught:
        writer.plan_edit_tags("ana", [], [("aws:x", "1"), ("ok", "v" * 257)])
    assert set(caught.value.errors) == {"tags.0.key", "tags.1.value"}
    with pytest.raises(InvalidRequest):
        writer.plan_edit_tags("ana", [("a", "1")], [("a", "1")])


def test_self_protection_of_memberships_and_detachments() -> None:
    from datetime import UTC, datetime

    from tui.aws.models import AuthDetails, Caller, IamGroup, IamUser, PolicyRef
    from tui.aws.selfguard import Identity
    from tui.flows.access import _detach_harm, _remove_harm

    when = datetime(2026, 1, 1, tzinfo=UTC)
    me = Identity(Caller("123456789012", "arn:aws:iam::123456789012:user/alice", "A"), "AKIAX")
    admin = PolicyRef("AdministratorAccess", ADMIN)

    def details(direct: bool) -> AuthDetails:
        alice = IamUser("alice", "arn:x", "A", "/", when, ("admins",), (admin,) if direct else ())
        bob = IamUser("bob", "arn:y", "B", "/", when, ("admins",))
        group = IamGroup("admins", "arn:g", "/", when, (admin,))
        return AuthDetails(users=(alice, bob), groups=(group,))

    only = details(direct=False)
    harm = _remove_harm(me, only, "alice", "admins")
    assert harm is not None and harm.type_to_confirm == "admins"
    assert _remove_harm(me, only, "bob", "admins") is None, "someone else: no question"
    assert _remove_harm(me, details(direct=True), "alice", "admins") is None, "another way"
    assert _detach_harm(me, only, "group", "admins", ADMIN) is not None
    assert _detach_harm(me, only, "group", "admins", READONLY) is None
    both = details(direct=True)
    assert _detach_harm(me, both, "user", "alice", ADMIN) is None, "the group still grants it"
    assert _detach_harm(me, both, "user", "bob", ADMIN) is None


def test_renaming_a_tag_key_by_case_removes_the_old_key_first(
    aws: AwsSession, writer: IamWriter
) -> None:
    # IAM keeps one tag per key whatever its case: TagUser "team" then UntagUser "Team"
    # would remove the tag just set. The old key goes first, then the new one is set.
    aws.iam().create_user(UserName="caser", Tags=[{"Key": "Team", "Value": "a"}])
    plan = writer.plan_edit_tags("caser", [("Team", "a")], [("team", "a")])
    assert [s.action for s in plan.steps] == ["iam:UntagUser", "iam:TagUser"]
    assert plan.run().ok
    tags = aws.iam().list_user_tags(UserName="caser")["Tags"]
    assert tags == [{"Key": "team", "Value": "a"}]
    # A plain edit keeps the usual order: set first, then remove.
    plan = writer.plan_edit_tags("caser", [("team", "a"), ("x", "1")], [("team", "b")])
    assert [s.action for s in plan.steps] == ["iam:TagUser", "iam:UntagUser"]
