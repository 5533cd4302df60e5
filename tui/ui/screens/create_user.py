"""Create a user (``POST /v2/users``) from the fields the API needs: persona, the traveler's
name and email, and the business refs (organization, legal entity). Optional: external ID, tier.

``ctrl+s`` / Create checks the fields (next to each one), asks for a confirm (which warns when
another user already has the email: the list API's ``emails`` filter), sends, records
the result in the audit log and dismisses with the new user's ID (None when cancelled).
A 400 from the server is shown next to the field it names.

Organization and legal entity IDs are prefilled from a user given as ``like`` (the list's
highlighted row: "same company as ..."), still editable; else the environment's company.

    open_create_user(app, like=row)   # from the list screen or the command palette
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import Button, Input, Label, Select, Static

from tui.api.errors import ApiError, SpotnanaError
from tui.domain.audit import AuditLog
from tui.domain.backend import ProfileBackend
from tui.domain.commit import safe_error_text
from tui.domain.editing import field_errors_from_api, field_errors_from_validation
from tui.domain.messages import NOT_EMAIL, REQUIRED
from tui.domain.paths import Path, format_path, get, has, set_at
from tui.domain.sections import section
from tui.domain.warnings import Lookups, ProfileWarning, email_owners, warnings_for
from tui.ui.audit_path import audit_path
from tui.ui.list_model import UserRow
from tui.ui.messages import OpenUser
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.widgets.warnings_view import WarningsBanner
from tui.ui.worker_errors import ReportsWorkerErrors

__all__ = [
    "CreateUserScreen",
    "CreateField",
    "FIELDS",
    "build_body",
    "defaults_like",
    "open_create_user",
]


@dataclass(frozen=True)
class CreateField:
    key: str
    label: str
    path: Path
    required: bool = True
    choices: tuple[str, ...] = ()


def _enum(model_field: str) -> tuple[str, ...]:
    from tui.api.models import UserCreateRequest, field_enum_values

    return tuple(field_enum_values(UserCreateRequest.model_fields[model_field]) or ())


def _fields() -> tuple[CreateField, ...]:
    personas = tuple(p for p in _enum("persona") if p != "UNKNOWN_PERSONA")
    return (
        CreateField("persona", "Persona", ("persona",), choices=personas),
        CreateField("given", "Given name", ("personalInfo", "name", "given")),
        CreateField("family", "Family name", ("personalInfo", "name", "family1")),
        CreateField("email", "Email", ("personalInfo", "email")),
        CreateField("dob", "Date of birth", ("personalInfo", "dob", "iso8601"), required=False),
        CreateField("organization", "Organization ID", ("businessInfo", "organizationRef", "id")),
        CreateField("legal_entity", "Legal entity ID", ("businessInfo", "legalEntityRef", "id")),
        CreateField("external_id", "External ID", ("externalId",), required=False),
        CreateField("tier", "Tier", ("tier",), required=False, choices=_enum("tier")),
    )


FIELDS = _fields()


def build_body(values: dict[str, str]) -> dict[str, Any]:
    """The UserCreateRequest JSON for the form's values (blank optional fields left out)."""
    body: dict[str, Any] = {}
    for f in FIELDS:
        value = (values.get(f.key) or "").strip()
        if value:
            set_at(body, f.path, value)
    return body


def defaults_like(row: Any) -> tuple[dict[str, str], str]:
    """Form defaults (organization, legal entity) taken from a list row, and a hint line naming them."""
    if row is None:
        return {}, ""
    org, legal = getattr(row, "company_id", "") or "", getattr(row, "legal_entity_id", "") or ""
    defaults = {k: v for k, v in (("organization", org), ("legal_entity", legal)) if v}
    if not defaults:
        return {}, ""
    org_text = getattr(row, "company_name", "") or org or "?"
    legal_text = getattr(row, "legal_entity_name", "") or legal or "?"
    who = getattr(row, "name", "") or getattr(row, "user_id", "") or "the highlighted user"
    return defaults, f"same company as {who}: {org_text} / {legal_text}"


def check(values: dict[str, str]) -> dict[str, str]:
    """Problems by field key: missing required values, an email without "@", model errors."""
    problems: dict[str, str] = {}
    for f in FIELDS:
        if f.required and not (values.get(f.key) or "").strip():
            problems[f.key] = REQUIRED
    email = (values.get("email") or "").strip()
    if email and ("@" not in email or email.startswith("@") or email.endswith("@")):
        problems.setdefault("email", NOT_EMAIL)
    if problems:
        return problems
    from tui.api.models import UserCreateRequest

    body = build_body(values)
    try:
        UserCreateRequest.model_validate(body)
    except ValidationError as exc:
        for err in field_errors_from_validation(exc, body):
            problems.setdefault(_key_for(err.path), err.message)  # already in the agent's words
    return problems


def _key_for(path: Path) -> str:
    """The form field a JSON path belongs to ("" when none does)."""
    best = ""
    for f in FIELDS:
        n = min(len(f.path), len(path))
        if path and f.path[:n] == tuple(path)[:n]:
            if not best or len(f.path) == len(path):
                best = f.key
    return best


class CreateUserScreen(ReportsWorkerErrors, ModalScreen[str | None]):
    DEFAULT_CSS = """
    CreateUserScreen { align: center middle; }
    CreateUserScreen > #create-dialog {
        width: 80; max-width: 100%; height: auto; max-height: 100%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    CreateUserScreen #create-fields { height: auto; max-height: 16; }
    CreateUserScreen .create-row { height: auto; layout: grid; grid-size: 2; grid-columns: 18 1fr; }
    CreateUserScreen .create-label { height: 1; }
    CreateUserScreen .create-error { column-span: 2; color: $error; padding-left: 18; height: auto; display: none; }
    CreateUserScreen .create-row.-error .create-error { display: block; }
    CreateUserScreen .create-row.-error .create-label { color: $error; }
    CreateUserScreen #create-message { color: $error; height: auto; }
    CreateUserScreen #create-message.-empty { display: none; }
    CreateUserScreen #create-hint { color: $text-muted; height: auto; }
    CreateUserScreen #create-foot { height: 1; margin-top: 1; }
    CreateUserScreen #create-keys { width: 1fr; color: $text-muted; }
    CreateUserScreen #create-buttons { width: auto; height: 1; }
    CreateUserScreen Button { margin-left: 2; min-width: 8; width: auto; }
    """

    BINDINGS = [
        Binding("ctrl+s", "create", "Create", id="create_user.create"),
        Binding("escape", "cancel", "Cancel", id="create_user.cancel"),
    ]

    def __init__(
        self,
        backend: ProfileBackend,
        env: Any = "",
        audit: AuditLog | None = None,
        defaults: dict[str, str] | None = None,
        like: Any = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        super().__init__()
        self.backend = backend
        self.env = env
        self.env_name = str(getattr(env, "name", env) or "")
        self.audit = audit
        self.defaults = dict(defaults or {})
        like_defaults, self.hint = defaults_like(like)
        for key, value in like_defaults.items():
            self.defaults.setdefault(key, value)
        company = getattr(env, "company_id", None)
        if company:
            self.defaults.setdefault("organization", company)
        self.sending = False
        self._initial: dict[str, str] | None = None
        self.today = today
        self._owners: dict[str, tuple[str, ...]] = {}  # email looked up -> the other users that have it
        self._warn_timer: Timer | None = None

    @classmethod
    def from_app(cls, app: Any, like: Any = None) -> CreateUserScreen:
        return cls(app.backend, app.env, AuditLog(audit_path(getattr(app, "settings", None))), like=like)

    def compose(self) -> ComposeResult:
        with Vertical(id="create-dialog") as dialog:
            dialog.border_title = f"New user{' in ' + self.env_name if self.env_name else ''}"
            if self.hint:
                yield Static(self.hint, id="create-hint", markup=False)
            yield WarningsBanner(id="create-warnings")  # above the fields: seen at 80x24 too
            with VerticalScroll(id="create-fields"):
                for f in FIELDS:
                    with Vertical(classes="create-row", id=f"row-{f.key}"):
                        yield Label(f"{f.label}{' *' if f.required else ''}", classes="create-label")
                        default = self.defaults.get(f.key, "")
                        if f.choices:
                            yield Select(
                                [(c, c) for c in f.choices],
                                id=f"field-{f.key}",
                                compact=True,
                                prompt="(none)" if not f.required else f"Choose a {f.label.lower()}",
                                value=default if default in f.choices else Select.NULL,
                            )
                        else:
                            yield Input(
                                default, id=f"field-{f.key}", placeholder=f.label, compact=True, select_on_focus=False
                            )
                        yield Static("", classes="create-error", id=f"error-{f.key}")
            yield Static("", id="create-message", classes="-empty", markup=False)
            with Horizontal(id="create-foot"):
                yield Static("tab next field · ctrl+s create · esc cancel", id="create-keys")
                with Horizontal(id="create-buttons"):
                    yield Button("Create", id="create", variant="primary", compact=True)
                    yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#field-persona").focus()
        self._initial = self.values()

    unsaved_noun = "the new user"

    @property
    def has_unsaved_changes(self) -> bool:
        """Typed into and not created yet (the app asks before leaving the form)."""
        return self._initial is not None and not self.sending and self.values() != self._initial

    # -- values and errors -----------------------------------------------------------------
    def values(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for f in FIELDS:
            widget = self.query_one(f"#field-{f.key}")
            if isinstance(widget, Select):
                out[f.key] = "" if widget.value is Select.NULL else str(widget.value)
            else:
                out[f.key] = widget.value  # type: ignore[attr-defined]
        return out

    def set_value(self, key: str, value: str) -> None:
        widget = self.query_one(f"#field-{key}")
        if isinstance(widget, Select) and not value:
            widget.clear()
        else:
            widget.value = value  # type: ignore[attr-defined]

    def show_errors(self, problems: dict[str, str], message: str = "") -> None:
        for f in FIELDS:
            text = problems.get(f.key, "")
            self.query_one(f"#row-{f.key}").set_class(bool(text), "-error")
            self.query_one(f"#error-{f.key}", Static).update(f"⚠ {text}" if text else "")
        general = [m for k, m in problems.items() if k not in {f.key for f in FIELDS}]
        text = "\n".join(filter(None, [message, *general]))
        box = self.query_one("#create-message", Static)
        box.update(text)
        box.set_class(not text, "-empty")

    # -- warnings (never a block): date of birth, an email another user has ----------------
    WARN_KEYS = ("email", "dob")
    WARN_DELAY = 0.3  # s after the last keystroke in one of those fields

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in {f"field-{k}" for k in self.WARN_KEYS}:
            if self._warn_timer is not None:
                self._warn_timer.stop()
            self._warn_timer = self.set_timer(self.WARN_DELAY, self._refresh_warnings)

    def _refresh_warnings(self) -> None:
        self.run_worker(self.update_warnings(), group="create-warnings", exclusive=True, exit_on_error=False)

    async def update_warnings(self) -> list[ProfileWarning]:
        """Look the email up (once per address) and show the warnings of the form's values."""
        personal = get(build_body(self.values()), ("personalInfo",), None) or {}
        email = str(personal.get("email") or "").strip().lower()
        if email and "@" in email and email not in self._owners:
            try:
                owners = await email_owners(
                    self.backend,
                    email,
                    tmc_id=getattr(self.env, "tmc_id", None),
                    company_id=getattr(self.env, "company_id", None),
                )
            except SpotnanaError:
                owners = None  # no lookup, no warning: the server still has the last word
            if owners is not None:
                self._owners[email] = owners
        found = warnings_for(section("personal"), personal, today=self.today(), lookups=Lookups(emails=self._owners))
        self.query_one("#create-warnings", WarningsBanner).show(found)
        return found

    # -- actions ---------------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "create":
            self.action_create()
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        """Esc: out of the field first; then close, asking first when something was typed."""
        if self.sending:
            return
        if isinstance(self.focused, (Input, Select)):
            self.set_focus(None)
            return
        if not self._typed():
            self.dismiss(None)
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmScreen(
                "Close the form and drop what you typed?", title="New user", yes="Drop", no="Stay", danger=True
            ),
            answer,
        )

    def _typed(self) -> bool:
        """Anything in the form beyond its defaults."""
        return any(v.strip() != (self.defaults.get(k) or "").strip() for k, v in self.values().items())

    def action_create(self) -> None:
        if not self.sending:
            self._create()

    @work(exclusive=True, group="create", exit_on_error=False)
    async def _create(self) -> None:
        values = self.values()
        problems = check(values)
        self.show_errors(problems)
        if problems:
            return
        body = build_body(values)
        who = f"{values['given'].strip()} {values['family'].strip()} <{values['email'].strip()}>"
        question = f"Create {who} as {values['persona']} in {self.env_name or 'this environment'}?"
        warned = await self.update_warnings()
        if warned:
            question += "\n" + "\n".join(f"⚠ {w.message}" for w in warned)
        if not await self.app.push_screen_wait(
            ConfirmScreen(question, title="Create user", yes="Create", no="Back", danger=bool(warned))
        ):
            return
        self.sending = True
        try:
            answer = await self.backend.create_user(body)
        except SpotnanaError as exc:
            self._audit(None, body, "error", exc)
            problems = {}
            if isinstance(exc, ApiError) and exc.status == 400:
                problems = self._server_problems(exc)
            self.show_errors(problems, f"Not created: {exc}")
            return
        finally:
            self.sending = False
        new_id = str((answer or {}).get("id") or "") if isinstance(answer, dict) else ""
        self._audit(new_id or None, body, "ok")
        self.notify(f"Created {who}" + (f": {new_id}" if new_id else ""), title="New user")
        self.dismiss(new_id or None)

    def _server_problems(self, exc: ApiError) -> dict[str, str]:
        out: dict[str, str] = {}
        for err in field_errors_from_api(exc):  # in the agent's words, like every form's
            if err.path:
                out.setdefault(_key_for(err.path) or f"({format_path(err.path)})", err.message)
        return out

    def _audit(self, user_id: str | None, body: dict, result: str, exc: SpotnanaError | None = None) -> None:
        if self.audit is None:
            return
        fields = [format_path(f.path) for f in FIELDS if has(body, f.path)]
        self.audit.record(
            environment=self.env_name,
            user_id=user_id,
            section=None,
            action="create",
            result=result,
            fields=fields,  # type: ignore[arg-type]
            status=getattr(exc, "status", None),
            debug_identifier=getattr(exc, "debug_identifier", None),
            message=safe_error_text(exc),
        )


def open_create_user(app: Any, open_profile: bool = True, like: Any = None) -> None:
    """Show the form (organization / legal entity prefilled from ``like``, a list row, when
    given); once created, open the new user's profile."""

    def done(user_id: str | None) -> None:
        if user_id and open_profile:
            row = UserRow(user_id=user_id, name="", email="", employee_id="", persona="", office="", active=True)
            app.post_message(OpenUser(row))

    app.push_screen(CreateUserScreen.from_app(app, like), done)
