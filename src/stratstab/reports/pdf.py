"""HTML to PDF through the system's chromium (headless ``--print-to-pdf``).

Debian's ``chromium`` package is the converter (``apt-get install chromium``);
``chromium-browser`` and ``google-chrome`` are accepted where a distribution names it
so.  Nothing is downloaded.  The page is printed from a local file in a private
temporary profile with networking off, so a report never fetches anything while it
prints; its own ``@media print`` rules decide the layout.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from stratstab.errors import StratstabError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
MISSING_MESSAGE = (
    "PDF output needs chromium, which is not installed (Debian/Ubuntu: "
    "`apt-get install chromium`); the HTML report prints to PDF from any browser"
)


class PdfUnavailable(StratstabError):
    """No converter is installed, or it failed; the message says which and what to do."""

    http_status = 503


def find_chromium() -> str | None:
    """The path of an installed chromium, or ``None``."""
    for name in CHROMIUM_NAMES:
        if path := shutil.which(name):
            return path
    return None


def pdf_converter() -> list[str] | None:
    """The command prefix of the HTML-to-PDF converter, or ``None`` when none is installed."""
    path = find_chromium()
    if path is None:
        return None
    return [
        path,
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]


def print_to_pdf(html_path: Path, pdf_path: Path, *, timeout_s: float = 60.0) -> None:
    """Print the HTML file ``html_path`` to ``pdf_path``; :class:`PdfUnavailable` on failure."""
    command = pdf_converter()
    if command is None:
        raise PdfUnavailable(MISSING_MESSAGE)
    with tempfile.TemporaryDirectory(prefix="stratstab-pdf-") as profile:
        try:
            subprocess.run(
                [
                    *command,
                    f"--user-data-dir={profile}",
                    f"--print-to-pdf={pdf_path}",
                    "--no-pdf-header-footer",
                    html_path.resolve().as_uri(),
                ],
                check=True,
                capture_output=True,
                timeout=timeout_s,
            )
        except subprocess.TimeoutExpired:
            raise PdfUnavailable(f"chromium did not print the PDF within {timeout_s:g} s") from None
        except (subprocess.SubprocessError, OSError) as exc:
            raise PdfUnavailable(f"chromium could not print the PDF: {exc}") from None
    if not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise PdfUnavailable("chromium ran but wrote no PDF")


def html_to_pdf(html: str, *, timeout_s: float = 60.0) -> bytes:
    """The PDF of a self-contained HTML document, as bytes."""
    with tempfile.TemporaryDirectory(prefix="stratstab-report-") as folder:
        source, target = Path(folder) / "report.html", Path(folder) / "report.pdf"
        source.write_text(html, encoding="utf-8")
        print_to_pdf(source, target, timeout_s=timeout_s)
        return target.read_bytes()
