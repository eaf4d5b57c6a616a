"""``palaver usersig``: generate, verify and dump UserSigs.

The equivalent of Tencent's ``tls_licence_tools`` (``gen``, ``verify``,
``dump``) for both v2 (HMAC secret key) and v1 (EC key pair) sigs.  The secret
key is never printed.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import click

from palaver.errors import UserSigError
from palaver.usersig import (
    DEFAULT_EXPIRE,
    decode_usersig,
    gen_usersig_v1,
    gen_usersig_v2,
    usersig_version,
    verify_usersig,
)

_PEM = click.Path(exists=True, dir_okay=False, path_type=Path)
_SOURCES = {1: "ECDSA-SHA256, tls_licence_tools", 2: "HMAC-SHA256, TLSSigAPIv2"}


def _read_sig(sig: str) -> str:
    """SIG as given, or read from stdin (``-``) or a file (``@path``)."""
    if sig == "-":
        return sys.stdin.read().strip()
    if sig.startswith("@"):
        try:
            return Path(sig[1:]).read_text(encoding="utf-8").strip()
        except OSError as e:
            raise click.BadParameter(str(e), param_hint="SIG") from None
    return sig


def _fail(err: UserSigError) -> NoReturn:
    click.echo(f"ERROR {err.code}: {err.info}", err=True)
    raise click.exceptions.Exit(1)


def _iso(t: int) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _one_key(key: str | None, pem: Path | None, pem_option: str) -> None:
    if (key is None) == (pem is None):
        raise click.UsageError(f"give exactly one of --key and {pem_option}")


@click.group()
def usersig() -> None:
    """Generate, verify and dump UserSigs (like Tencent's tls_licence_tools)."""


@usersig.command()
@click.option("--sdkappid", type=int, required=True, help="The app's SDKAppID.")
@click.option("--identifier", required=True, help="The userID.")
@click.option(
    "--expire", type=int, default=DEFAULT_EXPIRE, show_default=True, help="Lifetime, seconds."
)
@click.option("--key", help="The app's secret key: makes a v2 (HMAC) sig.")
@click.option("--private-key", type=_PEM, help="EC private key PEM: makes a v1 (ECDSA) sig.")
@click.option("--userbuf", help="Optional userbuf text (UTF-8) to embed and sign.")
def gen(
    sdkappid: int,
    identifier: str,
    expire: int,
    key: str | None,
    private_key: Path | None,
    userbuf: str | None,
) -> None:
    """Print a new UserSig for IDENTIFIER."""
    _one_key(key, private_key, "--private-key")
    buf = None if userbuf is None else userbuf.encode("utf-8")
    if key is not None:
        sig = gen_usersig_v2(sdkappid, key, identifier, expire, userbuf=buf)
    else:
        assert private_key is not None
        try:
            sig = gen_usersig_v1(
                sdkappid, private_key.read_bytes(), identifier, expire, userbuf=buf
            )
        except (ValueError, TypeError) as e:
            raise click.BadParameter(str(e), param_hint="--private-key") from None
    click.echo(sig)


@usersig.command()
@click.option("--sdkappid", type=int, required=True, help="The SDKAppID to check against.")
@click.option("--identifier", required=True, help="The userID to check against.")
@click.option("--key", help="The app's secret key (verifies v2 sigs).")
@click.option("--public-key", type=_PEM, help="EC public key PEM (verifies v1 sigs).")
@click.option("--now", type=int, help="Check expiry at this unix time instead of now.")
@click.argument("sig")
def verify(
    sdkappid: int,
    identifier: str,
    key: str | None,
    public_key: Path | None,
    now: int | None,
    sig: str,
) -> None:
    """Verify SIG (or '-' for stdin, '@FILE'); exit 1 and print the Tencent code on failure."""
    _one_key(key, public_key, "--public-key")
    try:
        info = verify_usersig(
            _read_sig(sig),
            sdkappid=sdkappid,
            identifier=identifier,
            secret_key=key,
            public_key_pem=None if public_key is None else public_key.read_bytes(),
            now=now,
        )
    except UserSigError as e:
        _fail(e)
    click.echo(
        f"OK: version {info.version}, identifier {info.identifier}, sdkappid {info.sdkappid},"
        f" issued at {_iso(info.time)}, expires at {_iso(info.expires_at)}"
    )


@usersig.command()
@click.argument("sig")
def dump(sig: str) -> None:
    """Print the decoded JSON document of SIG (or '-' for stdin, '@FILE'), unverified."""
    try:
        doc = decode_usersig(_read_sig(sig))
    except UserSigError as e:
        _fail(e)
    version = usersig_version(doc)
    click.echo(f"# version {version} ({_SOURCES[version]})", err=True)
    click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
