"""The settings object: precedence, defaults, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from palaver.settings import Settings, SettingsError


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for k in ("PALAVER_PORT", "PALAVER_DATA_DIR", "PALAVER_CONFIG", "PALAVER_DATABASE_URL"):
        monkeypatch.delenv(k, raising=False)
    s = Settings.load()
    assert (s.host, s.port, s.data_dir) == ("127.0.0.1", 8080, Path("palaver-data"))
    assert s.effective_database_url.startswith("sqlite+aiosqlite:///")
    assert s.effective_database_url.endswith("palaver-data/palaver.db")


def test_precedence_override_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "palaver.toml"
    cfg.write_text('port = 7000\nhost = "127.0.0.2"\ndata_dir = "from-file"\n')
    monkeypatch.setenv("PALAVER_PORT", "7100")
    s = Settings.load(cfg)
    assert (s.port, s.host, s.data_dir) == (7100, "127.0.0.2", Path("from-file"))
    s = Settings.load(cfg, port=7200)
    assert s.port == 7200
    monkeypatch.setenv("PALAVER_CONFIG", str(cfg))
    monkeypatch.delenv("PALAVER_PORT")
    assert Settings.load().port == 7000


@pytest.mark.parametrize(
    ("toml", "env", "key"),
    [
        ("port = 70000\n", {}, "port"),
        ("prot = 1\n", {}, "prot"),
        ("", {"PALAVER_PORT": "notaport"}, "port"),
        ("", {"PALAVER_FANOUT": "carrier-pigeon"}, "fanout"),
        ("log_level = 3\n", {}, "log_level"),
    ],
)
def test_errors_name_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, toml: str, env: dict[str, str], key: str
) -> None:
    cfg = tmp_path / "c.toml"
    cfg.write_text(toml)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(SettingsError, match=f"'{key}'"):
        Settings.load(cfg)


def test_missing_or_broken_config_file(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="does not exist"):
        Settings.load(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("port = = 1\n")
    with pytest.raises(SettingsError, match="bad.toml"):
        Settings.load(bad)
