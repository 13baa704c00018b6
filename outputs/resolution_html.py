"""The resolution table as one self-contained HTML page (no external resources).

Search box and disposition filter in a small inline script (a link may preset them:
`resolution.html?q=ILO&disposition=Pending`); bar charts are inline SVG computed here. Autoescaping is on: reviewers' text is never markup.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..models.resolution import rows_by_section, DISPOSITIONS, ROUND_STATUSES, ResolutionTable
from .files import write_atomic

BAR_WIDTH = 320  # px for the longest bar
BAR_HEIGHT = 18
LABEL_WIDTH = 260
LABEL_CHARS = 40

# The page's only script; the Content-Security-Policy allows it by hash and nothing else.
SCRIPT = """
(function () {
  var q = document.getElementById("q"), d = document.getElementById("disposition");
  var shown = document.getElementById("shown");
  function apply() {
    var text = q.value.trim().toLowerCase(), want = d.value, n = 0;
    document.querySelectorAll("tbody.section").forEach(function (tb) {
      var any = false;
      tb.querySelectorAll("tr.row").forEach(function (tr) {
        var ok = (!want || tr.dataset.disposition === want) &&
                 (!text || tr.textContent.toLowerCase().indexOf(text) >= 0);
        tr.hidden = !ok;
        if (ok) { any = true; n += 1; }
      });
      tb.hidden = !any;
    });
    shown.textContent = n;
  }
  var given = new URLSearchParams(window.location.search);  // ?q=...&disposition=... links
  if (given.has("q")) { q.value = given.get("q"); }
  if (given.has("disposition")) { d.value = given.get("disposition"); }
  q.addEventListener("input", apply);
  d.addEventListener("change", apply);
  apply();
  document.body.setAttribute("data-filter", "ready");
})();
"""

_ENV = Environment(
    loader=FileSystemLoader(Path(__file__).with_name("templates")),
    autoescape=select_autoescape(["html", "j2"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_resolution_html(table: ResolutionTable) -> str:
    """The page as a string."""
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode()).digest()).decode()
    documents = []
    for key in table.document_keys():
        rows = table.rows_for(key)
        sections = rows_by_section(rows)
        documents.append({
            "key": key,
            "title": table.documents.get(key) or key,
            "count": len(rows),
            "sections": sections,
            "chart": _bars(Counter({s: len(r) for s, r in sections.items()})),
        })
    dispositions = Counter(r.disposition or "(blank)" for r in table.rows)
    order = list(DISPOSITIONS) + sorted(set(dispositions) - set(DISPOSITIONS))
    return _ENV.get_template("resolution.html.j2").render(
        title=table.title,
        total=len(table.rows),
        documents=documents,
        disposition_counts=[(d, dispositions[d]) for d in order if dispositions[d]],
        filter_options=order,
        constituency_chart=_bars(_most_first(Counter(r.constituency or "(none)" for r in table.rows))),
        disposition_chart=_bars(Counter({d: dispositions[d] for d in order if dispositions[d]})),
        round_counts=_round_counts(table),
        script=Markup(SCRIPT),
        csp=f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'",
    )


def _round_counts(table: ResolutionTable) -> list[tuple[str, int]]:
    """Rows per round status, for a later round only (empty when every row is new)."""
    counts = Counter(r.round_status for r in table.rows if r.round_status)
    if not set(counts) - {"new"}:
        return []
    return [(s, counts[s]) for s in ROUND_STATUSES if counts[s]]


def write_resolution_html(table: ResolutionTable, path: str | Path) -> Path:
    """Write the page (UTF-8)."""
    path = Path(path)
    write_atomic(path, render_resolution_html(table).encode("utf-8"))
    return path


def _most_first(counts: Counter) -> Counter:
    """Largest count first, ties by name (insertion order of the arrivals would look random)."""
    return Counter(dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))))


def _bars(counts: Counter) -> dict:
    """Geometry of a horizontal bar chart, in the counter's insertion order."""
    top = max(counts.values(), default=0) or 1
    bars = []
    for i, (label, count) in enumerate(counts.items()):
        short = label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"
        bars.append({
            "label": short,
            "full": label,
            "count": count,
            "y": i * (BAR_HEIGHT + 4),
            "width": max(1, round(BAR_WIDTH * count / top)) if count else 0,
        })
    return {
        "bars": bars,
        "bar_height": BAR_HEIGHT,
        "label_width": LABEL_WIDTH,
        "width": LABEL_WIDTH + BAR_WIDTH + 50,
        "height": max(1, len(bars)) * (BAR_HEIGHT + 4),
    }
