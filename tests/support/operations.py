"""Which AWS operations acct-tui's code names: one scan, used by the permission list's test
(tests/unit/test_permissions.py) and by the fault matrix (tests/support/faultmatrix.py)."""

from __future__ import annotations

import ast
from pathlib import Path

import botocore.session
from botocore import xform_name

from tui.aws.errors import action_name

SERVICES = ("iam", "sts", "ec2", "account", "accessanalyzer")


def operation_names() -> dict[str, set[str]]:
    """Every operation of :data:`SERVICES` by CamelCase and snake_case name → its actions."""
    session = botocore.session.get_session()
    names: dict[str, set[str]] = {}
    for service in SERVICES:
        for operation in session.get_service_model(service).operation_names:
            action = action_name(service, operation)
            names.setdefault(operation, set()).add(action)
            names.setdefault(xform_name(operation), set()).add(action)
    return names


def named_operations(directory: Path, *, skip: str | None = None) -> dict[str, set[str]]:
    """Operation names found in the code under ``directory`` → the files naming them.

    String constants that are operation names (``_call("CreateUser", …)``,
    ``get_paginator("list_regions")``) and attributes that are client methods
    (``iam().list_account_aliases()``); files under a folder named ``skip`` are left out.
    """
    operations = operation_names()
    root = directory.parents[0]
    named: dict[str, set[str]] = {}
    for path in sorted(directory.rglob("*.py")):
        if skip is not None and skip in path.relative_to(directory).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            name = None
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                name = node.value
            elif isinstance(node, ast.Attribute):
                name = node.attr
            if name in operations:
                named.setdefault(name, set()).add(str(path.relative_to(root)))
    return named
