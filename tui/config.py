"""Settings and paths: the TOML config file, named environments, theme, keymap.

Precedence (lowest first): built-in defaults < config file < environment variables
(``SPOTNANA_ENV``, ``SPOTNANA_THEME``, ``SPOTNANA_BASE_URL``, ``SPOTNANA_TMC_ID``,
``SPOTNANA_COMPANY_ID``, ``SPOTNANA_PAGE_SIZE``) < explicit overrides (the command line).

Directories come from platformdirs (app name ``spotnana-tui``). ``SPOTNANA_TUI_HOME`` puts
all of them under one folder (tests use it so they never touch the real home) and
``SPOTNANA_CONFIG`` points at another config file. The folders the app creates are 0700 and
the config file 0600 (an existing config file is tightened to that when read).

Secrets never live in the config file: an environment names *where* its token is (an
environment variable, an OS keyring entry, or client-credential variables). The app never
writes a secret anywhere and ``repr()`` of these objects never shows one.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tui.api.operations import USER_STATUSES
from tui.domain.private_files import private_dir, tighten, write_private_text

__all__ = [
    "APP_NAME",
    "AUTH_KINDS",
    "ConfigError",
    "Credentials",
    "Environment",
    "Paths",
    "Settings",
    "app_paths",
    "config_path",
    "default_config_text",
    "load_settings",
    "save_theme",
]

APP_NAME = "spotnana-tui"
AUTH_KINDS = ("token_env", "keyring", "client_credentials", "none")
DEFAULT_THEME = "spotnana-dark"
STATUSES = USER_STATUSES
_SECRET_KEYS = {"token", "client_secret", "secret", "password", "access_token"}


class ConfigError(Exception):
    """The config file cannot be used; ``str()`` says where and why, in one line."""


@dataclass(frozen=True, slots=True)
class Paths:
    config_file: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path
    themes_dir: Path
    data_dir: Path

    @property
    def audit_file(self) -> Path:
        return self.data_dir / "audit.jsonl"

    @property
    def jobs_file(self) -> Path:
        """The bulk-job journal (``tui.domain.jobs.JOURNAL_FILE``): in the data dir, not the
        cache dir the OS may clean, since unfinished jobs must survive."""
        return self.data_dir / "jobs.sqlite3"

    @property
    def cache_file(self) -> Path:
        """The offline cache and the drafts (``tui.domain.cache_db.CACHE_FILE``): in the data
        dir, not the cache dir the OS may clean, since drafts must survive."""
        return self.data_dir / "cache.sqlite3"


def app_paths(environ: Mapping[str, str] | None = None) -> Paths:
    environ = os.environ if environ is None else environ
    home = environ.get("SPOTNANA_TUI_HOME")
    if home:
        root = Path(home).expanduser()
        config_dir, cache_dir, log_dir = root / "config", root / "cache", root / "logs"
        data_dir = root / "data"
    else:
        import platformdirs

        config_dir = Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
        cache_dir = Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
        log_dir = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
        data_dir = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    override = environ.get("SPOTNANA_CONFIG")
    config_file = Path(override).expanduser() if override else config_dir / "config.toml"
    return Paths(config_file, config_dir, cache_dir, log_dir, config_dir / "themes", data_dir)


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where the config file is (what ``spotnana-tui config path`` prints)."""
    return app_paths(environ).config_file


@dataclass(frozen=True, slots=True)
class Credentials:
    """How to authenticate: a bearer token, or client credentials to exchange for one."""

    kind: str  # "token" | "client_credentials" | "none"
    token: str | None = field(default=None, repr=False)
    client_id: str | None = None
    client_secret: str | None = field(default=None, repr=False)
    source: str = ""  # where it came from, e.g. "env SPOTNANA_TOKEN" (safe to show)


@dataclass(slots=True)
class Environment:
    """A named Users API deployment and where its credentials are found."""

    name: str
    base_url: str
    tmc_id: str | None = None
    company_id: str | None = None
    auth: str = "token_env"
    token_env: str = "SPOTNANA_TOKEN"
    keyring_service: str = APP_NAME
    keyring_user: str | None = None
    client_id_env: str = "SPOTNANA_CLIENT_ID"
    client_secret_env: str = "SPOTNANA_CLIENT_SECRET"
    production: bool = False
    insecure: bool = False
    label: str | None = None
    # in-memory only (the --demo sandbox): never read from or written to the config file
    token: str | None = field(default=None, repr=False, compare=False)
    cache_url: str | None = field(default=None, compare=False)
    """In-memory only: what the offline cache keys this environment by instead of ``base_url``
    (the --demo sandbox listens on another port every run, but holds the same seeded users)."""

    @property
    def is_production(self) -> bool:
        return self.production or self.name.lower() in ("prod", "production")

    @property
    def display_name(self) -> str:
        return self.label or self.name

    def credentials(self, environ: Mapping[str, str] | None = None) -> Credentials:
        """Find the secret. Raises ``tui.api.errors.CredentialsError`` when it is missing."""
        from tui.api.errors import CredentialsError

        environ = os.environ if environ is None else environ
        if self.token:
            return Credentials("token", token=self.token, source="in memory")
        if self.auth == "none":
            return Credentials("none", source="none")
        if self.auth == "token_env":
            token = environ.get(self.token_env, "").strip()
            if not token:
                raise CredentialsError(
                    f'environment {self.name!r}: no token in ${self.token_env} (set it, or use auth = "keyring")'
                )
            return Credentials("token", token=token, source=f"${self.token_env}")
        if self.auth == "keyring":
            user = self.keyring_user or self.name
            try:
                import keyring

                token = keyring.get_password(self.keyring_service, user)
            except Exception as exc:  # no backend, locked keyring ...
                raise CredentialsError(
                    f"environment {self.name!r}: keyring unavailable ({type(exc).__name__})"
                ) from None
            if not token:
                raise CredentialsError(f"environment {self.name!r}: no keyring entry {self.keyring_service!r}/{user!r}")
            return Credentials("token", token=token, source=f"keyring {self.keyring_service}/{user}")
        if self.auth == "client_credentials":
            cid = environ.get(self.client_id_env, "").strip()
            secret = environ.get(self.client_secret_env, "").strip()
            if not secret:
                try:
                    import keyring

                    secret = (
                        keyring.get_password(self.keyring_service, f"{self.keyring_user or self.name}:client_secret")
                        or ""
                    )
                except Exception:
                    secret = ""
            if not cid or not secret:
                raise CredentialsError(
                    f"environment {self.name!r}: set ${self.client_id_env} and ${self.client_secret_env}"
                )
            return Credentials(
                "client_credentials", client_id=cid, client_secret=secret, source=f"${self.client_id_env}"
            )
        raise CredentialsError(f"environment {self.name!r}: unknown auth {self.auth!r}")


@dataclass(slots=True)
class Settings:
    environments: dict[str, Environment]
    default_env: str | None
    paths: Paths
    page_size: int = 100
    theme: str = DEFAULT_THEME
    keymap: dict[str, str] = field(default_factory=dict)
    debounce_ms: int = 150
    default_status: str = "ALL"
    bulk_concurrency: int = 4
    """``[bulk] concurrency``: users a bulk job writes at the same time (``--concurrency`` overrides)."""
    cache_max_age_days: int = 30
    """``[cache] max_age_days``: copies in the offline cache older than this are dropped when the
    app or a ``cache`` subcommand starts (drafts never are)."""
    warnings: list[str] = field(default_factory=list)

    @property
    def config_file(self) -> Path:
        return self.paths.config_file

    def environment(self, name: str | None = None) -> Environment:
        """The named environment, else the default one. Raises :class:`ConfigError`."""
        name = name or self.default_env
        if name and name in self.environments:
            return self.environments[name]
        if not name and len(self.environments) == 1:
            return next(iter(self.environments.values()))
        known = ", ".join(sorted(self.environments)) or "none configured"
        if name:
            raise ConfigError(f"unknown environment {name!r} (known: {known}); see {self.config_file}")
        raise ConfigError(f"no environment chosen (known: {known}); use --env or default_env in {self.config_file}")


def default_config_text() -> str:
    return """# spotnana-tui configuration (TOML).
# Command-line options and environment variables override what is here:
#   --env / SPOTNANA_ENV, --base-url / SPOTNANA_BASE_URL, --theme / SPOTNANA_THEME,
#   SPOTNANA_PAGE_SIZE, SPOTNANA_TMC_ID, SPOTNANA_COMPANY_ID.
# Secrets are never stored in this file: each environment says where its token is.

# The environment used when --env is not given.
default_env = "sandbox"

# Users fetched per request while scrolling the list.
page_size = 100

# Milliseconds to wait after a keystroke before searching.
debounce_ms = 150

# Which users the list shows before any status: filter (active, inactive or all).
default_status = "all"

# Bundled themes: spotnana-dark, spotnana-light, spotnana-high-contrast.
# Your own themes: TOML files in the "themes" folder next to this file.
theme = "spotnana-dark"

[bulk]
# Users a bulk job reads and writes at the same time (a 429 slows them all down).
concurrency = 4

[cache]
# Days a copy in the offline cache (list rows, profiles, sections) is kept: older ones are
# dropped when the app or a `spotnana-tui cache` command starts. Drafts are never dropped.
max_age_days = 30

[environments.sandbox]
# The local sandbox (`spotnana-tui sandbox` prints its URL, token and TMC id).
base_url = "http://127.0.0.1:8700"
tmc_id = ""                   # or company_id = "..."
auth = "token_env"            # token_env | keyring | client_credentials
token_env = "SPOTNANA_TOKEN"  # the variable that holds the bearer token

# [environments.production]
# base_url = "https://api.spotnana.com"
# production = true           # shown in red in the status bar
# company_id = "..."
# auth = "keyring"            # token in the OS keyring: service "spotnana-tui", user "production"
# keyring_user = "production"
#
# [environments.staging]
# base_url = "https://api-stage.spotnana.com"
# auth = "client_credentials" # exchanges $SPOTNANA_CLIENT_ID / $SPOTNANA_CLIENT_SECRET for a token
# client_id_env = "SPOTNANA_CLIENT_ID"
# client_secret_env = "SPOTNANA_CLIENT_SECRET"

[keymap]
# Remap any binding by its id ("?" opens the list of ids and keys). Comma-separate several keys.
# "users.search" = "slash,ctrl+f"
# "app.quit" = "q"
"""


_ENV_FIELDS = {
    "base_url": str,
    "tmc_id": str,
    "company_id": str,
    "auth": str,
    "token_env": str,
    "keyring_service": str,
    "keyring_user": str,
    "client_id_env": str,
    "client_secret_env": str,
    "production": bool,
    "insecure": bool,
    "label": str,
}


def _parse_environment(name: str, raw: Any, warnings: list[str], where: Path) -> Environment:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: [environments.{name}] must be a table")
    kwargs: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _SECRET_KEYS:
            warnings.append(
                f"environments.{name}.{key} ignored: secrets don't belong in the config file "
                "(use token_env, keyring or client_credentials)"
            )
            continue
        kind = _ENV_FIELDS.get(key)
        if kind is None:
            warnings.append(f"environments.{name}: unknown key {key!r} ignored")
            continue
        if not isinstance(value, kind):
            raise ConfigError(f"{where}: environments.{name}.{key} must be a {kind.__name__}")
        if kind is str and value == "" and key in ("tmc_id", "company_id", "keyring_user", "label"):
            continue
        kwargs[key] = value
    if "base_url" not in kwargs:
        raise ConfigError(f"{where}: environments.{name} needs a base_url")
    auth = kwargs.get("auth", "token_env")
    if auth not in AUTH_KINDS:
        raise ConfigError(f"{where}: environments.{name}.auth must be one of {', '.join(AUTH_KINDS)}")
    return Environment(name=name, **kwargs)


def _int(value: Any, what: str, where: str, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ConfigError(f"{where}: {what} must be a whole number") from None
    if isinstance(value, bool) or not low <= number <= high:
        raise ConfigError(f"{where}: {what} must be between {low} and {high}")
    return number


def load_settings(
    path: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    create: bool = True,
    **more: Any,
) -> Settings:
    """Read the config file (creating a commented one on first run) and apply overrides.

    ``overrides`` (and keyword arguments) may hold: ``env``, ``base_url``, ``theme``,
    ``page_size``, ``tmc_id``, ``company_id``, ``keymap`` (dict), ``debounce_ms``,
    ``bulk_concurrency``, ``cache_max_age_days``.
    ``None`` values are ignored, so command-line options can be passed through as they are.
    """
    environ = os.environ if environ is None else environ
    opts = {k: v for k, v in {**(overrides or {}), **more}.items() if v is not None}
    paths = app_paths(environ)
    if path is not None:
        config_file = Path(path).expanduser()
        paths = Paths(
            config_file,
            config_file.parent,
            paths.cache_dir,
            paths.log_dir,
            config_file.parent / "themes",
            paths.data_dir,
        )
    file = paths.config_file
    if not file.exists() and create:
        try:  # folders 0700, the file 0600 (see tui.domain.private_files)
            private_dir(file.parent)
            private_dir(file.parent / "themes")
            write_private_text(file, default_config_text(), exclusive=True)
        except OSError:
            pass  # read-only home, or made meanwhile: run on what is there
    elif create:
        tighten(file)  # one written by an older version (0644), or by hand
    data: dict[str, Any] = {}
    if file.exists():
        try:
            data = tomllib.loads(file.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{file}: not valid TOML ({exc})") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{file}: cannot be read ({exc})") from None

    warnings: list[str] = []
    where = str(file)
    envs_raw = data.get("environments", {})
    if not isinstance(envs_raw, dict):
        raise ConfigError(f"{where}: [environments] must be a table")
    environments = {name: _parse_environment(name, raw, warnings, file) for name, raw in envs_raw.items()}

    keymap_raw = data.get("keymap", {})
    if not isinstance(keymap_raw, dict) or not all(isinstance(v, str) for v in keymap_raw.values()):
        raise ConfigError(f'{where}: [keymap] maps binding ids to key strings, e.g. "users.search" = "slash"')
    keymap = dict(keymap_raw)
    keymap.update(opts.get("keymap") or {})

    known_top = {
        "default_env", "page_size", "debounce_ms", "default_status", "theme", "environments", "keymap", "bulk",
        "cache",
    }  # fmt: skip
    for key in data:
        if key not in known_top:
            if key in _SECRET_KEYS:
                warnings.append(f"{key} ignored: secrets don't belong in the config file")
            else:
                warnings.append(f"unknown setting {key!r} ignored")

    default_env = opts.get("env") or environ.get("SPOTNANA_ENV") or data.get("default_env") or None
    theme = opts.get("theme") or environ.get("SPOTNANA_THEME") or data.get("theme") or DEFAULT_THEME
    page_size = _int(
        opts.get("page_size") or environ.get("SPOTNANA_PAGE_SIZE") or data.get("page_size", 100),
        "page_size",
        where,
        1,
        1000,
    )
    debounce_ms = _int(opts.get("debounce_ms", data.get("debounce_ms", 150)), "debounce_ms", where, 0, 5000)
    status = str(opts.get("default_status") or data.get("default_status") or "all").upper()
    if status not in STATUSES:
        raise ConfigError(f"{where}: default_status must be active, inactive or all")

    bulk_raw = data.get("bulk", {})
    if not isinstance(bulk_raw, dict):
        raise ConfigError(f"{where}: [bulk] must be a table")
    for key in bulk_raw:
        if key != "concurrency":
            warnings.append(f"bulk: unknown key {key!r} ignored")
    bulk_concurrency = _int(
        opts.get("bulk_concurrency") or bulk_raw.get("concurrency", 4), "bulk.concurrency", where, 1, 64
    )
    cache_raw = data.get("cache", {})
    if not isinstance(cache_raw, dict):
        raise ConfigError(f"{where}: [cache] must be a table")
    for key in cache_raw:
        if key != "max_age_days":
            warnings.append(f"cache: unknown key {key!r} ignored")
    cache_max_age_days = _int(
        opts.get("cache_max_age_days") or cache_raw.get("max_age_days", 30), "cache.max_age_days", where, 1, 3650
    )

    base_url = opts.get("base_url") or environ.get("SPOTNANA_BASE_URL")
    tmc_id = opts.get("tmc_id") or environ.get("SPOTNANA_TMC_ID")
    company_id = opts.get("company_id") or environ.get("SPOTNANA_COMPANY_ID")
    if base_url or tmc_id or company_id:
        name = default_env or "custom"
        env = environments.get(name)
        if env is None:
            if not base_url:
                raise ConfigError(f"unknown environment {name!r}: give --base-url or add it to {where}")
            env = environments[name] = Environment(name=name, base_url=base_url)
        if base_url:
            env.base_url = base_url
        if tmc_id:
            env.tmc_id, env.company_id = tmc_id, None
        if company_id:
            env.company_id, env.tmc_id = company_id, None
        default_env = name

    return Settings(
        environments=environments,
        default_env=default_env,
        paths=paths,
        page_size=page_size,
        theme=str(theme),
        keymap=keymap,
        debounce_ms=debounce_ms,
        default_status=status,
        bulk_concurrency=bulk_concurrency,
        cache_max_age_days=cache_max_age_days,
        warnings=warnings,
    )


def save_theme(path: str | Path, name: str) -> None:
    """Set ``theme = name`` in the config file, keeping its comments and layout (tomlkit).

    A missing file is first written as the commented default one. The file stays 0600.
    Raises :class:`ConfigError` when the file cannot be read, parsed or written.
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8") if file.exists() else default_config_text()
        document = tomlkit.parse(text)
    except (OSError, UnicodeDecodeError, TOMLKitError) as exc:
        raise ConfigError(f"{file}: cannot save the theme ({exc})") from None
    document["theme"] = name
    try:
        private_dir(file.parent)
        write_private_text(file, tomlkit.dumps(document))
    except OSError as exc:
        raise ConfigError(f"{file}: cannot save the theme ({exc})") from None
