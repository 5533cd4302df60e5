"""The config file, the logs, the audit log and their folders are for their owner only: folders
0700, files 0600, whatever the umask; files (and the log folder) from before are tightened."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from tui.config import load_settings
from tui.domain.audit import AuditLog
from tui.domain.private_files import private_dir, private_file, replace_private, tighten, write_private_text
from tui.ui.run import _log_to_file


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture(params=[0o022, 0o000, 0o277], ids=["umask022", "umask000", "umask277"])
def umask(request):
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


@pytest.fixture
def home(tmp_path):
    return tmp_path / "home"  # missing: the app makes it


def test_first_run_config_and_themes_folder(home, umask):
    settings = load_settings(environ={"SPOTNANA_TUI_HOME": str(home)})
    paths = settings.paths
    assert paths.config_file.read_text().startswith("# spotnana-tui configuration")
    assert mode(paths.config_file) == 0o600
    assert mode(paths.config_dir) == 0o700 and mode(paths.themes_dir) == 0o700
    assert mode(home) == 0o700  # every folder it made, not only the last one


def test_an_older_config_file_is_tightened(home, umask):
    path = home / "config" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('default_env = "x"\n')
    os.chmod(path, 0o644)
    os.chmod(path.parent, 0o755)
    settings = load_settings(environ={"SPOTNANA_TUI_HOME": str(home)})
    assert settings.default_env == "x" and path.read_text() == 'default_env = "x"\n'
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o755  # a folder that exists is not the app's to change
    os.chmod(path, 0o644)
    load_settings(environ={"SPOTNANA_TUI_HOME": str(home)}, create=False)
    assert mode(path) == 0o644  # create=False writes nothing, changes nothing


def test_log_folder_and_file(home, umask):
    settings = load_settings(environ={"SPOTNANA_TUI_HOME": str(home)}, create=False)
    logger = logging.getLogger("tui")
    before = list(logger.handlers)
    try:
        _log_to_file(settings)
        logging.getLogger("tui.test").warning("user %s", "u-1")
        log_file = settings.paths.log_dir / "app.log"
        assert "user u-1" in log_file.read_text()
        assert mode(log_file) == 0o600 and mode(settings.paths.log_dir) == 0o700
    finally:
        for handler in logger.handlers[len(before) :]:
            handler.close()
            logger.removeHandler(handler)


def test_an_older_log_folder_and_file_are_tightened(home, umask):
    settings = load_settings(environ={"SPOTNANA_TUI_HOME": str(home)}, create=False)
    log_dir = settings.paths.log_dir
    log_dir.mkdir(parents=True)
    (log_dir / "app.log").write_text("old line\n")
    os.chmod(log_dir, 0o755)
    os.chmod(log_dir / "app.log", 0o644)
    logger = logging.getLogger("tui")
    before = list(logger.handlers)
    try:
        _log_to_file(settings)
        assert mode(log_dir) == 0o700 and mode(log_dir / "app.log") == 0o600
        assert (log_dir / "app.log").read_text() == "old line\n"  # appended to, not replaced
    finally:
        for handler in logger.handlers[len(before) :]:
            handler.close()
            logger.removeHandler(handler)


def test_audit_log_folder_and_file(home, umask):
    audit = AuditLog(home / "data" / "audit.jsonl")
    audit.record(environment="sandbox", user_id="u-1", section="personal", action="reveal", result="ok")
    assert mode(home / "data") == 0o700 and mode(home) == 0o700
    assert mode(audit.path) == 0o600
    os.chmod(audit.path, 0o644)  # as an older version (or a copy) may have left it
    AuditLog(audit.path).record(environment="sandbox", user_id="u-1", section=None, action="reveal", result="ok")
    assert mode(audit.path) == 0o600 and len(audit.read()) == 2


def test_helpers(tmp_path, umask):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    assert private_dir(shared) == shared and mode(shared) == 0o755  # left alone ...
    private_dir(shared, tighten_existing=True)
    assert mode(shared) == 0o700  # ... unless asked
    deep = private_dir(tmp_path / "a" / "b" / "c")
    assert all(mode(p) == 0o700 for p in (deep, deep.parent, deep.parent.parent))
    write_private_text(deep / "f.txt", "one")
    assert mode(deep / "f.txt") == 0o600 and (deep / "f.txt").read_text() == "one"
    with pytest.raises(FileExistsError):
        write_private_text(deep / "f.txt", "two", exclusive=True)
    assert (deep / "f.txt").read_text() == "one"
    private_file(deep / "g.log")
    assert mode(deep / "g.log") == 0o600 and (deep / "g.log").read_text() == ""
    os.chmod(deep / "g.log", 0o666)
    tighten(deep / "g.log")
    assert mode(deep / "g.log") == 0o600
    tighten(tmp_path / "missing")  # nothing there: nothing to do
    (tmp_path / "file").write_text("")
    with pytest.raises(NotADirectoryError):
        private_dir(tmp_path / "file")


def test_an_export_file_is_0600_and_appears_whole_or_not_at_all(tmp_path, umask):
    target = tmp_path / "users.csv"
    target.write_text("older export\n")
    os.chmod(target, 0o644)
    with pytest.raises(RuntimeError):
        with replace_private(target) as fh:
            fh.write("half a file")
            raise RuntimeError("the server went away")
    assert target.read_text() == "older export\n"
    assert os.listdir(tmp_path) == ["users.csv"]  # the partial file is gone
    with replace_private(target, newline="") as fh:
        fh.write("a,b\r\n")
    assert target.read_bytes() == b"a,b\r\n"
    assert mode(target) == 0o600
