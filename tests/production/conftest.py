"""The production stack of docker-compose, without Docker: its own commands on this machine.

The tests marked ``production`` (``make smoke``, run by .ci/run) share one stack: a PostgreSQL
database of their own, Redis, the compose file's init command, two web nodes (its web command
on two ports) and its worker command. Web nodes share nothing but the database, the cache and the
media folder, as several containers behind a load balancer would.
"""

from __future__ import annotations

import os
import secrets
import shlex
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
import yaml
from psycopg import sql

from .stack import BIN, ROOT, free_port, production_env, stop, wait_for

SMOKE_DB = "accord_smoke"


@dataclass
class Stack:
    a: str  # base URL of web node A (SITE_URL points here)
    b: str  # base URL of web node B
    env: dict[str, str]
    var: Path
    logs: Path
    compose: dict[str, Any]

    def manage(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603
            [str(BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        )


def _postgres_admin_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        pytest.skip("the production stack runs on PostgreSQL (make smoke sets DATABASE_URL)")
    return url


def _fresh_database(url: str) -> str:
    server = url.rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(SMOKE_DB)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(SMOKE_DB)))
    return f"{server}/{SMOKE_DB}"


def command_of(compose: dict[str, Any], service: str) -> list[str]:
    command = compose["services"][service]["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def _run_compose_command(compose: dict[str, Any], service: str, env: dict[str, str]) -> None:
    result = subprocess.run(  # noqa: S603 - the compose file's own command
        command_of(compose, service), cwd=ROOT, env=env, capture_output=True, text=True, check=False, timeout=600
    )
    assert result.returncode == 0, f"{service}: {result.stdout}\n{result.stderr}"


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    database_url = _fresh_database(_postgres_admin_url())
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    var = tmp_path_factory.mktemp("var")
    logs = Path(os.environ.get("ACCORD_SMOKE_LOGS") or tmp_path_factory.mktemp("logs"))
    logs.mkdir(parents=True, exist_ok=True)
    port_a, port_b = free_port(), free_port()
    env = production_env(
        var,
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # the compose commands say `python`
        DATABASE_URL=database_url,
        CACHE_URL=os.environ.get("SMOKE_CACHE_URL", "redis://127.0.0.1:6379/15"),
        CACHE_KEY_PREFIX=f"smoke-{secrets.token_hex(4)}",
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        SITE_URL=f"http://127.0.0.1:{port_a}",
        MEDIA_ROOT=str(var / "media"),
        STATIC_ROOT=str(var / "staticfiles"),
        WEB_CONCURRENCY="2",
    )
    # init: migrations and the development seal, exactly as compose runs them.
    _run_compose_command(compose, "init", env)
    # The image's build step (Dockerfile): collected, hashed, compressed static files.
    subprocess.run(  # noqa: S603
        [str(BIN / "python"), "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env, check=True
    )
    # The demo declaration and its users, made by a management command (DEBUG only for this one:
    # seed_demo creates users with known passwords only when asked in development).
    subprocess.run(  # noqa: S603
        [str(BIN / "python"), "manage.py", "seed_demo", "--quiet-logins"],
        cwd=ROOT,
        env={**env, "DEBUG": "1"},
        check=True,
        capture_output=True,
    )
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for name, port in (("web-a", port_a), ("web-b", port_b)):
            log = logs / f"{name}.log"
            with log.open("wb") as out:
                process = subprocess.Popen(  # noqa: S603 - compose's web command, bound to loopback
                    [*command_of(compose, "web"), "--bind", f"127.0.0.1:{port}"],
                    cwd=ROOT,
                    env={**env, "PORT": str(port)},
                    stdout=out,
                    stderr=subprocess.STDOUT,
                )
            processes.append(process)
            wait_for(f"http://127.0.0.1:{port}/healthz/", process, log)
        with (logs / "worker.log").open("wb") as out:
            processes.append(
                subprocess.Popen(  # noqa: S603 - compose's worker command
                    command_of(compose, "worker"), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
                )
            )
        yield Stack(f"http://127.0.0.1:{port_a}", f"http://127.0.0.1:{port_b}", env, var, logs, compose)
    finally:
        for process in processes:
            stop(process)
