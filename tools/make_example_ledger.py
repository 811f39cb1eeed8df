#!/usr/bin/env python3
"""Write the awards ledger of the Stadslab Academy example programme.

    .venv/bin/python tools/make_example_ledger.py

Writes content/awards/2025.yaml and content/awards/2026.yaml, and the private
mapping from award id to plain e-mail address in
tests/fixtures/example-recipients.yaml. The e-mail addresses are fictional
(@example.org, @student.example) and never appear in content/: the ledger holds
only a salted SHA-256 hash per award, exactly as `badgesite award` writes it:

    identity = "sha256$" + sha256((email.strip().lower() + salt).encode()).hexdigest()

The output is deterministic: award ids and salts come from a random generator
with a fixed seed, so running the script again gives the same bytes. (A real site
never regenerates its ledger: ids and salts are permanent once published.)
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AWARDS = ROOT / "content" / "awards"
FIXTURE = ROOT / "tests" / "fixtures" / "example-recipients.yaml"
SEED = "stadslab-academy-example-ledger-v1"
ID_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"   # no 0/o, 1/l/i: easy to read aloud
ID_RANDOM_LEN = 8                                # 31**8 ~ 8.5e11 possibilities per year

M = "marianne@stadslab.example"
J = "joost@stadslab.example"

# key -> (e-mail, display name or None). A recipient without a name gets an award
# page without a name: the name is published only if the ledger has one.
PEOPLE = {
    "sanne":  ("sanne.devries@student.example", "Sanne de Vries"),
    "daan":   ("daan.jansen@student.example", "Daan Jansen"),
    "fatima": ("Fatima.ElAmrani@student.example", "Fatima El Amrani"),
    "emre":   ("emre.yilmaz@student.example", "Emre Yılmaz"),
    "priya":  ("priya.ramdin@student.example", "Priya Ramdin"),
    "kevin":  ("kevin.martina@example.org", "Kevin Martina"),
    "danielle": ("danielle.visser@example.org", "Daniëlle Visser"),
        "julia":  ("julia.meijer@student.example", "Julia Meijer"),
    "thijs":  ("thijs.degraaf@example.org", "Thijs de Graaf"),
    "noor":   ("noor.bouzid@student.example", "Noor Bouzid"),
    "ruben":  ("ruben.vandenberg@example.org", "Ruben van den Berg"),
    "femke":  ("femke.mulder@student.example", "Femke Mulder"),
    "jayden": ("jayden.tahitu@student.example", "Jayden Tahitu"),
    "lotte":  ("lotte.vandijk@student.example", "Lotte van Dijk"),
    "yara":   ("yara.koster@student.example", "Yara Koster"),
    "anouk":  ("anouk.hendriks@example.org", None),
    "milan":  ("milan.peters@student.example", None),
}

# The awards; the ledger lists them by date. `key` is local to this script (it lets a text refer
# to another award's id as {key}); `who` is a key of PEOPLE.
AWARDS_DATA = [
    # ------------------------------------------------------------------ 2025
    dict(key="safety-sanne-25", badge="workshop-safety", who="sanne", issued="2025-01-18", by=M,
         criteria_met=[1, 2, 3]),
    dict(key="safety-daan-25", badge="workshop-safety", who="daan", issued="2025-01-18", by=M,
         criteria_met=[1, 2, 3]),
    dict(key="git-priya", badge="git-basics", who="priya", issued="2025-02-07", by=M),
    dict(key="git-emre", badge="git-basics", who="emre", issued="2025-02-07", by=M),
    dict(key="safety-kevin", badge="workshop-safety", who="kevin", issued="2025-02-08", by=J),
    dict(key="vinyl-sanne", badge="vinyl-cutting", who="sanne", issued="2025-02-08", by=J,
         evidence=[dict(url="https://photos.example/stadslab/vinyl-feb-2025/sanne-tote-bag",
                        name="Photo of the printed tote bag",
                        narrative="A two-part heat-transfer design of the Erasmus Bridge on a cotton tote bag.")]),
    dict(key="safety-ruben", badge="workshop-safety", who="ruben", issued="2025-02-22", by=J),
    dict(key="laser1-sanne", badge="laser-cutting-basics", who="sanne", issued="2025-03-15", by=M,
         criteria_met=[1, 2, 3, 4],
         evidence=[dict(url="https://sannedevries.example/portfolio/naambord",
                        name="Portfolio page: engraved house-number sign",
                        narrative="Cutting file with separate cut and engrave layers, the test cuts on an off-cut, and the finished sign in 4 mm birch plywood.")]),
    dict(key="safety-fatima", badge="workshop-safety", who="fatima", issued="2025-03-29", by=J),
    dict(key="vinyl-fatima", badge="vinyl-cutting", who="fatima", issued="2025-04-05", by=J),
    dict(key="repair-ruben", badge="repair-cafe-volunteer", who="ruben", issued="2025-04-26", by=M,
         narrative="Ruben repaired **23 items** in his first five afternoons, from a 1970s record "
                   "player to a child's bicycle, and taught three students to use the multimeter."),
    dict(key="print-daan", badge="3d-printing-basics", who="daan", issued="2025-05-17", by=M),
    dict(key="print-sanne", badge="3d-printing-basics", who="sanne", issued="2025-05-17", by=M),
    dict(key="python-priya", badge="python-basics", who="priya", issued="2025-06-27", by=M,
         criteria_met=[1, 2, 3],
         evidence=[dict(url="https://gitlab.example/priya-ramdin/bieb-openingstijden",
                        name="Repository: library opening hours tool",
                        narrative="Reads the open-data CSV of Rotterdam library branches and answers which branches are open late on a given day; 164 lines with 12 pytest tests.")]),
    dict(key="python-emre-error", badge="python-basics", who="emre", issued="2025-06-27", by=M,
         revoked=dict(date="2025-07-04",
                      reason="Awarded in error: the grade export listed Emre's resit as passed, "
                             "but the resit was still to come. Re-awarded after the resit as {python-emre}.")),
    dict(key="safety-emre", badge="workshop-safety", who="emre", issued="2025-08-30", by=J),
    dict(key="python-emre", badge="python-basics", who="emre", issued="2025-09-05", by=M,
         criteria_met=[1, 2, 3],
         narrative="Passed at the resit in September 2025. This award replaces {python-emre-error}, "
                   "which was revoked because it was entered too early."),
    dict(key="arduino-emre", badge="arduino-electronics", who="emre", issued="2025-10-03", by=M,
         criteria_met=[1, 2, 3, 4],
         evidence=[dict(url="https://emreyilmaz.example/builds/plantje",
                        name="Build log: the plant that asks for water",
                        narrative="A soil-moisture sensor and a small servo that raises a flag when the plant is dry, soldered on perfboard, with schematic and photos.")]),
    dict(key="laser1-kevin", badge="laser-cutting-basics", who="kevin", issued="2025-09-20", by=J,
         criteria_met=[1, 2, 3, 4]),
    dict(key="print-kevin", badge="3d-printing-basics", who="kevin", issued="2025-09-20", by=J),
    dict(key="safety-julia", badge="workshop-safety", who="julia", issued="2025-09-27", by=M),
    dict(key="laser1-julia", badge="laser-cutting-basics", who="julia", issued="2025-10-11", by=J),
    dict(key="mentor-kevin", badge="maker-mentor", who="kevin", issued="2025-11-08", by=M,
         expires="2026-08-31",
         narrative="Kevin mentored on the open lab evenings during his sabbatical from teaching at an MBO "
                   "college. He mentors for the 2025-2026 school year only, so this certificate ends with "
                   "that school year instead of after the usual eighteen months."),
    dict(key="safety-noor", badge="workshop-safety", who="noor", issued="2025-11-25", by=J),
    dict(key="git-jayden", badge="git-basics", who="jayden", issued="2025-12-12", by=M),
    # ------------------------------------------------------------------ 2026
    dict(key="safety-sanne-26", badge="workshop-safety", who="sanne", issued="2026-01-24", by=M,
         criteria_met=[1, 2, 3],
         narrative="Renewal after the refresher walk-through, including the new dust extraction in the wood shop."),
    dict(key="python-jayden", badge="python-basics", who="jayden", issued="2026-01-30", by=M,
         criteria_met=[1, 2, 3]),
    dict(key="laser2-sanne", badge="laser-cutting-advanced", who="sanne", issued="2026-02-14", by=J,
         criteria_met=[1, 2, 3],
         evidence=[
             dict(url="https://sannedevries.example/portfolio/lamp",
                  name="Portfolio page: parametric lamp with living hinges",
                  narrative="A seven-part lamp shade in 3 mm poplar plywood, designed in FreeCAD with the kerf as a parameter."),
             dict(url="https://sannedevries.example/portfolio/kurk-instellingen",
                  name="Settings table for 3 mm cork sheet",
                  narrative="Twelve test cuts at different power and speed settings; now part of the lab's material table."),
         ],
         narrative="Supervised the laser job of a first-year student on 7 February 2026 and stopped it "
                   "calmly when the air assist was off."),
    dict(key="safety-lotte", badge="workshop-safety", who="lotte", issued="2026-02-21", by=M),
    dict(key="safety-femke", badge="workshop-safety", who="femke", issued="2026-02-21", by=M),
    dict(key="safety-danielle", badge="workshop-safety", who="danielle", issued="2026-03-28", by=J),
    dict(key="print-lotte", badge="3d-printing-basics", who="lotte", issued="2026-03-07", by=J),
    dict(key="arduino-femke", badge="arduino-electronics", who="femke", issued="2026-03-20", by=M,
         criteria_met=[1, 2, 3, 4]),
    dict(key="repair-danielle", badge="repair-cafe-volunteer", who="danielle", issued="2026-04-25", by=J,
         evidence=[dict(url="https://stadslab.example/repaircafe/verslagen/2026-04",
                        name="Repair café report, April 2026",
                        narrative="Daniëlle ran the textile table: 14 garments mended, and a visitor learned to replace a zip herself.")]),
    dict(key="safety-thijs", badge="workshop-safety", who="thijs", issued="2026-04-11", by=J),
    dict(key="laser1-thijs", badge="laser-cutting-basics", who="thijs", issued="2026-05-16", by=M),
    dict(key="laser1-thijs-dup", badge="laser-cutting-basics", who="thijs", issued="2026-05-16", by=M,
         revoked=dict(date="2026-05-20",
                      reason="Duplicate: the spreadsheet import entered this award twice. The award that stands is {laser1-thijs}.")),
    dict(key="pydata-priya", badge="python-data", who="priya", issued="2026-06-26", by=M,
         criteria_met=[1, 2, 3, 4],
         evidence=[dict(url="https://gitlab.example/priya-ramdin/straatverlichting-zuid",
                        name="Repository: broken street lights in Rotterdam-Zuid",
                        narrative="Analysis of two years of public-space reports, with a cleaning log and five charts, presented to the Feijenoord neighbourhood council.")]),
    dict(key="pydata-emre", badge="python-data", who="emre", issued="2026-06-26", by=M,
         criteria_met=[1, 2, 3, 4]),
    dict(key="iot-emre", badge="iot-prototyping", who="emre", issued="2026-07-03", by=M,
         criteria_met=[1, 2, 3, 4, 5],
         evidence=[
             dict(url="https://emreyilmaz.example/builds/regentuin",
                  name="Project report: rain garden monitor",
                  narrative="Water level and soil moisture in the rain garden at the Tussendijken community centre, measured every ten minutes for three weeks."),
             dict(url="https://video.example/stadslab/iot-presentaties-2026",
                  name="Recording of the final presentation"),
         ],
         narrative="Built in a team of four for the Tussendijken community garden. Emre wrote the firmware "
                   "and the data pipeline. The partner still uses the dashboard."),
    dict(key="laser2-julia", badge="laser-cutting-advanced", who="julia", issued="2026-09-12", by=J,
         criteria_met=[1, 2, 3]),
    dict(key="mentor-sanne", badge="maker-mentor", who="sanne", issued="2026-09-18", by=M,
         criteria_met=[1, 2, 3, 4],
         narrative="Sanne mentored on fourteen open lab evenings and co-hosted the *Laser I* workshops in May and June."),
    dict(key="git-yara", badge="git-basics", who="yara", issued="2026-09-25", by=M),
    dict(key="safety-milan", badge="workshop-safety", who="milan", issued="2026-10-10", by=M),
    dict(key="safety-anouk", badge="workshop-safety", who="anouk", issued="2026-10-10", by=J),
    dict(key="print-milan", badge="3d-printing-basics", who="milan", issued="2026-11-14", by=J),
    dict(key="python-yara", badge="python-basics", who="yara", issued="2026-11-20", by=M,
         criteria_met=[1, 2, 3]),
]

HEADER = """\
# Stadslab Academy awards ledger, {year}.
#
# Every award is a permanent record. Each entry has:
#   id            permanent and unique ([A-Za-z0-9_-], at most 64 characters); the
#                 award's public URLs are named by it. `badgesite award` makes a new
#                 one that cannot be guessed: a readable prefix and a random part.
#   badge         the id of a badge: the file name of content/badges/<id>.md
#   recipient     identity: "sha256$" + SHA-256 of (the lower-cased e-mail + salt)
#                 salt:     32 hex characters, a new one for every award
#                 The e-mail address itself is never stored here (recipients: hashed
#                 in badgesite.yaml); verifiers type it into the award page to check it.
#   name          optional: the recipient's name as shown on the award page
#   issued        the date of the award (YYYY-MM-DD)
#   awarded_by    the badge administrator who decided the award
#   criteria_met  optional: which of the badge's criteria were shown, counting from 1
#   evidence      optional: a list of {{url, name, narrative}}
#   narrative     optional: Markdown text about this particular award
#   expires       optional: when the award ends; without it, issued + the badge's
#                 valid_for (badges without valid_for do not expire)
#   revoked       optional: {{date, reason}}. Never delete an award given in error:
#                 revoke it (`badgesite revoke ID --reason TEXT`), so that everyone
#                 who checks the link learns it is no longer valid, and why.
#
# Add awards with `badgesite award BADGE EMAIL` (or `--csv FILE` for a whole group)
# and open a pull request: CI lists exactly what the change awards or revokes.
#
# (This example ledger is generated by tools/make_example_ledger.py.)
"""

PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 .,'()/@_-]*")


def scalar(text: str) -> str:
    """A YAML scalar for text: plain when unambiguous, else double-quoted (JSON is valid YAML)."""
    if PLAIN.fullmatch(text) and not text.endswith(" ") and text.lower() not in {
            "yes", "no", "on", "off", "true", "false", "null", "y", "n", "~"}:
        return text
    return json.dumps(text, ensure_ascii=False)


def block(text: str, indent: str) -> list[str]:
    """A literal block scalar (keeps Markdown line breaks), wrapped at about 88 columns."""
    words = text.split()
    lines, line = [], ""
    for word in words:
        if line and len(indent) + len(line) + 1 + len(word) > 88:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return [indent + ln for ln in lines]


def new_id(rng: random.Random, year: str, taken: set[str]) -> str:
    while True:
        candidate = f"ls-{year}-" + "".join(rng.choice(ID_ALPHABET) for _ in range(ID_RANDOM_LEN))
        if candidate not in taken:
            taken.add(candidate)
            return candidate


def identity(email: str, salt: str) -> str:
    return "sha256$" + hashlib.sha256((email.strip().lower() + salt).encode("utf-8")).hexdigest()


def main() -> int:
    AWARDS_DATA.sort(key=lambda award: award["issued"])   # ledger order = date order (stable)
    rng = random.Random(SEED)
    taken: set[str] = set()
    ids: dict[str, str] = {}
    salts: dict[str, str] = {}
    for award in AWARDS_DATA:
        ids[award["key"]] = new_id(rng, award["issued"][:4], taken)
        salts[award["key"]] = f"{rng.getrandbits(128):032x}"

    def fill(text: str) -> str:
        return re.sub(r"\{([a-z0-9-]+)\}", lambda m: ids[m.group(1)], text)

    by_year: dict[str, list[str]] = {}
    fixture = []
    for award in AWARDS_DATA:
        key, year = award["key"], award["issued"][:4]
        email, name = PEOPLE[award["who"]]
        date.fromisoformat(award["issued"])  # fail early on a typo
        out = by_year.setdefault(year, [])
        out.append("")
        out.append(f"- id: {ids[key]}")
        out.append(f"  badge: {award['badge']}")
        out.append("  recipient:")
        out.append(f'    identity: "{identity(email, salts[key])}"')
        out.append(f'    salt: "{salts[key]}"')
        if name:
            out.append(f"  name: {scalar(name)}")
        out.append(f"  issued: {award['issued']}")
        out.append(f"  awarded_by: {award['by']}")
        if "criteria_met" in award:
            out.append(f"  criteria_met: [{', '.join(str(n) for n in award['criteria_met'])}]")
        if "evidence" in award:
            out.append("  evidence:")
            for ev in award["evidence"]:
                first = True
                for field in ("url", "name", "narrative"):
                    if field in ev:
                        out.append(f"    {'- ' if first else '  '}{field}: {scalar(fill(ev[field]))}")
                        first = False
        if "narrative" in award:
            out.append("  narrative: |")
            out.extend(block(fill(award["narrative"]), "    "))
        if "expires" in award:
            out.append(f"  expires: {award['expires']}")
        if "revoked" in award:
            out.append("  revoked:")
            out.append(f"    date: {award['revoked']['date']}")
            out.append(f"    reason: {scalar(fill(award['revoked']['reason']))}")
        fixture.append(f"{ids[key]}: {email}")

    AWARDS.mkdir(parents=True, exist_ok=True)
    for year, lines in sorted(by_year.items()):
        path = AWARDS / f"{year}.yaml"
        path.write_text(HEADER.format(year=year) + "\n".join(lines) + "\n", encoding="utf-8")
        print(f"{path.relative_to(ROOT)}: {sum(1 for ln in lines if ln.startswith('- id:'))} awards")

    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(
        "# The plain e-mail address behind each award of the example ledger in content/awards/.\n"
        "# Fictional addresses. Tests use this to check the recipient form and hashed identities:\n"
        '#   identity == "sha256$" + sha256((email.strip().lower() + salt).encode()).hexdigest()\n'
        "# Some addresses have capitals on purpose (e-mail matching is case-insensitive).\n"
        "# Generated by tools/make_example_ledger.py; never put this mapping in content/.\n"
        + "\n".join(fixture) + "\n",
        encoding="utf-8",
    )
    print(f"{FIXTURE.relative_to(ROOT)}: {len(fixture)} recipients")
    return 0


if __name__ == "__main__":
    sys.exit(main())
