"""Editing the category tree: create, rename, move and reorder. The tree keeps two levels
(departments and their categories), so a category only moves under a department and a
department with categories stays at the top. Category labels are search terms of their
products, so a rename or a move re-indexes the products concerned (which also invalidates
the cached storefront)."""

from django.db import transaction
from django.db.models import Max, Q
from django.utils.translation import gettext as _

from orchestre.catalog.editing import check_slug, check_text
from orchestre.catalog.errors import SlugTaken
from orchestre.catalog.locks import lock_categories
from orchestre.catalog.models import Category, Product
from orchestre.catalog.services import index_products
from orchestre.core.audit import diff, record_change, snapshot
from orchestre.core.cache_versions import CATALOG, bump_version
from orchestre.core.errors import InvalidInput, NotFound

CATEGORY_FIELDS = (
    "name_fr",
    "name_en",
    "description_fr",
    "description_en",
    "slug",
    "parent",
    "position",
)


def _affected_product_ids(category: Category) -> list[int]:
    """The products whose index rows mention this category: its own and, for a department,
    those of its categories."""
    return list(
        Product.objects.filter(Q(category=category) | Q(category__parent=category)).values_list(
            "pk", flat=True
        )
    )


def _check_labels(errors: dict, **labels: str) -> dict[str, str]:
    cleaned = {}
    for field, value in labels.items():
        required = field.startswith("name_")
        max_length = 120 if required else 5_000
        cleaned[field] = check_text(errors, field, value, max_length=max_length, required=required)
    return cleaned


def _check_parent(errors: dict, parent_id: int | None, *, category: Category | None) -> None:
    if parent_id is None:
        return
    parent = Category.objects.filter(pk=parent_id).first()
    if parent is None:
        errors["parent"] = [_("Choose a department.")]
    elif parent.parent_id is not None:
        errors["parent"] = [_("Categories go inside a department, not inside a category.")]
    elif category is not None and parent.pk == category.pk:
        errors["parent"] = [_("A category cannot go inside itself.")]
    elif category is not None and category.children.exists():
        errors["parent"] = [_("This department has categories: it stays at the top level.")]


def _next_position(parent_id: int | None) -> int:
    last = Category.objects.filter(parent_id=parent_id).aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def create_category(
    *,
    actor,
    name_fr: str,
    name_en: str,
    slug: str,
    parent_id: int | None = None,
    description_fr: str = "",
    description_en: str = "",
) -> Category:
    """A new category (a department when `parent_id` is None), placed last among its
    siblings. Raises InvalidInput or SlugTaken; nothing is written then."""
    errors: dict[str, list[str]] = {}
    labels = _check_labels(
        errors,
        name_fr=name_fr,
        name_en=name_en,
        description_fr=description_fr,
        description_en=description_en,
    )
    slug = check_slug(errors, slug)
    _check_parent(errors, parent_id, category=None)
    if errors:
        raise InvalidInput(_("Please correct the errors below."), fields=errors)
    with transaction.atomic():
        if Category.objects.filter(slug=slug).exists():
            message = _("The address “%(slug)s” is already used by another category.") % {
                "slug": slug
            }
            raise SlugTaken(message, fields={"slug": [message]})
        category = Category.objects.create(
            slug=slug, parent_id=parent_id, position=_next_position(parent_id), **labels
        )
        record_change(
            actor=actor,
            action="category.created",
            target=category,
            changes=diff({}, snapshot(category, CATEGORY_FIELDS)),
        )
        bump_version(CATALOG)
    return category


def _locked_category(category_id: int) -> Category:
    if not lock_categories([category_id]):
        raise NotFound(_("No such category."), code="category_not_found")
    return Category.objects.get(pk=category_id)


def rename_category(
    *,
    actor,
    category_id: int,
    name_fr: str,
    name_en: str,
    description_fr: str | None = None,
    description_en: str | None = None,
) -> Category:
    """Change a category's labels (and descriptions when given) and re-index its products.
    Locks the category. Raises NotFound or InvalidInput."""
    errors: dict[str, list[str]] = {}
    given = {"name_fr": name_fr, "name_en": name_en}
    if description_fr is not None:
        given["description_fr"] = description_fr
    if description_en is not None:
        given["description_en"] = description_en
    labels = _check_labels(errors, **given)
    if errors:
        raise InvalidInput(_("Please correct the errors below."), fields=errors)
    with transaction.atomic():
        category = _locked_category(category_id)
        before = snapshot(category, CATEGORY_FIELDS)
        for field, value in labels.items():
            setattr(category, field, value)
        category.save()
        changes = diff(before, snapshot(category, CATEGORY_FIELDS))
        if changes:
            record_change(actor=actor, action="category.renamed", target=category, changes=changes)
        index_products(_affected_product_ids(category))
        bump_version(CATALOG)  # also when the category has no product yet
    return category


def move_category(*, actor, category_id: int, parent_id: int | None) -> Category:
    """Put a category under another department (or at the top level when None), last among
    its new siblings, and re-index its products (their department changed). Raises
    NotFound or InvalidInput."""
    with transaction.atomic():
        category = _locked_category(category_id)
        errors: dict[str, list[str]] = {}
        _check_parent(errors, parent_id, category=category)
        if errors:
            raise InvalidInput(_("Please correct the errors below."), fields=errors)
        if category.parent_id == parent_id:
            return category
        before = snapshot(category, CATEGORY_FIELDS)
        category.parent_id = parent_id
        category.position = _next_position(parent_id)
        category.save()
        record_change(
            actor=actor,
            action="category.moved",
            target=category,
            changes=diff(before, snapshot(category, CATEGORY_FIELDS)),
        )
        index_products(_affected_product_ids(category))
        bump_version(CATALOG)
    return category


def reorder_category(*, actor, category_id: int, offset: int) -> Category:
    """Move a category `offset` places among its siblings (-1: one up, 1: one down),
    renumbering the siblings 0, 1, 2… Locks the siblings. Raises NotFound or InvalidInput."""
    if offset not in (-1, 1):
        raise InvalidInput(_("Move one place up or down."), code="invalid_offset")
    with transaction.atomic():
        category = Category.objects.filter(pk=category_id).first()
        if category is None:
            raise NotFound(_("No such category."), code="category_not_found")
        siblings_ids = Category.objects.filter(parent_id=category.parent_id).values_list(
            "pk", flat=True
        )
        lock_categories(list(siblings_ids))
        siblings = list(
            Category.objects.filter(parent_id=category.parent_id).order_by("position", "slug")
        )
        index = next(i for i, sibling in enumerate(siblings) if sibling.pk == category.pk)
        target = index + offset
        if not 0 <= target < len(siblings):
            return siblings[index]
        before = siblings[index].position
        siblings.insert(target, siblings.pop(index))
        for position, sibling in enumerate(siblings):
            if sibling.position != position:
                sibling.position = position
                sibling.save(update_fields=["position"])
        moved = siblings[target]
        record_change(
            actor=actor,
            action="category.reordered",
            target=moved,
            changes={"position": [before, moved.position]},
        )
        bump_version(CATALOG)
    return moved
