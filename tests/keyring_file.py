"""A keyring backend for tests: passwords in a JSON file named by ``SPOTNANA_TEST_KEYRING``.

A subprocess under test gets a keyring where the machine has none (most CI and SSH hosts) with

    env["PYTHON_KEYRING_BACKEND"] = "tests.keyring_file.FileKeyring"
    env["SPOTNANA_TEST_KEYRING"] = str(tmp_path / "keyring.json")
    env["PYTHONPATH"] = str(ROOT)  # so ``tests`` imports

and the test puts what it needs in the file first (:func:`write_password`). Without the
variable the backend is not viable, so keyring never picks it on its own.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from jaraco.classes import properties
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

ENV_VAR = "SPOTNANA_TEST_KEYRING"
BACKEND = "tests.keyring_file.FileKeyring"


def _file() -> Path:
    name = os.environ.get(ENV_VAR)
    if not name:
        raise RuntimeError(f"{ENV_VAR} names no file")
    return Path(name)


def _read(path: Path) -> dict[str, dict[str, str]]:
    return json.loads(path.read_text()) if path.exists() else {}


def write_password(path: Path, service: str, user: str, password: str) -> None:
    data = _read(path)
    data.setdefault(service, {})[user] = password
    path.write_text(json.dumps(data))
    path.chmod(0o600)


class FileKeyring(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:
        _file()  # not viable without the variable
        return 1

    def get_password(self, service: str, username: str) -> str | None:
        return _read(_file()).get(service, {}).get(username)

    def set_password(self, service: str, username: str, password: str) -> None:
        write_password(_file(), service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        path = _file()
        data = _read(path)
        if username not in data.get(service, {}):
            raise PasswordDeleteError(username)
        del data[service][username]
        path.write_text(json.dumps(data))
