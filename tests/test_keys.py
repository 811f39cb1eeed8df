"""The signing key: found outside the site, created with `keys init`, rotated with
`keys rotate` (old credentials keep verifying), and never inside the site."""
from __future__ import annotations

import base64
import json
import os
import shutil
import stat
from pathlib import Path

import pytest

from badgesite import keyring
from badgesite.source import leaks
from badgesite.errors import BadgesiteError
from badgesite.sign import ed25519
from badgesite.sign import proof

from conftest import make_site, run_cli
from support.vcharness import verify_credentials

BASE = "https://example.org/badges/"
DID = "did:web:example.org:badges"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """No key from the developer's environment: an empty config folder of our own."""
    monkeypatch.delenv(keyring.ENV, raising=False)
    config = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    return config


def pem_file(path: Path, key=None) -> Path:
    key = key or ed25519.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(ed25519.private_pem(key))
    path.chmod(0o600)
    return path


# -- finding the key ---------------------------------------------------------------------------

def test_no_key_means_ob3_is_skipped_with_a_note(site, home):
    key, note = keyring.find_signing_key(site)
    assert key is None and "skipped" in note and "badgesite keys init" in note
    code, out, _ = run_cli("build", "--site", str(site))
    assert code == 0 and "Open Badges 3.0 credentials skipped" in out
    assert not (site / "output/credentials").exists() and not (site / "output/did.json").exists()


def test_an_empty_variable_says_the_secret_is_missing(site, home, monkeypatch):
    monkeypatch.setenv(keyring.ENV, "  ")
    key, note = keyring.find_signing_key(site)
    assert key is None and "is the repository secret set" in note


def test_key_from_the_variable_as_pem_text_or_path(site, home, tmp_path, monkeypatch):
    secret = ed25519.generate()
    monkeypatch.setenv(keyring.ENV, ed25519.private_pem(secret).decode())
    key, note = keyring.find_signing_key(site)
    assert ed25519.public_multibase(key) == ed25519.public_multibase(secret) and "$BADGESITE_SIGNING_KEY" in note
    path = pem_file(tmp_path / "elsewhere" / "k.pem", secret)
    monkeypatch.setenv(keyring.ENV, str(path))
    key, note = keyring.find_signing_key(site)
    assert ed25519.public_multibase(key) == ed25519.public_multibase(secret) and str(path) in note
    code, out, _ = run_cli("build", "--site", str(site))
    assert code == 0 and "signing Open Badges 3.0 credentials" in out
    signed = json.loads((site / "output/credentials/a-0001.json").read_text("utf-8"))
    proof.verify(signed, secret)


def test_key_from_the_default_location(site, home):
    assert keyring.default_key_path(DID) == home / "badgesite" / "keys" / "example.org_badges.pem"
    secret = ed25519.generate()
    pem_file(keyring.default_key_path(DID), secret)
    ring, note = keyring.find_signing_ring(site)
    assert ring.id == "key-1" and ed25519.public_multibase(ring.private) == ed25519.public_multibase(secret)
    assert "warning" not in note
    keyring.default_key_path(DID).chmod(0o644)
    assert "chmod 600" in keyring.find_signing_key(site)[1]


def test_unusable_keys_are_errors_not_silent_skips(site, home, monkeypatch, tmp_path):
    monkeypatch.setenv(keyring.ENV, str(tmp_path / "missing.pem"))
    with pytest.raises(BadgesiteError, match="not a file"):
        keyring.find_signing_key(site)
    monkeypatch.setenv(keyring.ENV, "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n")
    with pytest.raises(BadgesiteError, match="unusable signing key"):
        keyring.find_signing_key(site)
    inside = pem_file(site / "secret" / "k.pem")
    monkeypatch.setenv(keyring.ENV, str(inside))
    with pytest.raises(BadgesiteError, match="inside the site folder"):
        keyring.find_signing_key(site)
    code, _, err = run_cli("build", "--site", str(site))
    assert code == 1 and "inside the site folder" in err and not (site / "output").exists()


def test_a_key_missing_from_keys_yaml_is_refused(site, home):
    listed, other = ed25519.generate(), ed25519.generate()
    keyring.write_history(site, [keyring.PublicKey("key-1", ed25519.public_multibase(listed))], DID)
    pem_file(keyring.default_key_path(DID), other)
    with pytest.raises(BadgesiteError, match="not listed in keys.yaml"):
        keyring.find_signing_key(site)


# -- keys init / rotate / show -------------------------------------------------------------------

def test_keys_init_creates_a_private_key_outside_the_site(site, home):
    code, out, err = run_cli("keys", "init", "--site", str(site))
    assert code == 0, err
    path = keyring.default_key_path(DID)
    assert path.is_file() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert f"gh secret set BADGESITE_SIGNING_KEY < {path}" in out
    [entry] = keyring.read_history(site)
    key = ed25519.load_private_key(path.read_bytes())
    assert entry.id == "key-1" and entry.multibase == ed25519.public_multibase(key)
    assert b"PRIVATE" not in (site / "keys.yaml").read_bytes()
    assert not leaks.private_keys_in(site)
    before = path.read_bytes()
    code, _, err = run_cli("keys", "init", "--site", str(site))
    assert code == 1 and path.read_bytes() == before
    # it says what happened to the key, not to output/ (which keys never touch)
    assert f"already has its signing key key-1 (its private key is in {path}); it was kept unchanged" in err
    assert "badgesite keys rotate" in err and "no key was created or changed" in err and "output/" not in err


def test_keys_init_refuses_a_path_inside_the_site_or_its_repository(site, home, tmp_path):
    code, _, err = run_cli("keys", "init", "--site", str(site), "--out", str(site / "content" / "k.pem"))
    assert code == 1 and "inside the site folder" in err
    assert not (site / "content" / "k.pem").exists() and not (site / "keys.yaml").exists()
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    nested = make_site(repo / "site")
    code, _, err = run_cli("keys", "init", "--site", str(nested), "--out", str(repo / "k.pem"))
    assert code == 1 and "inside the git repository" in err and not (repo / "k.pem").exists()
    code, out, _ = run_cli("keys", "init", "--site", str(nested), "--out", str(tmp_path / "safe" / "k.pem"))
    assert code == 0 and (tmp_path / "safe" / "k.pem").is_file() and "BADGESITE_SIGNING_KEY" in out


def test_keys_rotate_keeps_old_credentials_verifying(site, home, tmp_path):
    assert run_cli("keys", "init", "--site", str(site))[0] == 0
    assert run_cli("build", "--site", str(site))[0] == 0
    output = site / "output"
    old_credential = tmp_path / "old-a-0001.json"
    shutil.copy(output / "credentials/a-0001.json", old_credential)
    assert json.loads(old_credential.read_text())["proof"]["verificationMethod"] == DID + "#key-1"

    code, out, err = run_cli("keys", "rotate", "--site", str(site))
    assert code == 0, err
    assert [k.id for k in keyring.read_history(site)] == ["key-1", "key-2"]
    retired = keyring.default_key_path(DID).with_name("example.org_badges.key-1.retired.pem")
    assert retired.is_file() and "moved to" in out
    ring, _ = keyring.find_signing_ring(site)
    assert ring.id == "key-2"
    assert run_cli("build", "--site", str(site))[0] == 0

    did = json.loads((output / "did.json").read_text("utf-8"))
    assert [m["id"] for m in did["verificationMethod"]] == [DID + "#key-1", DID + "#key-2"]
    assert did["assertionMethod"] == [DID + "#key-1", DID + "#key-2"]
    new_credential = output / "credentials/a-0001.json"
    assert json.loads(new_credential.read_text())["proof"]["verificationMethod"] == DID + "#key-2"
    old, new = verify_credentials([old_credential, new_credential], {BASE: output})
    assert old["verified"] and old["schemaValid"] and old["statusRevoked"] is False, old
    assert new["verified"] and new["schemaValid"], new
    for path in (old_credential, new_credential):
        code, out, _ = run_cli("verify", str(path), "--offline-site", str(output))
        assert code == 0, out
    assert not leaks.private_keys_in(site)


def test_keys_rotate_without_any_key_says_so(site, home):
    code, _, err = run_cli("keys", "rotate", "--site", str(site))
    assert code == 1 and "keys init" in err


def test_keys_show(site, home):
    code, out, _ = run_cli("keys", "show", "--site", str(site))
    assert code == 0 and DID in out and "skipped" in out
    run_cli("keys", "init", "--site", str(site))
    code, out, _ = run_cli("keys", "show", "--site", str(site))
    assert code == 0 and "key-1: z6Mk" in out and "a build signs with key-1" in out
    pem_file(site / "content" / "oops.pem")
    code, _, err = run_cli("keys", "show", "--site", str(site))
    assert code == 1 and "content/oops.pem:1" in err


# -- check: no private key inside the site --------------------------------------------------------

def test_private_keys_inside_the_site_are_found(site):
    pem = ed25519.private_pem(ed25519.generate()).decode()
    (site / "content" / "notes.md").write_text(f"# notes\n\nkey:\n{pem}", encoding="utf-8")
    (site / "themes" / "mine").mkdir(parents=True)
    body = base64.encodebytes(b"openssh-key-v1\x00" + bytes(range(200))).decode()
    (site / "themes" / "mine" / "id_ed25519").write_text(
        f"-----BEGIN OPENSSH PRIVATE KEY-----\n{body}-----END OPENSSH PRIVATE KEY-----\n")
    (site / "content" / "secrets.json").write_text(json.dumps({"key": pem}))  # one line, \n escapes
    big = site / "content" / "badges" / "big.bin"
    big.write_bytes(b"\n" * (3 << 20) + pem.encode())  # past the first read
    for ignored in ("output", ".git", "node_modules", ".venv-test"):
        pem_file(site / ignored / "k.pem")
    found = leaks.private_keys_in(site).sorted()
    assert [(d.path, d.line) for d in found] == [
        ("content/badges/big.bin", (3 << 20) + 1), ("content/notes.md", 4), ("content/secrets.json", 1),
        ("themes/mine/id_ed25519", 1)]
    assert all(d.severity == "error" and "private key" in d.message for d in found)
    assert "badgesite keys rotate" in found[0].hint


def test_text_that_only_mentions_a_private_key_is_not_one(site):
    (site / "content" / "howto.md").write_text(
        "A key file starts with -----BEGIN PRIVATE KEY----- and ends with -----END PRIVATE KEY-----.\n"
        "template = '-----BEGIN PRIVATE KEY-----\\n{body}-----END PRIVATE KEY-----'\n"
        "-----BEGIN PRIVATE KEY-----\ngarbage\n-----END PRIVATE KEY-----\n", encoding="utf-8")
    assert not leaks.private_keys_in(site).items


def test_a_clean_site_has_no_key_problems(site):
    assert not leaks.site_key_problems(site).items


def test_keys_yaml_problems_are_diagnostics(site):
    good = ed25519.public_multibase(ed25519.generate())
    (site / "keys.yaml").write_text(
        "keys:\n"
        f"  - id: key-1\n    publicKeyMultibase: {good}\n"
        f"  - id: key-1\n    publicKeyMultibase: {good}\n"
        "  - id: key-3\n    publicKeyMultibase: zNotAKey\n"
        "  - id: first\n    publicKeyMultibase: z6Mk\n"
        "  - id: key-5\n    publicKeyMultibase: z6Mk\n    colour: blue\n"
        "extra: 1\n", encoding="utf-8")
    problems = leaks.site_key_problems(site).sorted()
    text = "\n".join(d.format() for d in problems)
    assert "keys.yaml:4:9: error: key id 'key-1' is listed twice" in text
    assert "keys.yaml:7:" in text and "z6Mk" in text
    assert "key id 'first' must look like key-1" in text
    assert "unknown key 'colour'" in text and "unknown key 'extra'" in text
    with pytest.raises(BadgesiteError):
        keyring.read_history(site)


def test_keyring_repr_shows_no_key_material():
    ring = keyring.KeyRing(ed25519.generate(), "key-1", (), "somewhere")
    assert "key-1" in repr(ring) and "private" not in repr(ring).lower()
    assert os.fspath(keyring.config_dir()).endswith("badgesite")
