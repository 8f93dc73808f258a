"""Every key acct-tui understands, read from the bindings themselves.

The help screen (``?``), the README's key table (tests/app/test_keys.py keeps it equal) and the
command palette's pane entries all come from :func:`entries`, so none of them is a copy to
keep in step by hand. A user keymap (``[keymap]`` in config.toml, see tui/support/config.py) moves
the keys everywhere, because it is applied by binding id, as Textual applies it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.app import App
from textual.binding import Binding
from textual.dom import DOMNode

# How keys are written for people (Textual's names on the left).
_KEY_NAMES = {
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "pageup": "pgup",
    "pagedown": "pgdn",
    "question_mark": "?",
    "slash": "/",
    "space": "space",
}


@dataclass(frozen=True)
class KeyEntry:
    """One binding as the user sees it."""

    section: str
    keys: str
    """The keys, as typed (``ctrl+d``, ``↑``), alternatives joined by `` / ``."""
    description: str
    binding_id: str | None
    """The id to remap it by in config.toml (None: not remappable)."""
    action: str
    show: bool
    """Shown in the footer when it applies."""


def key_label(keys: str) -> str:
    """``"escape,question_mark"`` → ``"escape / ?"``."""
    names = [k.strip() for k in keys.split(",") if k.strip()]
    return " / ".join(_KEY_NAMES.get(k, k) for k in names)


def _access_screens() -> list[tuple[str, type[DOMNode]]]:
    """The group, policy and tag screens (after "Access keys")."""
    from tui.screens.dialogs.pick_many import PickManyScreen
    from tui.screens.forms.attach_policies import AttachPoliciesScreen
    from tui.screens.forms.tags import TagsScreen
    from tui.screens.group import GroupScreen
    from tui.screens.policy_document import PolicyDocumentScreen

    return [
        ("Group details", GroupScreen),
        ("Policy document", PolicyDocumentScreen),
        ("Attach policies", AttachPoliciesScreen),
        ("Tags", TagsScreen),
        ("Choose several", PickManyScreen),
    ]


def _user_workspace() -> list[tuple[str, type[DOMNode]]]:
    """The user workspace and its sections, each with its own keys."""
    from tui.screens.user import UserScreen
    from tui.screens.user_sections import (
        ConsoleSection,
        GroupsSection,
        KeysSection,
        MfaSection,
        PoliciesSection,
        TagsSection,
    )

    return [
        ("User details", UserScreen),
        ("User: console access", ConsoleSection),
        ("User: MFA devices", MfaSection),
        ("User: access keys", KeysSection),
        ("User: groups", GroupsSection),
        ("User: policies", PoliciesSection),
        ("User: tags", TagsSection),
    ]


def _forms() -> list[tuple[str, type[DOMNode]]]:
    """(section title, form screen) for every form, in the order help shows them."""
    from tui.screens.forms.alias import AliasScreen
    from tui.screens.forms.create_group import CreateGroupScreen
    from tui.screens.forms.create_user import CreateUserScreen
    from tui.screens.forms.password import PasswordScreen
    from tui.screens.forms.password_policy import PasswordPolicyScreen
    from tui.screens.forms.security_contact import SecurityContactScreen
    from tui.screens.forms.support_role import SupportRoleScreen

    return [
        ("New user", CreateUserScreen),
        ("New group", CreateGroupScreen),
        ("Password policy", PasswordPolicyScreen),
        ("Account alias form", AliasScreen),
        ("Console password", PasswordScreen),
        ("Security contact", SecurityContactScreen),
        ("Support role", SupportRoleScreen),
    ]


def _screens() -> list[tuple[str, type[DOMNode]]]:
    """(section title, class whose own BINDINGS it lists) for every pane and screen."""
    from tui.panes import (
        AliasPane,
        GroupsPane,
        Pane,
        RecommendationsPane,
        RegionsPane,
        TablePane,
        UsersPane,
    )
    from tui.panes.accounts import AccountsPane
    from tui.screens.access_keys import AccessKeysScreen
    from tui.screens.credentials import CredentialsScreen
    from tui.screens.dialogs.choose import ChooseScreen
    from tui.screens.dialogs.confirm import ConfirmScreen
    from tui.screens.dialogs.details import DetailsScreen
    from tui.screens.dialogs.help import HelpScreen
    from tui.screens.dialogs.mfa_token import MfaTokenScreen
    from tui.screens.dialogs.prompt import PromptScreen
    from tui.screens.dialogs.review import ReviewScreen
    from tui.screens.guide import GuideScreen
    from tui.screens.main import MainScreen
    from tui.screens.mfa import MfaScreen
    from tui.screens.org import OrgScreen
    from tui.screens.plan import PlanScreen
    from tui.screens.root_mfa import RootMfaScreen
    from tui.widgets.rowtable import RowTable

    return [
        ("Every pane", Pane),
        ("Tables", TablePane),
        ("Table rows", RowTable),
        ("Recommendations", RecommendationsPane),
        ("Users", UsersPane),
        ("Groups", GroupsPane),
        ("Account alias", AliasPane),
        ("Regions", RegionsPane),
        ("Console", MainScreen),
        ("Organization", OrgScreen),
        ("Accounts", AccountsPane),
        ("Getting started", GuideScreen),
        *_forms(),
        ("Review", ReviewScreen),
        ("Plan", PlanScreen),
        ("Credentials", CredentialsScreen),
        ("MFA enrollment", MfaScreen),
        ("Root MFA guide", RootMfaScreen),
        ("Details", DetailsScreen),
        *_user_workspace(),
        ("Access keys", AccessKeysScreen),
        *_access_screens(),
        ("Confirm", ConfirmScreen),
        ("Choose", ChooseScreen),
        ("Prompt", PromptScreen),
        ("MFA code", MfaTokenScreen),
        ("Help", HelpScreen),
    ]


def global_bindings() -> list[Binding]:
    """The app's own bindings (tui/screens/main.py), plus Textual's: ctrl+q quits, ctrl+p
    opens the command palette."""
    from tui.screens.main import APP_BINDINGS

    bindings = list(Binding.make_bindings(APP_BINDINGS))
    bindings += [b for b in Binding.make_bindings(App.BINDINGS) if b.description]
    bindings.append(Binding(App.COMMAND_PALETTE_BINDING, "command_palette", "Command palette"))
    return bindings


def sections() -> list[tuple[str, list[Binding]]]:
    """(section title, the bindings it lists), in the order help shows them."""
    return [("Everywhere", global_bindings())] + [
        (title, own_bindings(cls)) for title, cls in _screens()
    ]


def own_bindings(cls: type[DOMNode]) -> list[Binding]:
    """The bindings ``cls`` itself declares (not those it inherits)."""
    declared = cls.__dict__.get("BINDINGS") or []
    return list(Binding.make_bindings(declared))


def section_entries(
    section: str, bindings: list[Binding], keymap: Mapping[str, str] | None = None
) -> list[KeyEntry]:
    """``bindings`` as the user sees them, with ``keymap`` (binding id → keys) applied.

    A binding declared for several keys (``"escape,q"``) is one entry.
    """
    keymap = keymap or {}
    out: list[KeyEntry] = []
    merged: dict[tuple[str, str], list[str]] = {}
    first: dict[tuple[str, str], Binding] = {}
    for binding in bindings:
        ident = (binding.id or binding.action, binding.tooltip or binding.description)
        merged.setdefault(ident, []).append(binding.key)
        first.setdefault(ident, binding)
    for ident, keys in merged.items():
        binding = first[ident]
        typed = ",".join(keys)
        if binding.id and binding.id in keymap:
            typed = keymap[binding.id]
        out.append(
            KeyEntry(
                section=section,
                keys=key_label(typed),
                description=ident[1] or binding.action,
                binding_id=binding.id,
                action=binding.action,
                show=binding.show,
            )
        )
    return out


def entries(keymap: Mapping[str, str] | None = None) -> list[KeyEntry]:
    """Every binding of every section, with ``keymap`` (binding id → keys) applied."""
    return [e for title, bindings in sections() for e in section_entries(title, bindings, keymap)]


def readme_rows() -> list[str]:
    """The README's key table rows (default keys)."""
    rows = []
    for entry in entries():
        binding_id = f"`{entry.binding_id}`" if entry.binding_id else "—"
        keys = entry.keys.replace("|", "\\|")
        rows.append(f"| {entry.section} | `{keys}` | {entry.description} | {binding_id} |")
    return rows


if __name__ == "__main__":  # python -m tui.keys: the README's key table
    print("| where | key | what it does | id (config.toml) |")
    print("| --- | --- | --- | --- |")
    print("\n".join(readme_rows()))
