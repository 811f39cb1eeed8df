"""The statistics of stats.count() for people and scripts: a terminal table, JSON, and
HTML (the private report of `badgesite stats --html DIR` and, with `stats: public`,
the aggregate page at stats/ of the site).

Charts are SVG drawn at build time by pygal, with no script in them: every chart
comes with a text summary and its data as a table, in the theme's colours.
"""
from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from .. import __version__
from ..documents import stats as counting
from ..urls import Urls
from .context import Context
from .markup import readable_accent
from .theme import Renderer
from .themecolours import site_css, tint, variables

STATUSES = ("active", "expired", "revoked")
TOP_SERIES = 8  # badges drawn as their own series in the over-time chart; the rest are "other"
DEFAULT_COLOURS = {"text": "#1a1a1a", "muted": "#4d4d4d", "bg": "#ffffff", "ok": "#1e6b35", "bad": "#a4161a",
                   "warn": "#7a4d00", "line": "#d5dae1"}


# -- terminal and JSON ----------------------------------------------------------------

def to_json(figures: dict) -> str:
    return json.dumps(figures, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


def text_table(figures: dict) -> str:
    """A table to read in a terminal: one row per badge, then the kinds and the total."""
    head = ("badge", "kind", "awards", "active", "expired", "revoked", "last award", "days", "expiring")
    rows = []
    for badge_id, c in figures["badges"].items():
        flag = " (review)" if c["review"] else " (retired)" if c["retired"] else ""
        rows.append((badge_id + flag, c["kind"], c["awards"], c["active"], c["expired"], c["revoked"],
                     c["last_award"] or "never", "" if c["days_since_last_award"] is None else c["days_since_last_award"],
                     c["expiring_soon"]))
    rows.append(None)
    for kind, c in figures["kinds"].items():
        rows.append((f"kind: {kind}", _badges(c["badges"]), c["awards"], c["active"], c["expired"], c["revoked"],
                     c["last_award"] or "never", "", c["expiring_soon"]))
    t = figures["total"]
    rows.append(("total", _badges(t["badges"]), t["awards"], t["active"], t["expired"], t["revoked"],
                 t["last_award"] or "never", "", t["expiring_soon"]))
    cells = [tuple(str(v) for v in head)] + [tuple(str(v) for v in r) if r else None for r in rows]
    widths = [max(len(r[i]) for r in cells if r) for i in range(len(head))]
    numeric = {2, 3, 4, 5, 7, 8}

    def line(row) -> str:
        return "  ".join(v.rjust(w) if i in numeric else v.ljust(w) for i, (v, w) in enumerate(zip(row, widths))).rstrip()

    out = [f"badgesite stats as of {figures['today']}", "", line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(r) if r else "" for r in cells[1:]]
    if t["revocations"]:
        out += ["", "revocations by reason:"] + [f"  {n:>6}  {reason}" for reason, n in
                                                  sorted(t["revocations"].items(), key=lambda i: (-i[1], i[0]))]
    if t["awarders"]:
        out += ["", "awarded by:"] + [f"  {n:>6}  {_share(n, t['awards'])}  {who}" for who, n in
                                      sorted(t["awarders"].items(), key=lambda i: (-i[1], i[0]))]
    if figures["review"]:
        out += ["", f"not earned in the last {figures['review_after_days']} days (review them): "
                + ", ".join(figures["review"])]
    if figures["retired"]:
        out += ["", "retired: " + ", ".join(f"{b} ({figures['badges'][b]['retired']})" for b in figures["retired"])]
    soon = figures["expiring"]
    out += ["", f"expiring in the next {figures['expiry_ahead_days']} days: {len(soon)} award(s)"
            + (" (badgesite stats --json lists them)" if soon else "")]
    out += ["", counting.UNTRACEABLE]
    return "\n".join(out) + "\n"


def _badges(n: int) -> str:
    return f"{n} badge{'s' * (n != 1)}"


def _share(n: int, total: int) -> str:
    return f"{100 * n / total:5.1f}%" if total else "     -"


# -- charts ------------------------------------------------------------------------------

@dataclass
class Chart:
    """One chart: its SVG, what it shows in words, and its data as a table."""

    id: str
    title: str
    summary: str
    svg: Markup
    head: list[str]  # column headings; the first column heads the rows
    rows: list[list]  # [row heading, value, value…]


def theme_colours(root: Path, config) -> dict[str, str]:
    """The theme's named colours (site.css custom properties), with the accent the
    pages use (the issuer colour made readable)."""
    found = site_css(root, config.theme)
    colours = dict(DEFAULT_COLOURS)
    if found is not None:
        colours.update({name: value for name, (value, _) in variables(found[1]).items()})
    colours["accent"] = readable_accent(config.issuer.color)
    return colours


def _ticks(top: int) -> list[int]:
    """Whole numbers on the value axis: counts are never fractions."""
    step = max(1, -(-top // 8))
    return list(range(0, max(top, 1) + step, step))


def _short(label: str, limit: int = 32) -> str:
    """An axis label short enough to leave room for the bars (the table has it whole)."""
    return label if len(label) <= limit else label[:limit - 1].rstrip() + "…"


def _continuous(periods: list[str], by_month: bool) -> list[str]:
    """Every year ("2025") or month ("2025-07") from the first to the last, none left out."""
    if not periods:
        return []
    if not by_month:
        return [str(y) for y in range(int(periods[0]), int(periods[-1]) + 1)]
    year, month = int(periods[0][:4]), int(periods[0][5:])
    out = []
    while True:
        out.append(f"{year:04d}-{month:02d}")
        if out[-1] >= periods[-1]:
            return out
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _palette(colours: dict, n: int) -> list[str]:
    base = [colours["accent"], colours["ok"], colours["warn"], colours["bad"], colours["muted"]]
    more = [tint(c, 0.4) for c in base]
    return (base + more)[:n] or base[:1]


def _svg(chart, uid: str, label_id: str) -> Markup:
    """pygal's SVG, made fit to inline: no script, no comments, a stable id, and its
    name taken from the caption that describes it."""
    svg = chart.render(is_unicode=True)
    random_id = re.search(r'id="chart-([0-9a-f-]+)"', svg).group(1)
    svg = svg.replace(random_id, uid)
    svg = re.sub(r"<script\b.*?</script>", "", svg, flags=re.S)
    svg = re.sub(r"<!--.*?-->", "", svg, flags=re.S)
    svg = svg.replace("<svg ", f'<svg role="img" aria-labelledby="{label_id}" focusable="false" ', 1)
    return Markup(svg)


def _pygal_chart(kind: str, colours: dict, series_colours: list[str], height: int, **options):
    import pygal
    from pygal.style import Style

    style = Style(background=colours["bg"], plot_background=colours["bg"], foreground=colours["text"],
                  foreground_strong=colours["text"], foreground_subtle=colours["muted"],
                  guide_stroke_color=colours["line"], major_guide_stroke_color=colours["muted"],
                  colors=tuple(series_colours), opacity="1", opacity_hover="1", transition="0s",
                  font_family="system-ui, sans-serif", label_font_size=13, major_label_font_size=13,
                  legend_font_size=13, value_font_size=13, tooltip_font_size=13)
    return getattr(pygal, kind)(style=style, js=[], disable_xml_declaration=True, width=800, height=height,
                                legend_at_bottom=True, truncate_legend=32, margin=16,
                                **options)


def charts(figures: dict, colours: dict, labels: dict[str, str]) -> list[Chart]:
    """The report's charts: awards over time per badge, status per badge, revocation reasons.
    `labels`: the words of the page (see statsreport.TEXTS and the theme's i18n)."""
    badges = figures["badges"]
    made = []

    # awards over time: per month over a short span, per year over a long one
    total = figures["total"]
    if not total["awards"]:
        return []
    periods = _continuous(sorted(total["per_month"]), True)
    by_month = len(periods) <= 24
    key = "per_month" if by_month else "per_year"
    if not by_month:
        periods = _continuous(sorted(total[key]), False)
    busiest = sorted((b for b in badges if badges[b]["awards"]), key=lambda b: (-badges[b]["awards"], b))
    shown, rest = busiest[:TOP_SERIES], busiest[TOP_SERIES:]
    series = [(badges[b]["name"], [badges[b][key].get(p, 0) for p in periods]) for b in shown]
    if rest:
        series.append((labels["other_badges"], [sum(badges[b][key].get(p, 0) for b in rest) for p in periods]))
    chart = _pygal_chart("StackedBar", colours, _palette(colours, len(series)), 420, x_label_rotation=-45 if by_month else 0)
    chart.x_labels = periods
    chart.y_labels = _ticks(max((total[key].get(p, 0) for p in periods), default=0))
    for name, values in series:
        chart.add(name, values)
    peak = max(periods, key=lambda p: total[key].get(p, 0)) if periods else None
    summary = labels["over_time_summary"].format(awards=total["awards"], periods=len(periods),
                                                 peak=peak or "-", peak_awards=total[key].get(peak, 0))
    made.append(Chart("over-time", labels["over_time_title"], summary, _svg(chart, "over-time", "over-time-title"),
                      [labels["period"]] + [name for name, _ in series] + [labels["total"]],
                      [[p] + [values[i] for _, values in series] + [total[key].get(p, 0)]
                       for i, p in enumerate(periods)]))

    # status per badge
    names = [badges[b]["name"] for b in badges]
    status_colours = [colours["ok"], colours["muted"], colours["bad"]]
    chart = _pygal_chart("HorizontalStackedBar", colours, status_colours, 120 + 26 * max(len(names), 3))
    chart.x_labels = [_short(name) for name in reversed(names)]  # pygal draws the first at the bottom
    chart.y_labels = _ticks(max((c["awards"] for c in badges.values()), default=0))
    for status in STATUSES:
        chart.add(labels[status], [badges[b][status] for b in reversed(badges)])
    summary = labels["status_summary"].format(badges=len(badges), active=total["active"], expired=total["expired"],
                                              revoked=total["revoked"])
    made.append(Chart("status", labels["status_title"], summary, _svg(chart, "status", "status-title"),
                      [labels["badge"]] + [labels[s] for s in STATUSES] + [labels["total"]],
                      [[badges[b]["name"]] + [badges[b][s] for s in STATUSES] + [badges[b]["awards"]] for b in badges]))

    # revocation reasons
    reasons = sorted(total["revocations"].items(), key=lambda item: (-item[1], item[0]))
    if reasons:
        chart = _pygal_chart("HorizontalBar", colours, [colours["bad"]], 120 + 30 * len(reasons), show_legend=False)
        chart.x_labels = [_short(reason) for reason, _ in reversed(reasons)]
        chart.y_labels = _ticks(reasons[0][1])
        chart.add(labels["revoked"], [n for _, n in reversed(reasons)])
        summary = labels["reasons_summary"].format(revoked=total["revoked"], reasons=len(reasons),
                                                   top=reasons[0][0], top_count=reasons[0][1])
        made.append(Chart("reasons", labels["reasons_title"], summary, _svg(chart, "reasons", "reasons-title"),
                          [labels["reason"], labels["revoked"]], [[reason, n] for reason, n in reasons]))
    return made


# -- HTML --------------------------------------------------------------------------------

def chart_labels(t) -> dict[str, str]:
    """The words the charts need, from the theme's texts (`t` is render's t())."""
    keys = ("other_badges", "over_time_title", "over_time_summary", "period", "total", "status_title",
            "status_summary", "badge", "active", "expired", "revoked", "reasons_title", "reasons_summary", "reason")
    return {key: t("stats_" + key) for key in keys}


def report(root: Path, config, figures: dict, templates=None) -> bytes:
    """The private report, one self-contained page: its styles inlined, its charts inline.
    `templates`: where compiled templates are kept (theme.Renderer)."""
    urls = Urls(config.base_url, config.language)
    renderer = Renderer(root, config.theme, urls, config.language,
                        {"config": config, "urls": urls, "version": __version__}, bytecode_cache=templates)
    css = renderer.static_files()["site.css"].read_text("utf-8")
    colours = theme_colours(root, config)

    def make_charts(t) -> list[Chart]:  # called by the template, with its texts
        return charts(figures, colours, chart_labels(t))

    return renderer.render("stats_report.html", "index.html", config.language, figures=figures,
                           make_charts=make_charts, css=Markup(css.replace("</", "<\\/")), alternates={})


def write_report(folder: Path, html: bytes) -> Path:
    """DIR/index.html, replaced whole (never half written)."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "index.html"
    tmp = folder / ".index.html.tmp"
    tmp.write_bytes(html)
    tmp.replace(target)
    return target


def public_pages(ctx: Context) -> list:
    """The stats/ page of the site in every language (with `stats: public`): counts only,
    small ones hidden (stats.public). Its date is the latest award or revocation, never
    the clock, so the same ledger gives the same page."""
    site, urls = ctx.site, ctx.urls
    facts = ctx.award_facts()
    today = dt.date.fromisoformat(ctx.tally.newest) if ctx.tally.newest else None
    figures = counting.public(counting.count(site.badges, facts, today or dt.date(1970, 1, 1)))
    made = []
    for language in site.config.languages:
        page = urls.stats_page(language)
        names = {b.id: b.in_language(language).name for b in site.badges.values()}
        made.append((page, ctx.renderer.deferred("stats.html", page, language, figures=figures, names=names,
                                                 today=today, alternates={l: urls.stats_page(l) for l in
                                                                          site.config.languages})))
    return made
