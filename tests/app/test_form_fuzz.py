"""Form fuzzing (hypothesis): every field of every form, no crash, nothing invalid sent.

Two layers, to keep the run bounded:

- the checks behind each field, fuzzed fast and wide (the name, path, tag, alias and
  password checkers themselves are fuzzed against the botocore model in test_validate.py;
  here: the tags text box as typed, the CLI-profile and CSV prompts, the MFA codes);
- whole submissions through the real forms of one running app over moto_server, fewer
  examples: each value set is typed into the form, ``ctrl+s`` pressed, and when the
  review opens the plan is run for real. An auditor on the app's own botocore client
  checks every mutating call against the model's length and pattern rules, and the
  oracle (from test_validate.py, written apart from the code) says which value sets must
  never reach a review.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import configparser
import contextvars
import re
import stat
import threading
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from textual.message import Message
from textual.widgets import Checkbox, RadioButton, TextArea
from textual.worker import Worker, WorkerState

from tests.support.app import make_app, make_service
from tests.support.iam_model import (
    GROUP_OK,
    KEY_OK,
    NAME_CHARS,
    TAG_CHARS,
    USER_OK,
    VALUE_OK,
    alias_ok,
    char_test,
    path_ok,
    texts,
)
from tests.support.pilot import wait_until
from tests.support.qr import FAKE_SEED
from tui.app import AcctApp
from tui.aws import validate
from tui.aws.models import AWS_DEFAULT_PASSWORD_POLICY
from tui.aws.session import is_read_operation
from tui.aws.totp import STEP_SECONDS, normalize_code, time_step, totp, verify_pair
from tui.screens.credentials import CredentialsScreen
from tui.screens.dialogs.confirm import ConfirmScreen
from tui.screens.dialogs.review import ReviewScreen
from tui.screens.forms.alias import AliasScreen
from tui.screens.forms.create_group import CreateGroupScreen
from tui.screens.forms.create_user import CreateUserScreen, parse_tags, tag_problem
from tui.screens.plan import PlanScreen
from tui.support.awsconfig import add_cli_profile, find_console_script
from tui.support.awsfiles import ConfigError
from tui.support.exports import CsvRow, export_csv
from tui.widgets.fields import Field

pytestmark = pytest.mark.hostile

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Whole submissions drive the real app: fewer examples, each a few hundred milliseconds.
FORMS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


# -- the checks behind the fields ----------------------------------------------------------------
def tags_ok(tags: list[tuple[str, str]]) -> bool:
    """The model's rules for a TagUser request, plus IAM's own (aws:, keys ignore case)."""
    keys = [k.casefold() for k, _ in tags]
    return (
        len(tags) <= 50
        and len(set(keys)) == len(keys)
        and all(KEY_OK(k) and not k.casefold().startswith("aws:") for k, _ in tags)
        and all(VALUE_OK(v) for _, v in tags)
    )


LINE = st.one_of(
    st.tuples(texts(TAG_CHARS, 130), texts(TAG_CHARS, 260)).map(lambda kv: f"{kv[0]}={kv[1]}"),
    st.text(max_size=40),
    st.just("aws:owner=me"),
    st.just("Team=a"),
)


@FAST
@given(st.lists(LINE, max_size=8).map("\n".join))
def test_tags_box_is_refused_iff_a_tag_would_be(text: str) -> None:
    tags = parse_tags(text)
    problem = tag_problem(text)
    assert (problem is None) == tags_ok(tags), (text, problem)
    if problem is not None:
        assert re.match(r"line \d+ \((key|value)\): ", problem)


@FAST
@given(st.text(max_size=140))
def test_profile_prompt_never_writes_a_broken_or_extra_profile(
    tmp_path_factory: Any, name: str
) -> None:
    config = tmp_path_factory.mktemp("aws") / "config"
    config.write_text("[default]\nregion = eu-west-1\n")
    try:
        add_cli_profile(config, name, "123456789012", "alice", find_console_script())
    except ConfigError:
        assert config.read_text() == "[default]\nregion = eu-west-1\n", "nothing written"
        return
    parser = configparser.ConfigParser(interpolation=None)
    parser.read_string(config.read_text())
    expected = "default" if name == "default" else f"profile {name}"
    assert parser.sections() == ["default", expected] or name == "default"
    assert parser["default"]["region"] == "eu-west-1"
    assert "credentials get alice --account 123456789012" in parser[expected]["credential_process"]


@FAST
@given(st.text(max_size=60))
def test_csv_prompt_writes_0600_or_refuses_as_the_screen_expects(
    tmp_path_factory: Any, name: str
) -> None:
    folder = tmp_path_factory.mktemp("csv")
    row = CsvRow("alice", "pw", "AKIA", "secret", "https://x.signin.aws.amazon.com/console")
    try:
        written = export_csv(folder / name, [row])
    except (OSError, ValueError):  # what CredentialsScreen.action_export reports
        return
    assert stat.S_IMODE(written.stat().st_mode) == 0o600
    assert written.read_text().splitlines()[1].startswith("alice,pw,AKIA,secret,")


MFA_NOW = 1_700_000_000.0
MFA_STEP = time_step(MFA_NOW)


def code_at(step: int) -> str:
    return totp(FAKE_SEED, step * STEP_SECONDS)


TYPED = st.sampled_from([str, lambda c: f"{c[:3]} {c[3:]}", lambda c: f" {c}\t"])
# Code 2 current (within one step of now), code 1 the step before it: what enables.
GOOD_PAIRS = st.tuples(st.sampled_from([-2, -1, 0]), TYPED, TYPED).map(
    lambda d: (d[1](code_at(MFA_STEP + d[0])), d[2](code_at(MFA_STEP + d[0] + 1)))
)
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
NEAR_MISSES = GOOD_PAIRS.flatmap(
    lambda pair: st.sampled_from(
        [
            (pair[1], pair[0]),  # the right codes, the wrong way round
            (pair[0].translate(ARABIC_INDIC), pair[1].translate(ARABIC_INDIC)),
            (pair[0], pair[0]),
            (pair[0] + "0", pair[1]),
        ]
    )
)
MFA_PAIRS = st.one_of(
    GOOD_PAIRS.map(lambda pair: (pair, True)),
    st.one_of(st.tuples(st.text(max_size=10), st.text(max_size=10)), NEAR_MISSES).map(
        lambda pair: (pair, False)
    ),
)


@FAST
@given(MFA_PAIRS)
@example(((code_at(MFA_STEP - 1), code_at(MFA_STEP)), True))
def test_mfa_codes_never_raise_and_pass_only_as_six_digits(
    case: tuple[tuple[str, str], bool],
) -> None:
    (code1, code2), good = case
    verdict = verify_pair(FAKE_SEED, code1, code2, now=MFA_NOW)
    event("accepted" if verdict.ok else f"refused: {verdict.problem}")
    if good:
        assert verdict.ok, (code1, code2, verdict.message)
    if verdict.ok:
        one, two = normalize_code(code1), normalize_code(code2)
        assert re.fullmatch(r"[0-9]{6}", one) and re.fullmatch(r"[0-9]{6}", two), (code1, code2)
        assert verdict.step is not None and MFA_STEP - 2 <= verdict.step <= MFA_STEP
        assert (one, two) == (code_at(verdict.step), code_at(verdict.step + 1))


# -- whole submissions through one running app ---------------------------------------------------
class Auditor:
    """Checks every mutating call's string parameters against the IAM model's rules."""

    def __init__(self) -> None:
        self.violations: list[str] = []
        self.mutating: list[str] = []

    def __call__(self, params: dict[str, Any], model: Any, **_: Any) -> None:
        if is_read_operation(model.name):
            return
        self.mutating.append(model.name)
        self._check(model.name, model.input_shape, params)

    def _check(self, where: str, shape: Any, value: Any) -> None:
        if shape is None or value is None:
            return
        if shape.type_name == "structure":
            for name, member in shape.members.items():
                self._check(f"{where}.{name}", member, value.get(name))
        elif shape.type_name == "list":
            for n, item in enumerate(value):
                self._check(f"{where}[{n}]", shape.member, item)
        elif shape.type_name == "string":
            self._string(where, shape.metadata, value)

    def _string(self, where: str, rules: dict[str, Any], value: str) -> None:
        if not rules.get("min", 0) <= len(value) <= rules.get("max", 1 << 30):
            self.violations.append(f"{where}: length {len(value)}")
        pattern = rules.get("pattern")
        if pattern is None:
            return
        if re.fullmatch(r"\[.*\][+*]", pattern):
            ok = all(map(char_test(pattern), value))
        else:
            ok = re.fullmatch(pattern, value) is not None
        if not ok:
            self.violations.append(f"{where}: {value!r} breaks {pattern}")


class Harness:
    """One AcctApp under Pilot on an event loop in a background thread, driven from
    synchronous hypothesis examples (starting an app per example would take seconds)."""

    def __init__(self, app: AcctApp) -> None:
        self.app = app
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.failed: BaseException | None = None
        self.crashes: list[str] = []
        self.thread = threading.Thread(target=self.loop.run_until_complete, args=(self._main(),))
        self.thread.start()
        if not self.ready.wait(60):
            raise RuntimeError(f"the app did not start: {self.failed!r}")

    def _hook(self, message: Message) -> None:
        # Workers of screens (a form's submit) fail silently: StateChanged does not bubble
        # to the app, whose handler notifies "Internal error" only for its own workers.
        if isinstance(message, Worker.StateChanged) and message.state is WorkerState.ERROR:
            self.crashes.append(f"{message.worker.description}: {message.worker.error!r}")

    async def _main(self) -> None:
        self.stop = asyncio.Event()
        try:
            async with self.app.run_test(size=(100, 40), message_hook=self._hook) as pilot:
                self.pilot = pilot
                self.context = contextvars.copy_context()
                for _ in range(300):
                    await pilot.pause(0.05)
                    if self.app.generation and not self.app.refreshing:
                        break
                self.ready.set()
                await self.stop.wait()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.failed = exc
            self.ready.set()

    def run(self, scenario: Callable[..., Coroutine[Any, Any, Any]], *args: Any) -> Any:
        """Run ``scenario(app, pilot, *args)`` on the app's loop, in the app's context
        (Textual keeps the active app in a context variable), and wait for its result."""
        done: concurrent.futures.Future[Any] = concurrent.futures.Future()

        def finished(task: asyncio.Task[Any]) -> None:
            if task.exception() is not None:
                done.set_exception(task.exception())  # type: ignore[arg-type]
            else:
                done.set_result(task.result())

        def start() -> None:
            coro = scenario(self.app, self.pilot, *args)
            task = self.loop.create_task(coro, context=self.context.copy())
            task.add_done_callback(finished)

        self.loop.call_soon_threadsafe(start)
        return done.result(120)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self.stop.set)
        self.thread.join(60)
        self.loop.close()


@pytest.fixture(scope="module")
def harness(moto_url: str) -> Iterator[tuple[Harness, Auditor]]:
    service = make_service(moto_url)
    auditor = Auditor()
    service.session.iam().meta.events.register("before-parameter-build.iam", auditor)
    h = Harness(make_app(service))
    try:
        yield h, auditor
    finally:
        h.close()


async def until(app: AcctApp, pilot: Any, predicate: Callable[[], bool]) -> None:
    await wait_until(pilot, predicate, seconds=30)


def idle(app: AcctApp, group: str) -> bool:
    return not any(w.group == group and not w.is_finished for w in app.workers)


async def close_everything(app: AcctApp, pilot: Any) -> None:
    """Back to the main screen from wherever a submission ended; no internal error."""
    crashes = [n.message for n in app._notifications if n.title == "Internal error"]
    assert not crashes, crashes
    for _ in range(10):
        screen = app.screen
        if len(app.screen_stack) == 1:
            return
        if isinstance(screen, PlanScreen):
            await until(app, pilot, lambda s=screen: not s.running)
            await pilot.press("k")
        elif isinstance(screen, ConfirmScreen):
            await pilot.press("y")  # drop the secrets of a throw-away user
        else:
            await pilot.press("escape")
        await until(app, pilot, lambda s=screen: app.screen is not s)
    raise AssertionError(f"stuck on {app.screen!r}")


async def start(app: AcctApp, pilot: Any, action: Callable[[], None], kind: type) -> Any:
    app.clear_notifications()
    action()
    await until(app, pilot, lambda: isinstance(app.screen, kind))
    return app.screen


def reason_shown(app: AcctApp, form: Any) -> bool:
    """A refusal the user can see: an error under a field, or a warning toast."""
    errors = [w for w in form.query(".field-error") if w.display and str(w.render()).strip()]
    return bool(errors) or any(n.severity == "warning" for n in app._notifications)


async def submit(app: AcctApp, pilot: Any, form: Any, group: str) -> str:
    """ctrl+s on ``form``: "refused" (no review), or how the reviewed plan ended."""
    await pilot.press("ctrl+s")
    await until(app, pilot, lambda: isinstance(app.screen, ReviewScreen) or idle(app, group))
    if not isinstance(app.screen, ReviewScreen):
        assert app.screen is form, (app.screen_stack, form)
        return "refused" if reason_shown(app, form) else "refused without saying why"
    await pilot.press("ctrl+s")

    def ended() -> bool:
        screen = app.screen
        if isinstance(screen, PlanScreen):
            return not screen.running  # failed: it waits for roll back / keep
        return isinstance(screen, CredentialsScreen) or len(app.screen_stack) == 1

    await until(app, pilot, ended)
    return "failed" if isinstance(app.screen, PlanScreen) else "created"


async def submit_user(app: AcctApp, pilot: Any, v: dict[str, Any]) -> str:
    form = await start(app, pilot, app.main.users.action_new, CreateUserScreen)
    form.query_one("#name", Field).input.value = v["name"]
    form.query_one("#path", Field).input.value = v["path"]
    console, access_key = v["access"]
    form.query_one("#console", Checkbox).value = console
    if v["password"] is not None:
        form.query_one("#typed", RadioButton).value = True
        form.query_one("#password", Field).input.value = v["password"]
    form.query_one("#access-key", Checkbox).value = access_key
    form.query_one("#tags", TextArea).text = v["tags"]
    await pilot.pause()
    outcome = await submit(app, pilot, form, "user-form")
    await close_everything(app, pilot)
    return outcome


async def submit_group(app: AcctApp, pilot: Any, v: dict[str, Any]) -> str:
    form = await start(app, pilot, app.main.groups.action_new, CreateGroupScreen)
    form.query_one("#name", Field).input.value = v["name"]
    form.query_one("#path", Field).input.value = v["path"]
    await pilot.pause()
    outcome = await submit(app, pilot, form, "group-form")
    await close_everything(app, pilot)
    return outcome


async def submit_alias(app: AcctApp, pilot: Any, alias: str) -> str:
    form = await start(app, pilot, app.main.alias.action_new, AliasScreen)
    form.query_one("#alias", Field).input.value = alias
    await pilot.pause()
    await pilot.press("ctrl+s")
    await until(app, pilot, lambda: app.screen is not form or idle(app, "alias-form"))
    if app.screen is not form:
        outcome = "set"
    else:
        outcome = "refused" if reason_shown(app, form) else "refused without saying why"
    await close_everything(app, pilot)
    return outcome


def all_or_all_but_one(
    valid: dict[str, st.SearchStrategy[Any]], noisy: dict[str, st.SearchStrategy[Any]]
) -> st.SearchStrategy[dict[str, Any]]:
    """Value sets that are all valid, or valid but for one field: each refusal then has
    one cause, and about half the examples go all the way to AWS."""
    return st.one_of(
        st.fixed_dictionaries(valid),
        st.sampled_from(sorted(noisy)).flatmap(
            lambda field: st.fixed_dictionaries({**valid, field: noisy[field]})
        ),
    )


HOSTILE = st.sampled_from(["[bold]x[/]", "a\x1b[31mb", "x\x00y", "😀", "مرحبا", "tab\tx"])
GOOD_PATHS = st.one_of(st.just("/"), st.from_regex(r"/[!-~]{1,20}/", fullmatch=True))
PATHS = st.one_of(texts("/ab[]", 20), st.text(max_size=12), HOSTILE)
TAG_KEYS = st.text(alphabet=TAG_CHARS.replace("=", ""), min_size=1, max_size=128).map(str.strip)
GOOD_TAGS = st.lists(
    st.tuples(TAG_KEYS, st.text(alphabet=TAG_CHARS, max_size=256).map(str.strip)),
    max_size=3,
    unique_by=lambda kv: kv[0].casefold(),
).map(lambda tags: "\n".join(f"{k}={v}" for k, v in tags if k and not k.startswith("aws:")))
USER_VALUES = all_or_all_but_one(
    {
        "name": st.text(alphabet=NAME_CHARS, min_size=1, max_size=64),
        "path": GOOD_PATHS,
        "access": st.sampled_from([(True, False), (False, True), (True, True)]),
        "password": st.one_of(
            st.none(), st.from_regex(r"[A-Z][a-z][0-9]![ -~]{4,30}", fullmatch=True)
        ),
        "tags": GOOD_TAGS,
    },
    {
        "name": st.one_of(texts(NAME_CHARS, 70), st.text(max_size=10), HOSTILE),
        "path": PATHS,
        "access": st.just((False, False)),
        "password": st.one_of(
            st.text(alphabet="aA1!é\t €", max_size=20), st.text(max_size=12), st.just("x" * 129)
        ),
        "tags": st.one_of(st.lists(LINE, min_size=1, max_size=3).map("\n".join), HOSTILE),
    },
)
GROUP_VALUES = all_or_all_but_one(
    {"name": st.text(alphabet=NAME_CHARS, min_size=1, max_size=128), "path": GOOD_PATHS},
    {"name": st.one_of(texts(NAME_CHARS, 135), HOSTILE), "path": PATHS},
)
ALIASES = st.one_of(
    st.from_regex(r"[a-z0-9]([a-z0-9]|-(?!-)){1,20}[a-z0-9]", fullmatch=True),
    texts("abz09-", 70),
    HOSTILE,
)


def password_ok(v: dict[str, Any]) -> bool:
    if not v["access"][0] or v["password"] is None:
        return True
    return not validate.password_errors(v["password"], AWS_DEFAULT_PASSWORD_POLICY)


GOOD_USER = {"name": "fuzz", "path": "/", "access": (False, True), "password": None, "tags": ""}


@FORMS
@given(values=USER_VALUES)
@example(values={**GOOD_USER, "name": "[bold]x[/]"})
@example(values={**GOOD_USER, "name": "u" * 65})
@example(values={**GOOD_USER, "path": "/a b/"})
@example(values={**GOOD_USER, "tags": "aws:owner=me"})
@example(values={**GOOD_USER, "tags": "k=\x1b]52;c;cHduZWQ=\x07"})
@example(values={**GOOD_USER, "access": (True, False), "password": "short1!"})
@example(values={**GOOD_USER, "access": (False, False)})
def test_create_user_form_sends_nothing_invalid(
    harness: tuple[Harness, Auditor], values: dict[str, Any]
) -> None:
    h, auditor = harness
    before = len(auditor.mutating)
    outcome = h.run(submit_user, values)
    event(outcome)
    assert not h.crashes, h.crashes  # no worker died (a form's submit, a plan)
    model_ok = (
        USER_OK(values["name"])
        and path_ok(values["path"])
        and tags_ok(parse_tags(values["tags"]))
        and password_ok(values)
        and values["access"] != (False, False)  # the form's rule: something to sign in with
    )
    assert not auditor.violations, auditor.violations
    if not model_ok or outcome == "refused":
        assert outcome == "refused", values
        assert len(auditor.mutating) == before, "a refused form made no call"


@FORMS
@given(values=GROUP_VALUES)
@example(values={"name": "[b]admins[/b]", "path": "/"})
@example(values={"name": "g" * 129, "path": "/"})
@example(values={"name": "ok", "path": "no-slashes"})
def test_create_group_form_sends_nothing_invalid(
    harness: tuple[Harness, Auditor], values: dict[str, Any]
) -> None:
    h, auditor = harness
    before = len(auditor.mutating)
    outcome = h.run(submit_group, values)
    event(outcome)
    assert not h.crashes, h.crashes  # no worker died (a form's submit, a plan)
    assert not auditor.violations, auditor.violations
    if not (GROUP_OK(values["name"]) and path_ok(values["path"])) or outcome == "refused":
        assert outcome == "refused", values
        assert len(auditor.mutating) == before


@FORMS
@given(alias=ALIASES)
@example(alias="Upper-Case")
@example(alias="123456789012")
@example(alias="a--b")
def test_alias_form_sends_nothing_invalid(harness: tuple[Harness, Auditor], alias: str) -> None:
    h, auditor = harness
    before = len(auditor.mutating)
    outcome = h.run(submit_alias, alias)
    event(outcome)
    assert not h.crashes, h.crashes  # no worker died (a form's submit, a plan)
    assert not auditor.violations, auditor.violations
    if not alias_ok(alias) or outcome == "refused":
        assert outcome == "refused", alias
        assert len(auditor.mutating) == before
    else:
        assert auditor.mutating[before:] == ["CreateAccountAlias"]
