"""Copy the browser tests' screenshots (the home page, the reader journey, the editor's desk
and the article form) into docs/screenshots/ for the README: the top of each page, in 64
colours, so the committed files stay small. Name README images to copy only those."""

import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "test-artifacts" / "screenshots"
TARGET = ROOT / "docs" / "screenshots"
# README name: (journey screenshot, height kept in pixels)
PAGES = {
    "home-desktop": ("home-page-1280", 1100),
    "home-phone": ("home-page-390", 1300),
    "article-desktop": ("journey-reader-article-desktop", 1100),
    "article-phone": ("journey-reader-article-phone", 1500),
    "desk-desktop": ("admin-desk-1280", 900),
    "article-form-desktop": ("admin-article-form-1280", 1000),
}


def main(names):
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in names:
        source, height = PAGES[name]
        image = Image.open(SOURCE / f"{source}.png").convert("RGB")
        image = image.crop((0, 0, image.width, min(height, image.height)))
        image = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        image.save(TARGET / f"{name}.png", optimize=True)
        print(TARGET / f"{name}.png")


if __name__ == "__main__":
    main(sys.argv[1:] or PAGES)
