from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def sort_header(listing, key: str, label: str, numeric: bool = False):
    """A column header that sorts the list by `key`, telling assistive technology the
    current order (aria-sort)."""
    state = listing.sort_state(key)
    css = "number" if numeric else ""
    arrow = {"ascending": " ▲", "descending": " ▼"}.get(state, "")
    return format_html(
        '<th scope="col" class="{}" aria-sort="{}"><a href="?{}">{}<span aria-hidden="true">{}'
        "</span></a></th>",
        css,
        state or "none",
        listing.querystring_for_sort(key),
        label,
        arrow,
    )


@register.filter
def audit_value(value):
    """An audit before/after value as short text."""
    if value is None or value == "":
        return "—"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)


@register.inclusion_tag("console/_menu.html", takes_context=True)
def console_menu(context):
    from orchestre.console.navigation import menu_for

    return {"items": menu_for(context["request"])}
