"""Copy the home page test's and the reader journey's screenshots into docs/screenshots/ for
the README: the top of each page, in 64 colours, so the committed files stay small."""

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
}


def main():
    TARGET.mkdir(parents=True, exist_ok=True)
    for name, (source, height) in PAGES.items():
        image = Image.open(SOURCE / f"{source}.png").convert("RGB")
        image = image.crop((0, 0, image.width, min(height, image.height)))
        image = image.quantize(colors=64, method=Image.Quantize.MEDIANCUT)
        image.save(TARGET / f"{name}.png", optimize=True)
        print(TARGET / f"{name}.png")


if __name__ == "__main__":
    main()
