"""Product pictures drawn on the fly: the shop's data has no photographs, so each product
gets a small SVG from what is known about it. The department chooses the colour and the
background pattern, the category a simple shape (both by their position in the shop), the
product its initials and short name. Same product, same picture, byte for byte (so its ETag
is stable)."""

import hashlib
import math

from django.utils.html import escape

from orchestre.catalog.models import Category, Product

SIZE = 240
SHORT_NAME_LENGTH = 24

# Dark enough for white text at 4.5:1 or more (WCAG AA), distinct from one another.
COLOURS = (
    "#8c2f39",
    "#1f4e79",
    "#2f6b4f",
    "#5b3a8c",
    "#9a4a12",
    "#0f5b63",
    "#a12a5e",
    "#3d4a5c",
)

# Background patterns, drawn in one 24 × 24 tile.
PATTERNS = (
    '<circle cx="12" cy="12" r="3"/>',
    '<path d="M0 24L24 0" stroke="#fff" stroke-width="5"/>',
    '<path d="M0 12h24M12 0v24" stroke="#fff" stroke-width="2"/>',
    '<path d="M0 0h12v12H0zM12 12h12v12H12z"/>',
    '<path d="M0 18q6-8 12 0t12 0" fill="none" stroke="#fff" stroke-width="3"/>',
    '<path d="M12 4l8 8-8 8-8-8z"/>',
)


def _star() -> str:
    points = []
    for index in range(10):
        radius = 34 if index % 2 == 0 else 14
        angle = math.pi * index / 5 - math.pi / 2
        points.append(f"{round(radius * math.cos(angle))} {round(radius * math.sin(angle))}")
    return "M" + "L".join(points) + "Z"


def _hexagon() -> str:
    points = [
        f"{round(32 * math.cos(math.pi * index / 3))} {round(32 * math.sin(math.pi * index / 3))}"
        for index in range(6)
    ]
    return "M" + "L".join(points) + "Z"


# Category shapes, centred on (0, 0), about 64 units across.
SHAPES = (
    "M-30 0a30 30 0 1 0 60 0a30 30 0 1 0-60 0Z",
    "M0-34L34 0L0 34L-34 0Z",
    "M0-32L32 26H-32Z",
    _star(),
    "M0 30C-44 2-28-32 0-12C28-32 44 2 0 30Z",
    _hexagon(),
    "M-28-28h56v56h-56Z",
    "M-10-32h20v22h22v20h-22v22h-20v-22h-22v-20h22Z",
    "M0-34C18-10 28 2 28 10a28 28 0 0 1-56 0c0-8 10-20 28-44Z",
    "M8-32a32 32 0 1 0 24 48a26 26 0 1 1-24-48Z",
)


def _pick(options: tuple[str, ...], category: Category) -> str:
    """By position in the shop's order, so that neighbouring departments (and categories)
    never look alike."""
    return options[category.position % len(options)]


def initials(name: str) -> str:
    letters = [word[0] for word in name.split() if word[:1].isalpha()]
    return "".join(letters[:2]).upper() or "?"


def short_name(name: str) -> str:
    words = name.split()
    short = ""
    for word in words:
        candidate = f"{short} {word}".strip()
        if len(candidate) > SHORT_NAME_LENGTH:
            return (short or word[: SHORT_NAME_LENGTH - 1]) + "…"
        short = candidate
    return short


def product_svg(product: Product) -> str:
    """The picture of `product` (its category and department loaded), under 2 KB."""
    category = product.category
    department = category.parent or category
    colour = _pick(COLOURS, department)
    pattern = _pick(PATTERNS, department)
    shape = _pick(SHAPES, category)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{SIZE}" height="{SIZE}" '
        f'viewBox="0 0 {SIZE} {SIZE}" role="img" aria-labelledby="t">'
        f'<title id="t">{escape(product.name)}</title>'
        '<defs><pattern id="p" width="24" height="24" patternUnits="userSpaceOnUse">'
        f'<g fill="#fff" opacity=".14">{pattern}</g></pattern></defs>'
        f'<rect width="{SIZE}" height="{SIZE}" fill="{colour}"/>'
        f'<rect width="{SIZE}" height="{SIZE}" fill="url(#p)"/>'
        f'<path d="{shape}" fill="#fff" opacity=".9" transform="translate(120 78)"/>'
        '<g fill="#fff" font-family="system-ui,sans-serif" text-anchor="middle">'
        '<text x="120" y="168" font-size="44" font-weight="700">'
        f"{escape(initials(product.name))}</text>"
        f'<text x="120" y="206" font-size="16">{escape(short_name(product.name))}</text>'
        "</g></svg>"
    )


def svg_etag(svg: str) -> str:
    return '"' + hashlib.sha256(svg.encode()).hexdigest()[:20] + '"'
