"""badgesite.yaml -> Config. Unknown keys are errors; a config error stops the load."""
from __future__ import annotations

import email.errors
import email.policy
import re
from pathlib import Path

from .countries import COUNTRIES
from .errors import Diagnostics, did_you_mean
from .model import Config, Issuer, Mail, SizeLimit, Smtp
from .source.fields import EMAIL, Fields
from .source.files import SourceError, read_text
from .source.yaml.positions import PosDict, YamlError
from .source.yaml import load

CONFIG_FILE = "badgesite.yaml"
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$")
COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
BASE_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~%!$&'()*+,;=:@/-]*)?$")

ISSUER_KEYS = ("name", "url", "email", "description", "image", "linkedin_organization_id", "color", "country",
               "legal_identifier")
# the mail: section, how `badgesite notify` tells recipients
MAIL_KEYS = ("from", "reply_to", "smtp", "per_minute")
SMTP_KEYS = ("host", "port", "security", "username")
SECURITY = ("starttls", "ssl", "none")
DEFAULT_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
HOST = r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$"
CONFIG_KEYS = ("base_url", "title", "issuer", "awarders", "language", "languages", "recipients",
               "theme", "bake_in_browser", "stats", "size_limit", "extra", "mail")

SIZE_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
              "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
SIZE_TEXT = re.compile(r"^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$")


def load_config(root: Path, diagnostics: Diagnostics) -> Config | None:
    """Read the site configuration; None (with diagnostics) when it cannot be used."""
    path = root / CONFIG_FILE
    if not path.exists():
        diagnostics.error(CONFIG_FILE, 0, 0, f"no {CONFIG_FILE} here: is this a badgesite folder? ('badgesite new DIR' makes one)")
        return None
    try:
        data = load(read_text(root, path), CONFIG_FILE)
    except (SourceError, YamlError) as exc:
        diagnostics.extend([exc.diagnostic])
        return None
    if not isinstance(data, PosDict):
        diagnostics.error(CONFIG_FILE, 1, 1, "the configuration must be a mapping (key: value lines)")
        return None
    f = Fields(data, CONFIG_FILE, diagnostics)
    f.known(CONFIG_KEYS)

    base_url = f.text("base_url", required=True)
    if base_url is not None:
        if not BASE_URL.match(base_url) or "?" in base_url or "#" in base_url:
            f.error("base_url", f"'base_url' must be an http(s) URL such as https://example.github.io/badges/, not {base_url!r}")
            base_url = None
        elif not base_url.endswith("/"):
            base_url += "/"
            f.warning("base_url", f"'base_url' must end in '/': the site is built for {base_url}",
                      hint=f"write base_url: {base_url}")

    issuer = None
    fi = f.sub("issuer", required=True)
    if fi is not None:
        fi.known(ISSUER_KEYS)
        name, url = fi.text("name", required=True, max_len=200), fi.url("url", required=True)
        org = fi.map.get("linkedin_organization_id")
        if org is not None and not (isinstance(org, int) or (isinstance(org, str) and org.isdigit())):
            fi.error("linkedin_organization_id", "'linkedin_organization_id' must be the number in your LinkedIn company page's admin URL")
            org = None
        color = fi.text("color")
        if color is not None and not COLOR.match(color):
            fi.error("color", f"'color' must be written #rrggbb, not {color!r}")
            color = None
        country = fi.text("country")
        if country is not None and country.upper() not in COUNTRIES:
            fi.error("country", f"'country' must be an ISO 3166-1 alpha-2 country code such as NL or BE, not {country!r}",
                     did_you_mean(country.upper(), COUNTRIES))
            country = None
        if name and url:
            issuer = Issuer(name=name, url=url, email=fi.email("email"), description=fi.text("description"),
                            image=fi.text("image"), linkedin_organization_id=str(org) if org is not None else None,
                            color=color, country=country.upper() if country else None,
                            legal_identifier=fi.text("legal_identifier", max_len=200))

    awarders = f.email_list("awarders")

    language = f.text("language") or "en"
    if not LANGUAGE.match(language):
        f.error("language", f"'language' must be a language code such as en or nl, not {language!r}")
    languages = list(f.text_list("languages")) or [language]
    for code in languages:
        if not LANGUAGE.match(code):
            f.error("languages", f"{code!r} is not a language code such as en or nl")
    if language not in languages:
        languages.insert(0, language)

    recipients = f.choice("recipients", ("hashed", "plain"), "hashed")
    theme = f.text("theme") or "default"
    if not re.match(r"^[A-Za-z0-9_-]+$", theme):
        f.error("theme", f"'theme' must be a folder name under themes/, not {theme!r}")
    elif theme != "default" and not (Path(root) / "themes" / theme).is_dir():
        # building with the default theme instead would change every page without a word
        f.error("theme", f"no theme '{theme}': there is no folder themes/{theme}/ in the site",
                hint="create it, or remove 'theme' to use the default theme")
    bake_in_browser = f.boolean("bake_in_browser")
    stats = f.choice("stats", ("private", "public"), "private")
    size_limit = _size_limit(f)
    extra = f.mapping("extra") or {}
    mail = read_mail(f)  # how `badgesite notify` tells recipients
    if not f.ok or issuer is None or base_url is None:
        return None
    return Config(base_url=base_url, issuer=issuer, awarders=tuple(awarders), language=language,
                  languages=tuple(dict.fromkeys(languages)), recipients=recipients, theme=theme,
                  title=f.text("title"), bake_in_browser=bake_in_browser, stats=stats, extra=dict(extra),
                  size_limit=size_limit, mail=mail)


def setting_position(root: Path, keys: tuple[str, ...], value: bool = True) -> tuple[int, int] | None:
    """(line, col) in badgesite.yaml of a setting such as ("issuer", "color"): of its
    value, or of its key when `value` is False; None when it cannot be found (the
    Config keeps values, not positions)."""
    try:
        data = load(read_text(root, Path(root) / CONFIG_FILE), CONFIG_FILE)
    except (SourceError, YamlError):
        return None
    for key in keys[:-1]:
        data = data.get(key) if isinstance(data, PosDict) else None
    if not isinstance(data, PosDict) or keys[-1] not in data:
        return None
    return data.vpos(keys[-1]) if value else data.kpos(keys[-1])


def _size_limit(f: Fields) -> SizeLimit:
    if not f.has("size_limit"):
        return SizeLimit()
    value = f.map["size_limit"]
    try:
        size = parse_size(value)
    except ValueError as exc:
        f.error("size_limit", str(exc))
        return SizeLimit()
    return SizeLimit(size, str(value).strip(), CONFIG_FILE, f.where("size_limit")[0])


def parse_size(value) -> int | None:
    """`1 GB`, `500 MB`, `2 GiB`, `250000000` (bytes) -> bytes; `none` -> None (no limit).
    Decimal units are powers of 1000 (as hosts count), binary ones (KiB, MiB, GiB) of 1024."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"'size_limit' must be a size such as 1 GB or 500 MB, or none, not {value!r}")
    text = str(value).strip()
    if text.lower() == "none":
        return None
    match = SIZE_TEXT.match(text)
    unit = match and (match.group(2).lower() or "b")
    if not match or unit not in SIZE_UNITS:
        raise ValueError(f"'size_limit' must be a size such as 1 GB, 500 MB or 2 GiB, or none, not {text!r}")
    size = int(float(match.group(1)) * SIZE_UNITS[unit])
    if size <= 0:
        raise ValueError(f"'size_limit' must be more than 0 bytes (write none for no limit), not {text!r}")
    return size


def sender(text: str) -> str | None:
    """`Name <address>` or `address`, as a From header carries it; None when it is not
    exactly one valid address (a line break, which would start a new header, is not)."""
    if "\r" in text or "\n" in text:
        return None
    try:
        header = email.policy.default.header_factory("From", text)
        addresses = header.addresses
    except (ValueError, IndexError, email.errors.HeaderParseError):
        return None
    if len(addresses) != 1 or header.defects or not EMAIL.match(addresses[0].addr_spec):
        return None
    return str(addresses[0])


def read_mail(f: Fields) -> Mail | None:
    """The `mail:` section of a configuration, or None (with errors added to `f`)."""
    fm = f.sub("mail")
    if fm is None:
        return None
    fm.known(MAIL_KEYS)
    from_text = fm.text("from", required=True, max_len=500)
    from_ = sender(from_text) if from_text else None
    if from_text and from_ is None:
        fm.error("from", f"'from' must be an address, or a name and an address such as "
                         f"Stadslab Academy <badges@stadslab.example>, not {from_text!r}")
    reply_text = fm.text("reply_to", max_len=500)
    reply_to = sender(reply_text) if reply_text else None
    if reply_text and reply_to is None:
        fm.error("reply_to", f"'reply_to' must be one e-mail address, not {reply_text!r}")
    per_minute = fm.number("per_minute", 1, 100_000, integer=True)
    smtp, smtp_ok = None, True
    fs = fm.sub("smtp", required=True)
    if fs is not None:
        fs.known(SMTP_KEYS)
        host = fs.text("host", required=True, max_len=253)
        if host and not re.match(HOST, host):
            fs.error("host", f"'host' must be a server name such as smtp.example.org, not {host!r}")
            host = None
        security = fs.choice("security", SECURITY, "starttls")
        port = fs.number("port", 1, 65535, integer=True) or DEFAULT_PORTS[security]
        username = fs.text("username", max_len=500)
        if host:
            smtp = Smtp(host=host, port=int(port), security=security, username=username or None)
        smtp_ok = fs.ok
    if not (fm.ok and smtp_ok) or smtp is None or from_ is None:
        f.ok = False  # a wrong mail section stops the load like any other config error
        return None
    return Mail(sender=from_, smtp=smtp, per_minute=int(per_minute) if per_minute else None, reply_to=reply_to)
