"""The ``palaver`` command: app management through click's CliRunner, and ``serve``,
``demo`` and bad settings through real ``python -m palaver`` subprocesses."""

from __future__ import annotations

import asyncio
import os
import re
import shlex
import signal
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import orjson
import pytest
from click.testing import CliRunner, Result

from conftest import free_port
from palaver.cli import palaver
from palaver.services.apps import App, AppService
from palaver.storage import Database
from palaver.usersig import (
    decode_usersig,
    gen_ec_keypair,
    gen_usersig_v1,
    verify_usersig,
)
from support.waiting import eventually

KEY = "0123456789abcdef" * 4
WAIT = 30.0  # seconds any single wait in these tests may take


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No PALAVER_* or colour settings from the caller's environment; cwd in tmp_path."""
    for name in list(os.environ):
        if name.startswith("PALAVER_") or name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def cli(*args: str | Path, env: dict[str, str] | None = None) -> Result:
    """Run ``palaver ARGS`` in-process."""
    return CliRunner().invoke(palaver, [str(a) for a in args], env=env, catch_exceptions=False)


def ok(*args: str | Path, env: dict[str, str] | None = None) -> str:
    """Run ``palaver ARGS`` in-process, assert exit 0, return stdout."""
    result = cli(*args, env=env)
    assert result.exit_code == 0, (result.output, result.stderr)
    return result.stdout


def load_app(data_dir: Path, sdkappid: int) -> App:
    """The stored app, read straight from the data folder's database."""

    url = f"sqlite+aiosqlite:///{data_dir.resolve() / 'palaver.db'}"

    async def go() -> App:
        db = Database.for_cli(url)
        try:
            found = await AppService(db).get(sdkappid)
        finally:
            await db.close()
        assert found is not None
        return found

    return asyncio.run(go())


def created_id(output: str) -> int:
    match = re.search(r"SDKAppID:\s+(\d+)", output)
    assert match, output
    return int(match.group(1))


# --- app create / list / show / set ------------------------------------------------------------


def test_app_create_generated(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = ok("app", "create", "--data-dir", data)
    sdkappid = created_id(out)
    assert 1_400_000_000 <= sdkappid < 1_500_000_000
    assert "administrator" in out and "--show-key" in out
    app = load_app(data, sdkappid)
    assert app.secret_key and len(app.secret_key) == 64
    assert app.secret_key not in out
    assert app.admins == ("administrator",)

    shown = ok("app", "show", str(sdkappid), "--data-dir", data)
    assert app.secret_key not in shown and "hidden" in shown
    assert "recall_window" in shown and "check_friendship" in shown
    shown = ok("app", "show", str(sdkappid), "--show-key", "--data-dir", data)
    assert f"secret key: {app.secret_key}" in shown.splitlines()


def test_app_create_given(tmp_path: Path) -> None:
    data = tmp_path / "data"
    out = ok(
        "app",
        "create",
        "--sdkappid",
        "1400000123",
        "--secret-key",
        KEY,
        "--admin",
        "ops",
        "--admin",
        "backend",
        "--data-dir",
        data,
    )
    assert created_id(out) == 1400000123
    assert "ops, backend" in out
    assert KEY not in out
    app = load_app(data, 1400000123)
    assert (app.secret_key, app.admins) == (KEY, ("ops", "backend"))
    assert KEY not in ok("app", "show", "1400000123", "--data-dir", data)
    assert KEY in ok("app", "show", "1400000123", "--data-dir", data, "--show-key")


def test_app_create_public_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    private, public = gen_ec_keypair()
    (tmp_path / "pub.pem").write_bytes(public)
    out = ok(
        "app", "create", "--sdkappid", "1400000200", "--public-key", "pub.pem", "--data-dir", data
    )
    assert "v1" in out
    app = load_app(data, 1400000200)
    assert app.secret_key is None and app.public_key_pem == public.decode()
    sig = gen_usersig_v1(1400000200, private, "administrator")
    assert app.verify_usersig(sig, "administrator").version == 1

    listed = ok("app", "list", "--data-dir", data)
    assert "1400000200" in listed and "v1" in listed and "v2" not in listed
    assert "BEGIN PUBLIC KEY" not in ok("app", "show", "1400000200", "--data-dir", data)
    assert "BEGIN PUBLIC KEY" in ok("app", "show", "1400000200", "--show-key", "--data-dir", data)

    (tmp_path / "bad.pem").write_text("not a key\n")
    res = cli("app", "create", "--public-key", "bad.pem", "--data-dir", data)
    assert res.exit_code == 1 and res.stderr.startswith("error 70016:"), res.output


def test_app_create_errors(tmp_path: Path) -> None:
    data = tmp_path / "data"
    admins = [a for i in range(11) for a in ("--admin", f"admin{i}")]
    res = cli("app", "create", *admins, "--data-dir", data)
    assert res.exit_code == 1 and res.stderr.startswith("error 70402:"), res.output
    res = cli("app", "create", "--admin", "bad id", "--data-dir", data)
    assert res.exit_code == 1 and "error 70402" in res.stderr

    ok("app", "create", "--sdkappid", "1400000300", "--data-dir", data)
    res = cli("app", "create", "--sdkappid", "1400000300", "--secret-key", KEY, "--data-dir", data)
    assert res.exit_code == 1 and "error 70402" in res.stderr and "exists" in res.stderr
    assert load_app(data, 1400000300).secret_key != KEY
    listed = ok("app", "list", "--data-dir", data)
    assert listed.count("14000") == 1 and "admin10" not in listed


def test_app_list(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert "No apps" in ok("app", "list", "--data-dir", data)
    ok("app", "create", "--sdkappid", "1400000401", "--admin", "ops", "--data-dir", data)
    _, public = gen_ec_keypair()
    (tmp_path / "pub.pem").write_bytes(public)
    ok(
        "app",
        "create",
        "--sdkappid",
        "1400000402",
        "--secret-key",
        KEY,
        "--public-key",
        "pub.pem",
        "--data-dir",
        data,
    )
    listed = ok("app", "list", "--data-dir", data)
    rows = [line for line in listed.splitlines() if "140000040" in line]
    assert len(rows) == 2
    assert "1400000401" in rows[0] and "ops" in rows[0] and "v2" in rows[0]
    assert "1400000402" in rows[1] and "v2/v1" in rows[1]
    assert re.search(r"\d{4}-\d\d-\d\d", rows[0])
    assert KEY not in listed


def test_app_set(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ok("app", "create", "--sdkappid", "1400000500", "--data-dir", data)
    out = ok(
        "app",
        "set",
        "1400000500",
        "check_friendship=true",
        "recall_window=300",
        "login_policy=single",
        "--data-dir",
        data,
    )
    assert "check_friendship" in out
    settings = load_app(data, 1400000500).settings
    assert settings.check_friendship is True
    assert settings.recall_window == 300
    assert settings.login_policy == "single"
    shown = ok("app", "show", "1400000500", "--data-dir", data)
    assert re.search(r"recall_window\s+│\s+300", shown), shown

    res = cli("app", "set", "1400000500", "no_such=1", "--data-dir", data)
    assert res.exit_code == 1 and "no_such" in res.stderr
    res = cli("app", "set", "1400000500", "recall_window=-1", "--data-dir", data)
    assert res.exit_code == 1 and "recall_window" in res.stderr
    res = cli("app", "set", "1400000500", "check_friendship=maybe", "--data-dir", data)
    assert res.exit_code == 1 and "check_friendship" in res.stderr
    res = cli("app", "set", "1400000500", "recall_window", "--data-dir", data)
    assert res.exit_code == 2
    res = cli("app", "set", "1400000999", "recall_window=5", "--data-dir", data)
    assert res.exit_code == 1 and res.stderr.startswith("error 70020:")
    assert load_app(data, 1400000500).settings.recall_window == 300


def test_app_show_unknown(tmp_path: Path) -> None:
    res = cli("app", "show", "1400000001", "--data-dir", tmp_path / "data")
    assert res.exit_code == 1 and res.stderr.startswith("error 70020:")


def test_data_dir_sources(tmp_path: Path) -> None:
    """PALAVER_DATA_DIR, --data-dir, --database-url and --config pick the database."""
    env_dir, opt_dir, toml_dir = tmp_path / "env", tmp_path / "opt", tmp_path / "toml"
    env = {"PALAVER_DATA_DIR": str(env_dir)}
    ok("app", "create", "--sdkappid", "1400000601", env=env)
    assert (env_dir / "palaver.db").is_file()
    assert not (tmp_path / "palaver-data").exists()
    assert "1400000601" in ok("app", "list", env=env)
    # the option wins over the environment
    assert "No apps" in ok("app", "list", "--data-dir", opt_dir, env=env)

    url = f"sqlite+aiosqlite:///{tmp_path / 'other.db'}"
    ok("app", "create", "--sdkappid", "1400000602", "--database-url", url)
    assert (tmp_path / "other.db").is_file()
    assert "1400000602" in ok("app", "list", "--database-url", url)

    config = tmp_path / "palaver.toml"
    config.write_text(f'data_dir = "{toml_dir}"\n')
    ok("app", "create", "--sdkappid", "1400000603", "--config", config)
    assert "1400000603" in ok("app", "list", "--data-dir", toml_dir)
    # the environment wins over the file
    listed = ok("app", "list", "--config", config, env=env)
    assert "1400000601" in listed and "1400000603" not in listed

    res = cli("app", "list", "--config", tmp_path / "missing.toml")
    assert res.exit_code == 2 and res.stderr.startswith("error: config file")


def test_default_data_dir_is_cwd_palaver_data(tmp_path: Path) -> None:
    ok("app", "create")
    assert (tmp_path / "palaver-data" / "palaver.db").is_file()


# --- subprocesses ------------------------------------------------------------------------------


def subprocess_env(**extra: str) -> dict[str, str]:
    """The environment for ``python -m palaver`` (already stripped of PALAVER_*)."""
    env = dict(os.environ)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


async def run_palaver(
    *args: str | Path, env: dict[str, str] | None = None, limit: float = WAIT
) -> tuple[int, str, str]:
    """Run ``python -m palaver ARGS`` to completion (within ``limit`` s); exit code,
    stdout, stderr."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "palaver",
        *(str(a) for a in args),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env or subprocess_env(),
    )
    try:
        out, err = await asyncio.wait_for(proc.communicate(), limit)
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


class Node:
    """A ``python -m palaver`` server subprocess with its output in files."""

    def __init__(self, tmp_path: Path, name: str, *args: str | Path) -> None:
        self.args = [str(a) for a in args]
        self.stdout_path = tmp_path / f"{name}.out"
        self.stderr_path = tmp_path / f"{name}.err"
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            self.proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "palaver",
                *self.args,
                stdout=out,
                stderr=err,
                env=subprocess_env(),
            )

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    @property
    def logs(self) -> str:
        return f"stdout:\n{self.stdout}\nstderr:\n{self.stderr_path.read_text(errors='replace')}"

    async def wait_healthy(self, base_url: str, session: aiohttp.ClientSession) -> None:
        """Poll ``/healthz`` until it answers (bounded by WAIT)."""

        async def healthy() -> bool:
            assert self.proc is not None
            if self.proc.returncode is not None:
                raise AssertionError(f"server exited {self.proc.returncode}\n{self.logs}")
            try:
                async with session.get(f"{base_url}/healthz") as resp:
                    return resp.status == 200 and (await resp.json())["status"] == "ok"
            except aiohttp.ClientError:
                return False

        await wait_until(healthy, f"{base_url}/healthz to answer\n{{logs}}", self)

    async def terminate(self) -> int:
        """SIGTERM, then the exit code (bounded)."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.proc.wait(), WAIT)

    async def kill(self) -> None:
        """Kill the process if it still runs."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await asyncio.wait_for(self.proc.wait(), WAIT)


async def wait_until(check: Callable[[], Awaitable[bool]], what: str, node: Node) -> None:
    """Wait until ``check()`` is true; fail after WAIT seconds."""
    await eventually(check, lambda: what.format(logs=node.logs), WAIT)


@pytest.fixture
async def nodes() -> AsyncIterator[list[Node]]:
    """Server subprocesses started by a test; killed at the end whatever happens."""
    started: list[Node] = []
    try:
        yield started
    finally:
        for node in started:
            await node.kill()


async def post_json(session: aiohttp.ClientSession, url: str, body: Any) -> dict[str, Any]:
    """POST ``body`` to a REST URL and return the JSON envelope."""
    data = body if isinstance(body, str) else orjson.dumps(body).decode()
    async with session.post(url, data=data, headers={"Content-Type": "application/json"}) as resp:
        assert resp.status == 200, await resp.text()
        result: dict[str, Any] = orjson.loads(await resp.read())
        return result


async def test_serve_subprocess(tmp_path: Path, nodes: list[Node]) -> None:
    data, port = tmp_path / "data", free_port()
    rc, out, err = await run_palaver(
        "app", "create", "--sdkappid", "1400000700", "--secret-key", KEY, "--data-dir", data
    )
    assert rc == 0, err
    rc, sig, err = await run_palaver(
        "usersig",
        "gen",
        "--sdkappid",
        "1400000700",
        "--identifier",
        "administrator",
        "--key",
        KEY,
    )
    assert rc == 0, err
    sig = sig.strip()

    node = Node(tmp_path, "serve", "serve", "--port", str(port), "--data-dir", data)
    nodes.append(node)
    await node.start()
    base = f"http://127.0.0.1:{port}"
    timeout = aiohttp.ClientTimeout(total=WAIT)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await node.wait_healthy(base, session)
        query = (
            f"sdkappid=1400000700&identifier=administrator&usersig={sig}&random=7&contenttype=json"
        )
        r = await post_json(
            session, f"{base}/v4/im_open_login_svc/account_import?{query}", {"UserID": "alice"}
        )
        assert (r["ActionStatus"], r["ErrorCode"]) == ("OK", 0), r
        r = await post_json(
            session,
            f"{base}/v4/im_open_login_svc/account_check?{query}",
            {"CheckItem": [{"UserID": "alice"}]},
        )
        assert r["ResultItem"][0]["AccountStatus"] == "Imported", r
        # a wrong key is refused
        bad = query.replace(sig, sig[:-8] + "AAAAAAAA")
        r = await post_json(
            session, f"{base}/v4/im_open_login_svc/account_import?{bad}", {"UserID": "bob"}
        )
        assert r["ActionStatus"] == "FAIL", r
    assert await node.terminate() == 0, node.logs
    assert KEY not in node.logs


@pytest.mark.parametrize("how", ["env", "toml"])
async def test_bad_setting_fails_at_start(tmp_path: Path, how: str) -> None:
    if how == "env":
        env, args, key = subprocess_env(PALAVER_PORT="notaport"), [], "port"
    else:
        config = tmp_path / "palaver.toml"
        config.write_text('host = "127.0.0.1"\nno_such_key = 1\n')
        env, args, key = subprocess_env(), ["--config", str(config)], "no_such_key"
    rc, out, err = await run_palaver("serve", "--data-dir", tmp_path / "d", *args, env=env)
    assert rc == 2, (out, err)
    assert err.startswith("error: ") and f"'{key}'" in err, err
    assert "Traceback" not in err
    assert not (tmp_path / "d").exists()


async def test_demo_subprocess(tmp_path: Path, nodes: list[Node]) -> None:
    data, port = tmp_path / "demo-data", free_port()
    base = f"http://127.0.0.1:{port}"
    node = Node(tmp_path, "demo", "demo", "--data-dir", data, "--port", str(port))
    nodes.append(node)
    await node.start()
    timeout = aiohttp.ClientTimeout(total=WAIT)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await node.wait_healthy(base, session)

        async def printed() -> bool:
            return "Starting Palaver" in node.stdout

        await wait_until(printed, "the demo's banner\n{logs}", node)
        out = node.stdout
        sdkappid = created_id(out)
        assert "created now" in out
        lines = out.splitlines()
        sig = lines[next(i for i, ln in enumerate(lines) if "Admin UserSig" in ln) + 1].strip()
        doc = decode_usersig(sig)
        assert (doc["TLS.identifier"], doc["TLS.sdkappid"]) == ("administrator", sdkappid)
        assert doc["TLS.expire"] == 180 * 86400
        assert f"palaver app show {sdkappid} --show-key" in out

        rc, shown, err = await run_palaver(
            "app", "show", str(sdkappid), "--show-key", "--data-dir", data
        )
        assert rc == 0, err
        key = next(ln for ln in shown.splitlines() if ln.startswith("secret key: ")).split()[-1]
        assert key not in out and key not in node.logs
        verify_usersig(sig, sdkappid=sdkappid, identifier="administrator", secret_key=key)

        curls = [shlex.split(ln) for ln in lines if ln.startswith("curl ")]
        assert len(curls) == 2, out
        requests = []
        for argv in curls:
            url = next(a for a in argv if a.startswith("http://"))
            assert url.startswith(f"{base}/v4/")
            assert parse_qs(urlsplit(url).query)["usersig"] == [sig]
            assert parse_qs(urlsplit(url).query)["sdkappid"] == [str(sdkappid)]
            assert argv[argv.index("-H") + 1] == "Content-Type: application/json"
            requests.append((url, argv[argv.index("-d") + 1]))
        (import_url, import_body), (send_url, send_body) = requests
        assert "/v4/im_open_login_svc/" in import_url and "/v4/openim/sendmsg?" in send_url
        assert orjson.loads(send_body)["MsgBody"][0]["MsgContent"]["Text"] == "hello"

        r = await post_json(session, import_url, import_body)
        assert (r["ActionStatus"], r["ErrorCode"]) == ("OK", 0), r
        r = await post_json(
            session,
            f"{base}/v4/im_open_login_svc/account_check?{urlsplit(import_url).query}",
            {"CheckItem": [{"UserID": "alice"}, {"UserID": "bob"}]},
        )
        assert [i["AccountStatus"] for i in r["ResultItem"]] == ["Imported", "Imported"], r
        q = urlsplit(import_url).query
        r = await post_json(
            session,
            f"{base}/v4/group_open_http_svc/get_group_info?{q}",
            {"GroupIdList": ["demo"]},
        )
        (group,) = r["GroupInfo"]
        assert group["MemberNum"] == 2 and group["Owner_Account"] == "alice", r
        r = await post_json(
            session,
            f"{base}/v4/group_open_http_svc/group_msg_get_simple?{q}",
            {"GroupId": "demo", "ReqMsgNumber": 10},
        )
        texts = [m["MsgBody"][0]["MsgContent"].get("Text") for m in r["RspMsgList"]]
        assert "Welcome to the demo group: type @ to mention someone." in texts, r
        sent = await post_json(session, send_url, send_body)
    assert await node.terminate() == 0, node.logs

    # A second run reuses the app kept in the data folder.
    node2 = Node(tmp_path, "demo2", "demo", "--data-dir", data, "--port", str(port))
    nodes.append(node2)
    await node2.start()
    async with aiohttp.ClientSession(timeout=timeout) as session:
        await node2.wait_healthy(base, session)
    assert created_id(node2.stdout) == sdkappid and "reused" in node2.stdout
    assert await node2.terminate() == 0, node2.logs

    assert (sent["ActionStatus"], sent["ErrorCode"]) == ("OK", 0), sent
