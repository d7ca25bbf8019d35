"""What tagging (PDF/UA-1) costs a render: WeasyPrint alone, with and without the variant.

``bench/pdf.py`` measures whole requests on a shared machine, where the load of other
work moves its figures more than tagging does. This renders the same documents — one
item-sized section and an 11-section pack-sized one, Concord's print stylesheet,
headings, paragraphs, lists and tables — alternately untagged and with
``pdf_variant="pdf/ua-1"`` (``assets.pdf.render.PDF_VARIANT``), so load affects both
alike, and reports min and median of each.

Usage::

    .venv/bin/python bench/pdf_tagging.py [--runs 9]
"""

import argparse
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = (
    "Two in three patients choose the home-based program with weekly video check-ins, "
    "and most referred patients start cardiac rehabilitation within ten days."
)


def section(number):
    rows = "".join(
        f"<tr><td>Program {row}</td><td>{row * 3} weeks</td>"
        f"<td>CARD-OP-2026-00{row:02d} v1</td></tr>"
        for row in range(6)
    )
    items = "".join(f"<li>Key message {item}: {SENTENCE}</li>" for item in range(5))
    paragraphs = "".join(f"<p>{SENTENCE}</p>" for _ in range(6))
    return (
        '<section class="pack-section"><header class="doc-header">'
        '<p class="eyebrow">One-pager · Cardiology</p>'
        f'<h1>Section {number}</h1><p class="summary">What it is and when to use it.</p>'
        f"</header><h2>Why it matters</h2>{paragraphs}<h2>Key messages</h2><ul>{items}</ul>"
        '<h2>Programs</h2><table><thead><tr><th scope="col">Program</th>'
        '<th scope="col">Length</th><th scope="col">Approval</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>"
    )


def document(sections):
    css = (ROOT / "templates" / "pdf" / "print.css").read_text()
    body = "".join(section(number) for number in range(sections))
    return (
        '<!DOCTYPE html><html lang="en-us"><head><meta charset="utf-8"><title>Bench</title>'
        f'<style>{css}</style></head><body class="layout-pack"><div class="doc-meta" '
        'data-org="Org" data-title="Bench" data-notice="Internal use only"></div>'
        f"{body}</body></html>"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    import weasyprint

    for name, sections in (("one section", 1), ("pack, 11 sections", 11)):
        html = document(sections)
        times = {None: [], "pdf/ua-1": []}
        for _ in range(args.runs):
            for variant, values in times.items():
                started = time.perf_counter()
                weasyprint.HTML(string=html, base_url="http://testserver/").write_pdf(
                    pdf_variant=variant
                )
                values.append(time.perf_counter() - started)
        pages = len(weasyprint.HTML(string=html).render().pages)
        for variant, values in times.items():
            print(
                f"{name:18} ({pages:2} pages) {variant or 'untagged':9} "
                f"min {min(values) * 1000:6.0f} ms  "
                f"median {statistics.median(values) * 1000:6.0f} ms"
            )


if __name__ == "__main__":
    main()
