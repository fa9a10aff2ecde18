"""Cost of the printable letter: PDF and DOCX per letter, and a cold start, as ratios.

    python bench/bench_letter.py [--batch 200] [--runs 5]

Baselines are measured in the same run, because these machines are noisy:

- raw reportlab: the same letter set with platypus Paragraphs (escaped text, CJK wrapping for
  Chinese) in the same fonts: what reportlab costs without our line breaking, layout,
  envelope page and fidelity check. Goal: letters within 1.3x of it.
- raw docxtpl: the same layout template rendered with docxtpl's defaults: without the
  sandbox, the zip rewrite and the fidelity check. Goal: within 1.3x.
- Chinese against English, per medium. Goal: within 1.3x.
- cold start: one PDF and one DOCX from a case file in a fresh interpreter, against a fresh
  interpreter that only imports reportlab and docxtpl.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from letters.case import load_case  # noqa: E402
from letters.content import Letter, render_letter  # noqa: E402
from letters.fidelity import printed_lines  # noqa: E402
from letters.render.docx import _context, render_docx  # noqa: E402
from letters.render.pdf import _every_text, _typeface, render_pdf  # noqa: E402

DAY = date(2026, 11, 24)
CASES = {"en": "case-en.toml", "zh-CN": "case-zh-CN.toml"}


def per_letter(works: dict[str, Callable[[], object]], batch: int, runs: int) -> dict[str, float]:
    """Return each work's median time per letter over `runs` batches of `batch`.

    The works take turns, batch after batch, so a busy moment of the machine falls on all
    of them alike.
    """
    times: dict[str, list[float]] = {what: [] for what in works}
    for _ in range(runs):
        for what, work in works.items():
            start = time.perf_counter()
            for _ in range(batch):
                work()
            times[what].append((time.perf_counter() - start) / batch)
    return {what: statistics.median(values) for what, values in times.items()}


def raw_reportlab(letter: Letter) -> Callable[[], bytes]:
    """Return a function that sets the same letter with plain reportlab platypus."""
    from reportlab.lib.pagesizes import LETTER
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    type_, _note = _typeface(letter.language, _every_text(letter), None, letter.holder_language)
    chinese = letter.language != "en"
    style = ParagraphStyle(
        "letter",
        fontName=type_.main,
        fontSize=12 if chinese else 11,
        leading=18 if chinese else 13.75,
        wordWrap="CJK" if chinese else None,
    )
    lines = [*letter.sender_block, *letter.recipient_block, *printed_lines(letter).values()]

    def render() -> bytes:
        buffer = io.BytesIO()
        document = SimpleDocTemplate(buffer, pagesize=LETTER, invariant=1)
        story = []
        for line in lines:
            story += [Paragraph(escape(line), style), Spacer(1, 4)]
        document.build(story)
        return buffer.getvalue()

    return render


def raw_docxtpl(letter: Letter) -> Callable[[], bytes]:
    """Return a function that renders the same layout template with docxtpl's defaults."""
    from docxtpl import DocxTemplate

    template = ROOT / "templates" / "standard" / "docx" / f"{letter.language}.docx"
    context = _context(letter)

    def render() -> bytes:
        document = DocxTemplate(str(template))
        document.render(context, autoescape=True)
        buffer = io.BytesIO()
        document.save(buffer)
        return buffer.getvalue()

    return render


def cold(code: str, runs: int) -> float:
    """Return the median wall time of a fresh interpreter running `code`."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, cwd=ROOT)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()
    batch, runs = options.batch, options.runs

    figures: dict[str, dict[str, float]] = {}
    for language, name in CASES.items():
        case = load_case(ROOT / "samples" / name)
        letter = render_letter(case, "request", language, DAY)
        works = {
            "letters pdf": partial(render_pdf, letter, envelope=None),
            "raw reportlab": raw_reportlab(letter),
            "letters docx": partial(render_docx, letter),
            "raw docxtpl": raw_docxtpl(letter),
        }
        for work in works.values():
            work()  # warm up: fonts loaded, templates cached
        figures[language] = per_letter(works, batch, runs)

    # What embedding a Chinese font costs: the same letter with the built-in CID font.
    from letters.render import fonts

    installed = fonts.candidates
    fonts.candidates = lambda language: iter(())  # type: ignore[assignment]
    builtin = partial(render_pdf, letter, envelope=None)
    builtin()
    figures["zh-CN"].update(per_letter({"letters pdf, built-in CID font": builtin}, batch, runs))
    fonts.candidates = installed  # type: ignore[assignment]

    print(f"per letter, median of {runs} batches of {batch}:")
    for language, rows in figures.items():
        for what, seconds in rows.items():
            print(f"  {language:6} {what:31} {seconds * 1000:7.2f} ms")
    print()
    goals = []
    for language, rows in figures.items():
        for ours, raw in (("letters pdf", "raw reportlab"), ("letters docx", "raw docxtpl")):
            ratio = rows[ours] / rows[raw]
            goals.append(ratio <= 1.3)
            print(f"{language:6} {ours} / {raw}: {ratio:5.2f}x (goal <= 1.3x)")
    for medium in ("letters pdf", "letters docx"):
        ratio = figures["zh-CN"][medium] / figures["en"][medium]
        goals.append(ratio <= 1.3)
        print(f"zh-CN / en, {medium}: {ratio:5.2f}x (goal <= 1.3x)")
    zh, en = figures["zh-CN"], figures["en"]
    raw = zh["raw reportlab"] / en["raw reportlab"]
    builtin_ratio = zh["letters pdf, built-in CID font"] / en["letters pdf"]
    print(f"  for reference: raw reportlab zh-CN / en {raw:.2f}x;")
    print(f"  letters zh-CN with the built-in font (nothing embedded) / en {builtin_ratio:.2f}x")

    letter_call = (
        "from pathlib import Path; from datetime import date\n"
        "from letters.case import load_case; from letters.content import render_letter\n"
        "from letters.render.pdf import render_pdf; from letters.render.docx import render_docx\n"
        "case = load_case(Path('samples/case-zh-CN.toml'))\n"
        "letter = render_letter(case, 'request', None, date(2026, 11, 24))\n"
        "render_pdf(letter); render_docx(letter)\n"
    )
    bare = cold("import reportlab.pdfgen.canvas, docxtpl", runs * 3)
    ours = cold(letter_call, runs * 3)
    print(
        f"\ncold start: letter (PDF + DOCX, zh-CN) {ours * 1000:.0f} ms, bare import of "
        f"reportlab and docxtpl {bare * 1000:.0f} ms: {ours / bare:.2f}x"
    )
    print(f"per-letter goals: {'met' if all(goals) else 'NOT all met'}")


if __name__ == "__main__":
    main()
