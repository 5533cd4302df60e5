import tomllib

import pytest

from tui.api.errors import CredentialsError
from tui.config import ConfigError, Environment, app_paths, config_path, default_config_text, load_settings


@pytest.fixture
def home(tmp_path):
    return {"SPOTNANA_TUI_HOME": str(tmp_path)}


def write(environ, text):
    path = config_path(environ)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_paths_live_under_home(home, tmp_path):
    paths = app_paths(home)
    assert paths.config_file == tmp_path / "config" / "config.toml"
    assert paths.themes_dir == tmp_path / "config" / "themes"
    assert paths.cache_dir == tmp_path / "cache"
    assert paths.audit_file == tmp_path / "data" / "audit.jsonl"


def test_spotnana_config_points_elsewhere(tmp_path):
    assert config_path({"SPOTNANA_CONFIG": str(tmp_path / "x.toml")}) == tmp_path / "x.toml"


def test_first_run_writes_commented_default(home):
    settings = load_settings(environ=home)
    text = settings.config_file.read_text()
    assert text == default_config_text()
    assert text.count("#") > 10
    assert tomllib.loads(text)["default_env"] == "sandbox"
    assert settings.paths.themes_dir.is_dir()
    env = settings.environment()
    assert env.name == "sandbox" and env.base_url.startswith("http://127.0.0.1")
    assert settings.page_size == 100 and settings.theme == "spotnana-dark"
    assert settings.warnings == []


def test_no_create(home):
    settings = load_settings(environ=home, create=False)
    assert not settings.config_file.exists()
    assert settings.environments == {}


CONFIG = """
default_env = "stage"
page_size = 50
theme = "spotnana-light"
[environments.stage]
base_url = "https://stage.example"
company_id = "c-1"
auth = "client_credentials"
[environments.prod]
base_url = "https://prod.example"
auth = "keyring"
[keymap]
"users.search" = "ctrl+f"
"""


def test_file_values(home):
    write(home, CONFIG)
    s = load_settings(environ=home)
    assert s.default_env == "stage" and s.page_size == 50 and s.theme == "spotnana-light"
    assert s.keymap == {"users.search": "ctrl+f"}
    assert s.environment().company_id == "c-1"
    assert s.environment("prod").is_production
    assert not s.environment("stage").is_production


def test_env_vars_then_overrides_win(home):
    write(home, CONFIG)
    environ = {**home, "SPOTNANA_ENV": "prod", "SPOTNANA_THEME": "spotnana-high-contrast", "SPOTNANA_PAGE_SIZE": "25"}
    s = load_settings(environ=environ)
    assert (s.default_env, s.theme, s.page_size) == ("prod", "spotnana-high-contrast", 25)
    s = load_settings(None, {"env": "stage", "theme": "x", "base_url": "https://other.example"}, environ=environ)
    assert s.default_env == "stage" and s.theme == "x"
    assert s.environment().base_url == "https://other.example"


def test_base_url_without_config_makes_adhoc_env(home):
    s = load_settings(environ=home, create=False, base_url="http://127.0.0.1:9", tmc_id="t")
    env = s.environment()
    assert (env.name, env.base_url, env.tmc_id) == ("custom", "http://127.0.0.1:9", "t")


def test_secrets_in_file_are_ignored_and_warned(home):
    write(home, '[environments.a]\nbase_url = "https://a.example"\ntoken = "s3cret"\n')
    s = load_settings(environ=home)
    assert s.environment("a").token is None
    assert any("secrets" in w for w in s.warnings)
    assert "s3cret" not in repr(s)


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("page_size = [", "not valid TOML"),
        ("page_size = 0", "page_size"),
        ('[environments.a]\nauth = "token_env"', "base_url"),
        ('[environments.a]\nbase_url = "https://x"\nauth = "magic"', "auth"),
        ('default_status = "sometimes"', "default_status"),
        ("[keymap]\n'a.b' = 3", "keymap"),
    ],
)
def test_bad_config_is_a_clear_error(home, text, fragment):
    write(home, text)
    with pytest.raises(ConfigError, match=fragment):
        load_settings(environ=home)


def test_unknown_environment(home):
    write(home, CONFIG)
    with pytest.raises(ConfigError, match="unknown environment 'nope'"):
        load_settings(environ=home).environment("nope")


def test_credentials_from_env_var_and_never_in_repr():
    env = Environment("a", "https://a.example", token_env="MY_TOKEN")
    creds = env.credentials({"MY_TOKEN": "tok-123"})
    assert creds.kind == "token" and creds.token == "tok-123"
    assert "tok-123" not in repr(creds)
    with pytest.raises(CredentialsError, match="MY_TOKEN"):
        env.credentials({})


def test_in_memory_token_wins_and_hides():
    env = Environment("demo", "http://127.0.0.1:1", token="sandbox-token")
    assert env.credentials({}).token == "sandbox-token"
    assert "sandbox-token" not in repr(env)


def test_client_credentials():
    env = Environment("s", "https://s.example", auth="client_credentials")
    creds = env.credentials({"SPOTNANA_CLIENT_ID": "id", "SPOTNANA_CLIENT_SECRET": "sec"})
    assert (creds.kind, creds.client_id, creds.client_secret) == ("client_credentials", "id", "sec")
    assert "sec" not in repr(creds).replace("client_secret", "")


def test_bulk_concurrency_from_the_file_with_a_documented_default(home, tmp_path):
    settings = load_settings(environ=home)
    assert settings.bulk_concurrency == 4 and "concurrency = 4" in settings.config_file.read_text()
    assert settings.paths.jobs_file == tmp_path / "data" / "jobs.sqlite3"
    write(home, '[bulk]\nconcurrency = 12\nspeed = "fast"\n')
    settings = load_settings(environ=home)
    assert settings.bulk_concurrency == 12 and settings.warnings == ["bulk: unknown key 'speed' ignored"]
    assert load_settings(environ=home, bulk_concurrency=2).bulk_concurrency == 2
    write(home, "[bulk]\nconcurrency = 0\n")
    with pytest.raises(ConfigError, match="bulk.concurrency must be between 1 and 64"):
        load_settings(environ=home)


def test_cache_max_age_days_from_the_file_with_a_documented_default(home):
    settings = load_settings(environ=home)
    text = settings.config_file.read_text()
    assert settings.cache_max_age_days == 30 and tomllib.loads(text)["cache"] == {"max_age_days": 30}
    assert "Drafts are never dropped" in text
    write(home, "[cache]\nmax_age_days = 7\nsize = 3\n")
    settings = load_settings(environ=home)
    assert settings.cache_max_age_days == 7 and settings.warnings == ["cache: unknown key 'size' ignored"]
    for bad in ("0", "3651", '"week"', "true"):
        write(home, f"[cache]\nmax_age_days = {bad}\n")
        with pytest.raises(ConfigError, match="cache.max_age_days must be"):
            load_settings(environ=home)
    write(home, 'cache = "off"\n')
    with pytest.raises(ConfigError, match=r"\[cache\] must be a table"):
        load_settings(environ=home)
