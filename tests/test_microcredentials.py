"""The EU micro-credential elements as fields: read, validated, and for `kind:
microcredential` every missing mandatory element of Annex I of Council Recommendation
2022/C 243/02 reported at the badge's file and line, in the Recommendation's words."""
from __future__ import annotations

from pathlib import Path

from badgesite.assemble import load_site
from badgesite.microcredentials import MANDATORY
from conftest import AWARDS, BADGE, CONFIG, make_site, run_cli

EU_CONFIG = CONFIG.replace("  email: badges@example.org\n",
                           "  email: badges@example.org\n  country: NL\n  legal_identifier: NL.KVK.12345678\n")
COMPLETE = BADGE.replace("criteria:", """\
kind: microcredential
study_load: {ects: 2.5}
eqf: 5
learning_outcomes: [Can write functions.]
assessment: Portfolio review
participation: blended
quality_assurance: {text: Accredited by the NVAO, url: "https://www.nvao.net/"}
qf_ehea_cycle: 1
id_verification: onsite-supervised
criteria:""")


def check(root: Path) -> tuple[int, list[str]]:
    code, _, err = run_cli("check", "-s", str(root))
    return code, [line for line in err.splitlines() if ": error:" in line]  # (design rules warn about the images)


def test_a_complete_microcredential_is_read(tmp_path: Path):
    root = make_site(tmp_path / "site", {"badgesite.yaml": EU_CONFIG + "recipients: plain\n",
                                         "content/badges/python-basics.md": COMPLETE,
                                         "content/awards/2026.yaml": AWARDS + "  grade: Pass (8/10)\n"})
    site, diagnostics = load_site(root)
    assert site is not None, diagnostics.items
    badge = site.badges["python-basics"]
    assert (badge.participation, badge.qf_ehea_cycle, badge.id_verification) == ("blended", 1, "onsite-supervised")
    assert (badge.quality_assurance.text, badge.quality_assurance.url) == ("Accredited by the NVAO", "https://www.nvao.net/")
    assert site.config.issuer.country == "NL" and site.config.issuer.legal_identifier == "NL.KVK.12345678"
    assert site.awards["a-0001"].grade == "Pass (8/10)"
    # quality assurance as plain text, the country in lower case
    root = make_site(tmp_path / "plain", {
        "badgesite.yaml": EU_CONFIG.replace("country: NL", "country: be") + "recipients: plain\n",
        "content/badges/python-basics.md": COMPLETE.replace(
            'quality_assurance: {text: Accredited by the NVAO, url: "https://www.nvao.net/"}',
            "quality_assurance: Reviewed by the examination board")})
    site, _ = load_site(root)
    assert site.badges["python-basics"].quality_assurance.text == "Reviewed by the examination board"
    assert site.badges["python-basics"].quality_assurance.url is None and site.config.issuer.country == "BE"


def test_every_missing_mandatory_element_is_reported_at_the_badge(tmp_path: Path):
    bare = BADGE.replace("criteria:", "tags: [x]\nkind: microcredential\ncriteria:")
    root = make_site(tmp_path / "site", {"content/badges/python-basics.md": bare})
    code, lines = check(root)
    assert code == 1
    # the badge's `kind:` line (front-matter counted from the top of the file)
    assert all(line.startswith("content/badges/python-basics.md:6:7: error: a microcredential must state the '")
               for line in lines), lines
    named = [line.split("must state the '", 1)[1].split("' (", 1)[0] for line in lines]
    assert sorted(named) == sorted(["Country(ies)/Region(s) of the issuer", "Learning outcomes",
                     "Notional workload needed to achieve the learning outcomes (in European Credit Transfer and "
                     "Accumulation System – ECTS, wherever possible)",
                     "Level (and cycle, if applicable) of the learning experience leading to the micro-credential "
                     "(European Qualifications Framework, Qualifications Frameworks in the European Higher "
                     "Education Area), if applicable",
                     "Type of assessment", "Form of participation in the learning activity",
                     "Type of quality assurance used to underpin the micro-credential"])
    assert set(named) <= set(MANDATORY)
    assert all("Council Recommendation 2022/C 243/02, Annex I" in line for line in lines)
    # the hint says which field gives it
    assert any("participation: online" in line for line in lines)


def test_only_what_is_missing_is_reported(tmp_path: Path):
    for removed, element in (("participation: blended\n", "Form of participation in the learning activity"),
                             ('quality_assurance: {text: Accredited by the NVAO, url: "https://www.nvao.net/"}\n',
                              "Type of quality assurance used to underpin the micro-credential")):
        root = make_site(tmp_path / element[:4], {"badgesite.yaml": EU_CONFIG + "recipients: plain\n",
                                                  "content/badges/python-basics.md": COMPLETE.replace(removed, "")})
        code, lines = check(root)
        assert code == 1 and len(lines) == 1 and f"'{element}'" in lines[0], lines
    # other kinds need none of it
    root = make_site(tmp_path / "badge", {"content/badges/python-basics.md": BADGE.replace("criteria:", "kind: edubadge\ncriteria:")})
    assert check(root) == (0, [])


def test_wrong_values_are_errors_at_their_lines(tmp_path: Path):
    wrong = (COMPLETE.replace("participation: blended", "participation: hybrid")
             .replace("qf_ehea_cycle: 1", "qf_ehea_cycle: 4")
             .replace("id_verification: onsite-supervised", "id_verification: onsite-supervized")
             .replace('url: "https://www.nvao.net/"}', 'link: "https://www.nvao.net/"}'))
    root = make_site(tmp_path / "site", {
        "badgesite.yaml": EU_CONFIG.replace("country: NL", "country: NLD") + "recipients: plain\n",
        "content/badges/python-basics.md": wrong,
        "content/awards/2026.yaml": AWARDS + "  grade: [8, 9]\n"})
    code, lines = check(root)
    text = "\n".join(lines)
    assert code == 1
    assert "badgesite.yaml:6:12: error: 'country' must be an ISO 3166-1 alpha-2 country code such as NL or BE, not 'NLD'" in text
    assert "(did you mean 'NL'?)" in text
    assert "content/badges/python-basics.md:10:16: error: 'participation' must be one of online, onsite, blended, not 'hybrid'" in text
    assert "content/badges/python-basics.md:11:51: error: unknown key 'link'" in text
    assert "content/badges/python-basics.md:12:16: error: 'qf_ehea_cycle' must be between 1 and 3, not 4" in text
    assert ("content/badges/python-basics.md:13:18: error: 'id_verification' must be one of none, online-unsupervised, "
            "online-supervised, onsite-supervised, not 'onsite-supervized' (did you mean 'onsite-supervised'?)") in text
    assert "content/awards/2026.yaml:6:10: error: award 'a-0001': 'grade' must be text, not a list" in text
    root = make_site(tmp_path / "list", {"badgesite.yaml": EU_CONFIG + "recipients: plain\n",
                                         "content/badges/python-basics.md": COMPLETE.replace(
                                             'quality_assurance: {text: Accredited by the NVAO, url: "https://www.nvao.net/"}',
                                             "quality_assurance: [NVAO]")})
    assert ("content/badges/python-basics.md:11:20: error: 'quality_assurance' must be a text or {text: ..., url: ...}, "
            "not a list") in "\n".join(check(root)[1])


def test_a_grade_is_text_and_escaped_on_the_page(tmp_path: Path):
    root = make_site(tmp_path / "site", {"content/awards/2026.yaml": AWARDS + "  grade: '<script>x</script> 9'\n"})
    code, _, err = run_cli("build", "-s", str(root), "-q")
    assert code == 0, err
    page = (root / "output/awards/a-0001/index.html").read_text("utf-8")
    assert "&lt;script&gt;x&lt;/script&gt; 9" in page and "<script>x</script>" not in page
