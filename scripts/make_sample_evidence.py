"""Make the sample evidence folder in samples/evidence (run once; the output is committed).

The files stand in for what a real user saves: a screenshot of the phone's call log, a chat
transcript, the carrier's confirmation email and a bill.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen import canvas

OUT = Path(__file__).resolve().parent.parent / "samples" / "evidence"
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"


def screenshot(path: Path) -> None:
    image = Image.new("RGB", (390, 520), "white")
    draw = ImageDraw.Draw(image)
    try:
        font = ImageFont.truetype(FONT, 18)
        small = ImageFont.truetype(FONT, 14)
    except OSError:
        font = small = ImageFont.load_default()
    draw.rectangle((0, 0, 390, 60), fill=(240, 240, 245))
    draw.text((20, 18), "最近通话 Recents", fill="black", font=font)
    rows = [
        ("Example Mobile 客服", "(800) 555-0199", "11月20日 14:30", "23分钟"),
        ("Example Mobile 客服", "(800) 555-0199", "11月18日 09:12", "4分钟"),
        ("妈妈", "+86 138 0013 8000", "11月17日 20:05", "31分钟"),
    ]
    for index, (name, number, when, length) in enumerate(rows):
        top = 80 + index * 90
        draw.text((20, top), name, fill="black", font=font)
        draw.text((20, top + 28), number, fill=(90, 90, 90), font=small)
        draw.text((230, top), when, fill=(90, 90, 90), font=small)
        draw.text((230, top + 28), length, fill=(90, 90, 90), font=small)
        draw.line((20, top + 70, 370, top + 70), fill=(220, 220, 220))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    path.write_bytes(buffer.getvalue())


def bill(path: Path) -> None:
    pdf = canvas.Canvas(str(path), pagesize=LETTER, invariant=1)
    pdf.setTitle("Example Mobile statement, November 2026")
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawString(72, 720, "Example Mobile — Monthly Statement")
    pdf.setFont("Helvetica", 11)
    lines = [
        "Account: ACC-889977        Statement date: November 15, 2026",
        "Line: (415) 555-0188",
        "",
        "Prepaid plan renewal (Nov 15 - Dec 14)          $25.00",
        "Regulatory fees                                  $1.35",
        "Payment received (autopay, card ending 4242)   -$26.35",
        "",
        "Remaining prepaid balance                       $12.50",
    ]
    for index, line in enumerate(lines):
        pdf.drawString(72, 680 - 18 * index, line)
    pdf.showPage()
    pdf.save()


CHAT = """\
Example Mobile online chat — transcript
Reference: CHAT-77810
2026-11-21 10:05 PST

Mike (Example Mobile): Hi, this is Mike. How can I help you today?
Xiaoming Wang: I want to close my account ACC-889977 for the number (415) 555-0188.
Mike (Example Mobile): I can help with that. Account closures must be requested in writing,
  by email to care@example-mobile.com or by mail to PO Box 1000, Dallas, TX 75201.
Xiaoming Wang: What happens to my remaining balance of $12.50?
Mike (Example Mobile): Prepaid balances are not refundable under our terms of service.
Xiaoming Wang: Please note that I asked for a refund anyway. Thank you.
Mike (Example Mobile): Noted. Is there anything else I can help you with?
"""

CONFIRMATION = """\
From: Example Mobile <no-reply@example-mobile.com>
To: Xiaoming Wang <xm.wang@example.com>
Subject: We received your request (case CS-12345)
Date: Fri, 20 Nov 2026 15:02:11 -0800
Message-ID: <cs-12345-ack@example-mobile.com>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 7bit

Hello Xiaoming,

We received your request about account ACC-889977 (case CS-12345).
To close the account, please send a written request to care@example-mobile.com
or to Example Mobile Customer Care, PO Box 1000, Dallas, TX 75201.

Example Mobile Customer Care
"""


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    screenshot(OUT / "call-log-2026-11-20.png")
    (OUT / "chat-2026-11-21.txt").write_text(CHAT, encoding="utf-8")
    (OUT / "confirmation-CS-12345.eml").write_text(CONFIRMATION, encoding="utf-8", newline="\r\n")
    bill(OUT / "bill-2026-11.pdf")


if __name__ == "__main__":
    main()
