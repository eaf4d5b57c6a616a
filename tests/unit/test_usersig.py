"""UserSig v1/v2: Tencent test vectors, the official package, error codes, the CLI."""

from __future__ import annotations

import base64
import json
import time
import urllib.parse
import zlib
from pathlib import Path
from typing import Any

import pytest
import TLSSigAPIv2
from click.testing import CliRunner
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from palaver.cli.usersig import usersig
from palaver.errors import UserSigError
from palaver.usersig import (
    DEFAULT_EXPIRE,
    UserSigInfo,
    decode_usersig,
    dump_usersig,
    gen_ec_keypair,
    gen_usersig_v1,
    gen_usersig_v2,
    signed_text_v1,
    usersig_version,
    verify_usersig,
)

# Reference §1.4: the fixed test vector (time pinned to 1700000000).
APPID = 1400000000
KEY = "5bd2850fff3ecb11d7c805251c51ee463a25727bddc2385f3fa8bfee1bb93b5e"
T0 = 1700000000
VECTOR_SIG = "LvA7d/Iw7gSsnskvVzBDPOCCDbuNCw4GHwTC0bip+B4="
PY_SIG = (
    "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpqTmlWSmZUIkKjIT87NK82CSxSnZiQUFmSlAKUMTAyiAyqVWFGQWpYJkTE1N"
    "jRDiJZm5YFFzNPXFmekgG3zKHM1T9D3LzdODi-OKs8vCqpxcAvydnV2SSv2cy03cPcpDnA2SMgu0nUxslWoBHdYzUg__"
)
NODE_SIG = (
    "eJyrVgrxCdYrSy1SslIy0jNQ0gHzM1NS80oy0zLBwhWZiflZpXlQqeKU7MSCgswUJStDEwMogMiUZOamKlkZmqOKplYU"
    "ZBaBxE1NTY3gosWZ6UpWSj5ljuYp*p7l5unBxXnF2WVhVU4uAf7Ozi5JpX7O5SbuHuUhzgZJmQXaTia2SrUAohcx8g__"
)


def encode(doc: Any, level: int = 6, **dumps: Any) -> str:
    """Re-encode a doc the way other Tencent libraries might (any zlib level, any JSON style)."""
    raw = zlib.compress(json.dumps(doc, **dumps).encode(), level)
    return base64.b64encode(raw).decode().translate(str.maketrans("+/=", "*-_"))


def verify2(sig: str, **kw: Any) -> UserSigInfo:
    args: dict[str, Any] = {"sdkappid": APPID, "identifier": "xiaojun", "secret_key": KEY}
    args["now"] = T0 + 1
    return verify_usersig(sig, **(args | kw))


def code_of(sig: str, **kw: Any) -> int:
    with pytest.raises(UserSigError) as err:
        verify2(sig, **kw)
    return err.value.code


def sign_v1(doc: dict[str, Any], private_pem: bytes) -> dict[str, Any]:
    """Sign a v1 doc in place with ``private_pem`` (for hand-built docs)."""
    key = serialization.load_pem_private_key(private_pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    der = key.sign(signed_text_v1(doc).encode(), ec.ECDSA(hashes.SHA256()))
    doc["TLS.sig"] = base64.b64encode(der).decode()
    return doc


@pytest.fixture(scope="module")
def k1() -> tuple[bytes, bytes]:
    return gen_ec_keypair("secp256k1")


@pytest.fixture(scope="module")
def r1() -> tuple[bytes, bytes]:
    return gen_ec_keypair("prime256v1")


# --- v2: test vector and the official package -------------------------------------------


@pytest.mark.parametrize("sig", [PY_SIG, NODE_SIG], ids=["python", "node"])
def test_vector_decodes_and_verifies(sig: str) -> None:
    doc = decode_usersig(sig)
    assert doc["TLS.sig"] == VECTOR_SIG
    assert usersig_version(doc) == 2
    info = verify2(sig)
    assert info == UserSigInfo(2, "xiaojun", APPID, T0, DEFAULT_EXPIRE, None)
    assert info.expires_at == T0 + DEFAULT_EXPIRE
    assert verify2(sig, now=info.expires_at).time == T0  # the last valid second
    assert code_of(sig, now=info.expires_at + 1) == 70001


def test_gen_v2_matches_vector_and_official_package(monkeypatch: pytest.MonkeyPatch) -> None:
    assert gen_usersig_v2(APPID, KEY, "xiaojun", now=T0) == PY_SIG
    monkeypatch.setattr(time, "time", lambda: float(T0))
    official = TLSSigAPIv2.TLSSigAPIv2(APPID, KEY)
    assert official.gen_sig("xiaojun", 86400 * 180) == PY_SIG
    assert official.gen_sig_with_userbuf("bob", 60, b"hello") == gen_usersig_v2(
        APPID, KEY, "bob", 60, userbuf=b"hello", now=T0
    )


def test_official_package_sigs_verify() -> None:
    api = TLSSigAPIv2.TLSSigAPIv2(APPID, KEY)
    info = verify_usersig(
        api.gen_sig("xiaojun", 3600), sdkappid=APPID, identifier="xiaojun", secret_key=KEY
    )
    assert (info.version, info.expire, info.userbuf) == (2, 3600, None)
    assert abs(info.time - time.time()) < 60
    sig = api.gen_sig_with_userbuf("alice", 86400, b"hello")
    assert decode_usersig(sig)["TLS.userbuf"] == "aGVsbG8="
    info = verify_usersig(sig, sdkappid=APPID, identifier="alice", secret_key=KEY)
    assert info.userbuf == b"hello"


@pytest.mark.parametrize("level", [0, 1, 9])
@pytest.mark.parametrize("style", ["python", "compact", "reversed", "spaced"])
def test_v2_other_encodings_verify(level: int, style: str) -> None:
    doc = decode_usersig(PY_SIG)
    styles: dict[str, dict[str, Any]] = {
        "python": {},
        "compact": {"separators": (",", ":")},
        "reversed": {"separators": (",", ":")},
        "spaced": {"indent": 4},
    }
    dumps = styles[style]
    if style == "reversed":
        doc = dict(reversed(doc.items()))
    assert verify2(encode(doc, level, **dumps)).time == T0


def test_decode_accepts_other_alphabets() -> None:
    std = PY_SIG.translate(str.maketrans("*-_", "+/="))
    forms = [std, std.rstrip("="), PY_SIG.rstrip("_"), urllib.parse.quote(std, safe="")]
    forms += [
        std.replace("+", " "),
        f"  {PY_SIG}\n",
        NODE_SIG.translate(str.maketrans("*-_", "+/=")),
    ]
    for form in forms:
        assert decode_usersig(form)["TLS.sig"] == VECTOR_SIG, form
    assert dump_usersig(NODE_SIG) == decode_usersig(NODE_SIG)


# --- v2: error codes ----------------------------------------------------------------------


def tweak(**changes: Any) -> str:
    doc = decode_usersig(PY_SIG)
    for name, value in changes.items():
        field = f"TLS.{name}"
        if value is None:
            del doc[field]
        else:
            doc[field] = value
    return encode(doc)


@pytest.mark.parametrize(
    "sig",
    [
        "",
        "!!!not a sig!!!",
        PY_SIG[:-12],
        PY_SIG[:40],
        "eJy" + PY_SIG[3:].upper(),
        "eJyrVgrxCdYrSy1SslJQMtIzUNJRAItkpq",
        base64.b64encode(zlib.compress(b"not json")).decode(),
        base64.b64encode(zlib.compress(b"[1, 2]")).decode(),
        base64.b64encode(zlib.compress(b"\xff\xfe{")).decode(),
        base64.b64encode(zlib.compress(b"x" * 100_000)).decode(),
        base64.b64encode(b"plain bytes, no zlib").decode(),
        "{not json",
        tweak(time=None),
        tweak(identifier=None),
        tweak(sdkappid=None),
        tweak(expire=None),
        tweak(sig=None),
        tweak(time=str(T0)),
        tweak(time=float(T0)),
        tweak(sdkappid=str(APPID)),
        tweak(expire=True),
        tweak(identifier=7),
        tweak(sig=12),
        tweak(userbuf=5),
        tweak(userbuf="not base64!"),
    ],
)
def test_v2_malformed_is_70003(sig: str) -> None:
    assert code_of(sig) == 70003


def test_v2_error_codes() -> None:
    assert code_of(PY_SIG, now=T0 + DEFAULT_EXPIRE + 1) == 70001
    assert code_of(PY_SIG, secret_key="0" * 64) == 70009
    assert code_of(tweak(expire=DEFAULT_EXPIRE * 10)) == 70009
    assert code_of(tweak(time=T0 + 1)) == 70009
    assert code_of(tweak(userbuf="aGVsbG8=")) == 70009
    assert code_of(tweak(sig="")) == 70009
    assert code_of(tweak(identifier="mallory"), identifier="mallory") == 70009
    assert code_of(tweak(sdkappid=APPID + 1), sdkappid=APPID + 1) == 70009
    assert code_of(PY_SIG, identifier="xiaojun2") == 70013
    assert code_of(PY_SIG, sdkappid=APPID + 1) == 70014
    assert code_of(PY_SIG, secret_key=None) == 70016
    assert code_of(PY_SIG, secret_key=None, public_key_pem=gen_ec_keypair()[1]) == 70016
    # a forged sig never passes, even with mismatching or expired claims
    assert code_of(PY_SIG, secret_key="x", now=T0 + DEFAULT_EXPIRE + 1) == 70009


def test_user_sig_error_carries_meaning() -> None:
    with pytest.raises(UserSigError) as err:
        verify2(PY_SIG, identifier="nobody")
    assert err.value.code == 70013
    assert "identifier" in err.value.info


# --- v1: ECDSA ----------------------------------------------------------------------------


@pytest.mark.parametrize("curve", ["secp256k1", "prime256v1"])
@pytest.mark.parametrize("appid_at_3rd", [None, "", "0", str(APPID)])
def test_v1_round_trip(curve: str, appid_at_3rd: str | None) -> None:
    private, public = gen_ec_keypair(curve)
    sig = gen_usersig_v1(APPID, private, "xiaojun", 3600, now=T0, appid_at_3rd=appid_at_3rd)
    doc = decode_usersig(sig)
    assert usersig_version(doc) == 1
    assert doc.get("TLS.appid_at_3rd") == appid_at_3rd
    assert all(isinstance(v, str) for v in doc.values())
    assert doc["TLS.sig"].startswith("ME")
    info = verify_usersig(sig, sdkappid=APPID, identifier="xiaojun", public_key_pem=public, now=T0)
    assert info == UserSigInfo(1, "xiaojun", APPID, T0, 3600, None)
    # the private key PEM holds the public key too
    verify_usersig(sig, sdkappid=APPID, identifier="xiaojun", public_key_pem=private, now=T0)


def test_v1_reference_example_signed_text(k1: tuple[bytes, bytes]) -> None:
    doc = json.loads(
        '{"TLS.account_type":"0","TLS.identifier":"xiaojun","TLS.appid_at_3rd":"0",'
        '"TLS.sdk_appid":"1400001052","TLS.expire_after":"15552000","TLS.version":"201610110000",'
        '"TLS.time":"1795708058","TLS.sig":"MEUCIFjj95GiJEvRC2N1NFFePfb4qTjVRQbnc2fuhVHYkdUWAiEAnV8N'
        'fgUaIXSwrBrPipHmSAFbW3TXArqrn+JwOGoF67k="}'
    )
    assert signed_text_v1(doc) == (
        "TLS.appid_at_3rd:0\nTLS.account_type:0\nTLS.identifier:xiaojun\n"
        "TLS.sdk_appid:1400001052\nTLS.time:1795708058\nTLS.expire_after:15552000\n"
    )
    del doc["TLS.appid_at_3rd"]
    assert signed_text_v1(doc).startswith("TLS.account_type:0\n")
    # the node-shaped doc, re-signed with our own secp256k1 key, verifies
    doc = sign_v1(doc, k1[0])
    info = verify_usersig(
        encode(doc, separators=(",", ":")),
        sdkappid=1400001052,
        identifier="xiaojun",
        public_key_pem=k1[1],
        now=1795708058,
    )
    assert (info.version, info.time, info.expire) == (1, 1795708058, 15552000)


def test_v1_userbuf(k1: tuple[bytes, bytes]) -> None:
    sig = gen_usersig_v1(APPID, k1[0], "u", now=T0, appid_at_3rd=None, userbuf=b"\x00\x01room")
    doc = decode_usersig(sig)
    assert doc["TLS.appid_at_3rd"] == "0"
    assert signed_text_v1(doc).endswith(f"TLS.userbuf:{doc['TLS.userbuf']}\n")
    info = verify_usersig(sig, sdkappid=APPID, identifier="u", public_key_pem=k1[1], now=T0)
    assert info.userbuf == b"\x00\x01room"


def v1_code(sig: str, public: bytes | None, **kw: Any) -> int:
    args: dict[str, Any] = {"sdkappid": APPID, "identifier": "xiaojun", "now": T0}
    with pytest.raises(UserSigError) as err:
        verify_usersig(sig, public_key_pem=public, **(args | kw))
    return err.value.code


def test_v1_error_codes(k1: tuple[bytes, bytes], r1: tuple[bytes, bytes]) -> None:
    sig = gen_usersig_v1(APPID, k1[0], "xiaojun", 3600, now=T0)
    doc = decode_usersig(sig)
    pub = k1[1]
    assert v1_code(sig, pub, now=T0 + 3601) == 70001
    assert v1_code(sig, r1[1]) == 70009  # a key of another curve
    assert v1_code(sig, gen_ec_keypair("secp256k1")[1]) == 70009  # another key
    for name, value in [("expire_after", "99999999"), ("account_type", "1"), ("appid_at_3rd", "")]:
        assert v1_code(encode(doc | {f"TLS.{name}": value}), pub) == 70009, name
    assert v1_code(encode({k: v for k, v in doc.items() if k != "TLS.appid_at_3rd"}), pub) == 70009
    junk = base64.b64encode(b"not DER").decode()
    assert v1_code(encode(doc | {"TLS.sig": junk}), pub) == 70009
    assert v1_code(sig, pub, identifier="other") == 70013
    assert v1_code(sig, pub, sdkappid=1) == 70014
    assert v1_code(sig, None, secret_key=KEY) == 70016
    assert v1_code(sig, b"not a pem") == 70016
    rsa_pub = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    rsa_pem = rsa_pub.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert v1_code(sig, rsa_pem) == 70016
    bads: list[dict[str, Any]] = [
        {"TLS.sdk_appid": APPID},
        {"TLS.sdk_appid": "14x"},
        {"TLS.expire_after": "-1"},
        {"TLS.time": "yesterday"},
        {"TLS.sig": "***"},
        {"TLS.account_type": None},
        {"TLS.appid_at_3rd": 0},
    ]
    for bad in bads:
        assert v1_code(encode(doc | bad), pub) == 70003, bad
    assert v1_code(encode({k: v for k, v in doc.items() if k != "TLS.sig"}), pub) == 70003


def test_v1_oldest_plain_json_with_iso_time(r1: tuple[bytes, bytes]) -> None:
    doc = {
        "TLS.account_type": "0",
        "TLS.identifier": "old",
        "TLS.appid_at_3rd": str(APPID),
        "TLS.sdk_appid": str(APPID),
        "TLS.expire_after": "86400",
        "TLS.time": "2016-01-01T08:00:00-08:00",
    }
    raw = json.dumps(sign_v1(doc, r1[0]))
    info = verify_usersig(
        raw, sdkappid=APPID, identifier="old", public_key_pem=r1[1], now=1451664000
    )
    assert info.time == 1451664000  # 2016-01-01T16:00:00Z
    assert v1_code(raw, r1[1], identifier="old", now=1451664000 + 86401) == 70001


def test_keypair_and_gen_v1_argument_errors() -> None:
    with pytest.raises(ValueError, match="curve"):
        gen_ec_keypair("brainpool")
    private, public = gen_ec_keypair("secp384r1")
    assert private.startswith(b"-----BEGIN EC PRIVATE KEY-----")
    assert public.startswith(b"-----BEGIN PUBLIC KEY-----")
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa_pem = rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ValueError):
        gen_usersig_v1(APPID, rsa_pem, "x")


# --- property test ----------------------------------------------------------------------

identifiers = st.text(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=32
)
K1_PAIR = gen_ec_keypair("secp256k1")


@settings(max_examples=150, deadline=None)
@given(ident=identifiers, expire=st.integers(1, 10**10), v1=st.booleans())
def test_round_trip_property(ident: str, expire: int, v1: bool) -> None:
    if v1:
        sig = gen_usersig_v1(APPID, K1_PAIR[0], ident, expire, now=T0)
    else:
        sig = gen_usersig_v2(APPID, KEY, ident, expire, now=T0)
    keys: dict[str, Any] = {"secret_key": KEY, "public_key_pem": K1_PAIR[1]}
    info = verify_usersig(sig, sdkappid=APPID, identifier=ident, now=T0 + expire, **keys)
    assert (info.version, info.identifier, info.expire) == (1 if v1 else 2, ident, expire)
    with pytest.raises(UserSigError) as err:
        verify_usersig(sig, sdkappid=APPID, identifier=ident, now=T0 + expire + 1, **keys)
    assert err.value.code == 70001


# --- CLI ----------------------------------------------------------------------------------


def test_cli_v2_gen_verify_dump(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--sdkappid", str(APPID), "--identifier", "alice"]
    res = runner.invoke(usersig, ["gen", *base, "--key", KEY, "--expire", "600", "--userbuf", "hi"])
    assert res.exit_code == 0, res.output
    sig = res.stdout.strip()
    assert KEY not in res.output
    info = verify_usersig(sig, sdkappid=APPID, identifier="alice", secret_key=KEY)
    assert (info.expire, info.userbuf) == (600, b"hi")

    res = runner.invoke(usersig, ["verify", *base, "--key", KEY, sig])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("OK: version 2, identifier alice, sdkappid 1400000000, issued at")
    assert "expires at" in res.stdout and KEY not in res.output

    res = runner.invoke(usersig, ["verify", *base, "--key", KEY, "-"], input=sig + "\n")
    assert res.exit_code == 0, res.output
    (tmp_path / "sig.txt").write_text(sig + "\n")
    res = runner.invoke(usersig, ["verify", *base, "--key", KEY, f"@{tmp_path / 'sig.txt'}"])
    assert res.exit_code == 0, res.output

    res = runner.invoke(usersig, ["verify", *base, "--key", "wrong-key", sig])
    assert res.exit_code == 1
    assert res.stderr.startswith("ERROR 70009: ")
    assert "wrong-key" not in res.output

    res = runner.invoke(
        usersig, ["verify", "--sdkappid", "1", "--identifier", "alice", "--key", KEY, sig]
    )
    assert res.exit_code == 1 and "ERROR 70014" in res.stderr

    res = runner.invoke(usersig, ["dump", sig])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout) == decode_usersig(sig)
    assert "version 2" in res.stderr and "TLSSigAPIv2" in res.stderr


def test_cli_vector_with_now() -> None:
    args = ["verify", "--sdkappid", str(APPID), "--identifier", "xiaojun", "--key", KEY]
    res = CliRunner().invoke(usersig, [*args, "--now", str(T0), NODE_SIG])
    assert res.exit_code == 0
    assert "issued at 2023-11-14T22:13:20Z" in res.stdout
    res = CliRunner().invoke(usersig, [*args, "--now", str(T0 + DEFAULT_EXPIRE + 1), NODE_SIG])
    assert res.exit_code == 1 and res.stderr.startswith("ERROR 70001: UserSig expired")


def test_cli_v1_gen_verify_dump(tmp_path: Path, k1: tuple[bytes, bytes]) -> None:
    (tmp_path / "ec_key.pem").write_bytes(k1[0])
    (tmp_path / "public.pem").write_bytes(k1[1])
    runner = CliRunner()
    base = ["--sdkappid", "42", "--identifier", "bob"]
    res = runner.invoke(usersig, ["gen", *base, "--private-key", str(tmp_path / "ec_key.pem")])
    assert res.exit_code == 0, res.output
    sig = res.stdout.strip()
    res = runner.invoke(
        usersig, ["verify", *base, "--public-key", str(tmp_path / "public.pem"), sig]
    )
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("OK: version 1, identifier bob, sdkappid 42")
    res = runner.invoke(usersig, ["verify", *base, "--key", KEY, sig])
    assert res.exit_code == 1 and res.stderr.startswith("ERROR 70016: ")
    res = runner.invoke(usersig, ["dump", sig])
    assert json.loads(res.stdout)["TLS.sdk_appid"] == "42"
    assert "version 1" in res.stderr


def test_cli_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    base = ["--sdkappid", "1", "--identifier", "a"]
    res = runner.invoke(usersig, ["gen", *base])
    assert res.exit_code == 2 and "exactly one of --key" in res.output
    (tmp_path / "k.pem").write_bytes(b"x")
    res = runner.invoke(
        usersig, ["gen", *base, "--key", "s", "--private-key", str(tmp_path / "k.pem")]
    )
    assert res.exit_code == 2
    res = runner.invoke(usersig, ["gen", *base, "--private-key", str(tmp_path / "k.pem")])
    assert res.exit_code == 2 and "--private-key" in res.output
    res = runner.invoke(usersig, ["dump", "garbage!"])
    assert res.exit_code == 1 and res.stderr.startswith("ERROR 70003: ")
    res = runner.invoke(usersig, ["dump", f"@{tmp_path / 'missing'}"])
    assert res.exit_code == 2
