"""docs/data-import.md shows the keyword rules and attribute words of the code; these
tests keep the two equal. After changing the code, paste the output of the matching
``*_table(s)()`` function between the markers of the page."""

import re
from pathlib import Path

from orchestre.ops.online_retail import attributes, classification

DOCS = Path(__file__).resolve().parents[3] / "docs" / "data-import.md"


def tree_table() -> str:
    departments = {department.slug: department for department in classification.DEPARTMENTS}
    rows = [
        f"| {departments[leaf.parent].name_en} / {departments[leaf.parent].name_fr} | "
        f"{leaf.name_en} / {leaf.name_fr} | `{leaf.slug}` |"
        for leaf in classification.LEAVES
    ]
    return "\n".join(["| department | category | slug |", "| --- | --- | --- |", *rows])


def rules_table() -> str:
    leaves = {leaf.slug: leaf for leaf in classification.LEAVES}
    rows = [
        f"| {number} | {', '.join(keywords)} | "
        f"{leaves[slug].name_en} / {leaves[slug].name_fr} (`{slug}`) |"
        for number, (keywords, slug) in enumerate(classification.RULES, 1)
    ]
    return "\n".join(["| # | keywords | category (slug) |", "| --- | --- | --- |", *rows])


def attributes_tables() -> str:
    tables = []
    for title, values in (("colour", attributes.COLOURS), ("material", attributes.MATERIALS)):
        rows = [
            f"| `{value.code}` | {value.name_fr} / {value.name_en} | {', '.join(value.keywords)} |"
            for value in values
        ]
        tables.append(
            "\n".join([f"| {title} | fr / en | words in the name |", "| --- | --- | --- |", *rows])
        )
    return "\n\n".join(tables)


def section(name: str) -> str:
    match = re.search(rf"<!-- {name}:start -->\n(.*?)\n<!-- {name}:end -->", DOCS.read_text(), re.S)
    assert match, f"docs/data-import.md lacks the {name} markers"
    return match.group(1)


def test_the_documented_category_tree_is_the_code():
    assert section("tree") == tree_table()


def test_the_documented_keyword_rules_are_the_code():
    assert section("rules") == rules_table()


def test_the_documented_attribute_words_are_the_code():
    assert section("attributes") == attributes_tables()
