"""Plotly figures as PNG through Kaleido and the system's Chromium, offline.

Kaleido 1.x drives a Chrome it finds through choreographer; we hand it the
Debian Chromium explicitly (TAIZHANG_CHROMIUM, else BROWSER_PATH, else the
first chromium on PATH) and switch MathJax off, whose default is a CDN URL:
nothing is fetched at run time. plotly.js comes from the plotly package.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
import io
import os
import shutil
import zipfile
from pathlib import Path

import plotly.graph_objects as go

WIDTH, HEIGHT = 1920, 1080
CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


class ChromiumMissing(Exception):
    """No Chromium to draw the charts with; the message says what to install."""


def chromium() -> str:
    for name in ("TAIZHANG_CHROMIUM", "BROWSER_PATH"):
        given = os.environ.get(name)
        if given:
            if Path(given).is_file():
                return given
            raise ChromiumMissing(f"{name}={given} is not a file; point it at Chromium or unset it.")
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise ChromiumMissing("Chart images need Chromium: install it with `apt-get install chromium` "
                          "(Debian/Ubuntu), or set TAIZHANG_CHROMIUM to a Chrome or Chromium binary.")


async def _render(figures: list[go.Figure], width: int, height: int, scale: float) -> list[bytes]:
    import kaleido

    options = {"format": "png", "width": width, "height": height, "scale": scale}
    async with kaleido.Kaleido(n=1, timeout=90, mathjax=False, path=chromium()) as k:
        return [await k.calc_fig(fig, opts=options) for fig in figures]


def pngs(figures: list[go.Figure], *, width: int = WIDTH, height: int = HEIGHT, scale: float = 1.0) -> list[bytes]:
    """Each figure as PNG bytes, drawn in one Chromium session."""
    if not figures:
        return []
    chromium()  # fail early with the clear message
    # a thread of its own: the caller may already run an event loop (Streamlit, Jupyter)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _render(figures, width, height, scale)).result()


def png(figure: go.Figure, **size) -> bytes:
    return pngs([figure], **size)[0]


def zip_pngs(named: dict[str, go.Figure], **size) -> bytes:
    """A .zip holding NAME.png for each figure."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in zip(named, pngs(list(named.values()), **size)):
            archive.writestr(f"{name}.png", data)
    return buffer.getvalue()
