"""Accessible PDF documents with fpdf2: real text, tagged, titled, in French, readable on a phone.

- Every block of text is marked content tied to a structure element (H1, H2, P, Figure): a screen
  reader follows the structure tree, and /MarkInfo says the document is tagged. A block never
  straddles a page (it starts on a new page when it would not fit), so each marked sequence
  stays on one page.
- The title is the document's, shown by viewers instead of the file name; the language is fr-FR.
- The fonts (DejaVu Sans, subset, under mespoints/data/fonts) are embedded: the text is text, in
  any viewer, and it can be searched, copied and read aloud. The page footer is an artifact.
- A5 portrait, one column, no wide table: on a phone a page fits the screen's width and the text
  stays readable without zooming sideways.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from fpdf import FPDF
from fpdf.prefs import ViewerPreferences

FONT_DIR = Path(__file__).resolve().parent.parent / "data" / "fonts"
FONT = "DejaVu"
INK = (22, 22, 22)
MUTED = (70, 70, 70)
ACCENT = (0, 0, 145)
BODY_SIZE = 10.5
SMALL_SIZE = 8.5
LINE = 1.45  # line height as a multiple of the font size (in mm)


class Document(FPDF):
    """One document: `heading`, `paragraph`, `pairs` and `figure` add tagged blocks in order."""

    def __init__(self, *, title: str, subject: str, footer_text: str) -> None:
        super().__init__(orientation="portrait", unit="mm", format=(148, 210))  # A5
        self.add_font(FONT, "", str(FONT_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
        self.set_title(title)
        self.set_subject(subject)
        self.set_author("Mes Points Permis")
        self.set_creator("Mes Points Permis")
        self.set_lang("fr-FR")
        self.viewer_preferences = ViewerPreferences(display_doc_title=True)
        self.set_margins(12, 10, 12)
        self.set_auto_page_break(True, margin=13)
        self.footer_text = footer_text
        self.set_text_color(*INK)
        self.add_page()

    # --- Tagging ---------------------------------------------------------------------------------

    @contextmanager
    def _tagged(self, struct_type: str, *, alt_text: str | None = None) -> Iterator[None]:
        """Marked content on this page, tied to a new structure element of that type."""
        mcid = self.struct_builder.next_mcid_for_page(self.page)
        self._add_marked_content(struct_type=f"/{struct_type}", mcid=mcid, alt_text=alt_text)
        self._out(f"/{struct_type} <</MCID {mcid}>> BDC")
        yield
        self._out("EMC")

    def _fit(self, height: float) -> None:
        """Starts a new page when a block of that height would not fit on this one."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def _text_height(self, text: str, size: float, bold: bool) -> float:
        self.set_font(FONT, "B" if bold else "", size)
        height = self.multi_cell(self.epw, size * LINE / 2.83, text, align="L", dry_run=True, output="HEIGHT")
        return float(height)  # type: ignore[arg-type]

    def footer(self) -> None:
        self._out("/Artifact BMC")
        self.set_y(-9)
        self.set_font(FONT, "", 7.5)
        self.set_text_color(*MUTED)
        self.cell(0, 4, f"{self.footer_text} – page {self.page_no()}", align="C")
        self.set_text_color(*INK)
        self._out("EMC")

    # --- Blocks ----------------------------------------------------------------------------------

    def _block(
        self,
        struct_type: str,
        text: str,
        *,
        size: float,
        bold: bool = False,
        colour: tuple[int, int, int] = INK,
        space: float = 1.5,
    ) -> None:
        height = self._text_height(text, size, bold)
        self._fit(height + space)
        with self._tagged(struct_type):
            self.set_font(FONT, "B" if bold else "", size)
            self.set_text_color(*colour)
            self.multi_cell(self.epw, size * LINE / 2.83, text, align="L", new_x="LMARGIN", new_y="NEXT")
            self.set_text_color(*INK)
        self.ln(space)

    def heading(self, text: str, level: int = 1) -> None:
        if level == 1:
            self._block("H1", text, size=15, bold=True, colour=ACCENT, space=2)
        else:
            self.ln(2)
            self._block("H2", text, size=12.5, bold=True, colour=ACCENT, space=1.5)

    def paragraph(
        self, text: str, *, bold: bool = False, small: bool = False, muted: bool = False, space: float = 1.5
    ) -> None:
        self._block(
            "P",
            text,
            size=SMALL_SIZE if small else BODY_SIZE,
            bold=bold,
            colour=MUTED if muted else INK,
            space=space,
        )

    def pairs(self, items: list[tuple[str, str]]) -> None:
        """« Label : value » lines, the label in bold, each its own paragraph. Written as plain
        text, never through fpdf2's markdown: a value comes from the national file, and markdown
        would turn « [texte](https://…) » in a name or a place into a link inside a signed document."""
        line_height = BODY_SIZE * LINE / 2.83
        for label, value in items:
            height = self._text_height(f"{label} : {value}", BODY_SIZE, False)
            self._fit(height + 0.5)
            with self._tagged("P"):
                self.set_x(self.l_margin)
                self.set_font(FONT, "B", BODY_SIZE)
                self.write(line_height, f"{label} : ")
                self.set_font(FONT, "", BODY_SIZE)
                self.write(line_height, value)
                self.ln(line_height)
            self.ln(0.5)

    def figure(self, png: bytes, *, width: float, alt_text: str) -> None:
        """An image (e.g. a QR code), centred, with its text alternative."""
        self._fit(width + 2)
        x = (self.w - width) / 2
        self.image(io.BytesIO(png), x=x, w=width, h=width, alt_text=alt_text)
        self.ln(2)

    def space(self, height: float) -> None:
        self.ln(height)

    def rule(self) -> None:
        self._fit(4)
        self._out("/Artifact BMC")
        self.set_draw_color(200, 200, 200)
        y = self.get_y() + 1
        self.line(self.l_margin, y, self.w - self.r_margin, y)
        self._out("EMC")
        self.ln(3)

    def render(self) -> bytes:
        return bytes(self.output())
