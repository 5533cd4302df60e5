"""What the subcommands that talk to the server share: the environment their connection
options name, the section they name, and a one-line failure.

Kept apart from ``tui/cli.py`` (which imports the subcommands) so they can use it without a
cycle. Heavy imports stay inside the functions, as everywhere on the command line.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tui.config import Environment, Settings
    from tui.domain.sections import Section

__all__ = ["cli_environment", "section_named", "fail"]


def fail(message: str, code: int) -> int:
    """Say ``message`` on stderr, as every subcommand does, and return ``code``."""
    print(f"spotnana-tui: {message}", file=sys.stderr)
    return code


def cli_environment(args: argparse.Namespace, *extra: str) -> tuple[Settings, Environment]:
    """The settings and the environment the connection options (and ``SPOTNANA_ENV``) name;
    ``extra`` names more options that override settings (e.g. ``page_size``). Refuses plain
    http to a non-loopback host without ``--insecure``, and an environment with no scope."""
    from tui.api._transport import check_base_url
    from tui.api.errors import InsecureUrlError
    from tui.config import load_settings

    given = {k: getattr(args, k, None) for k in ("env", "base_url", "tmc_id", "company_id", *extra)}
    settings = load_settings(getattr(args, "config", None), given)
    env = settings.environment(given["env"] or os.environ.get("SPOTNANA_ENV"))
    if getattr(args, "insecure", False):
        env.insecure = True
    try:
        check_base_url(env.base_url, insecure=env.insecure)
    except InsecureUrlError as exc:
        raise ValueError(f"{exc}; pass --insecure to allow it") from None
    if not (env.tmc_id or env.company_id):
        raise ValueError(f"environment {env.name!r} has no TMC or company to list: give --tmc-id or --company-id")
    return settings, env


def section_named(key: str) -> Section:
    """The editable section called ``key`` (ValueError naming the choices otherwise)."""
    from tui.domain.sections import editable_sections

    sections = {s.key: s for s in editable_sections()}
    if key not in sections:
        raise ValueError(f"unknown section {key!r} (one of: {', '.join(sections)})")
    return sections[key]
