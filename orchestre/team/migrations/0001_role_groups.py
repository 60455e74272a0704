from django.db import migrations

ROLE_CODES = (
    "digital-manager",
    "ecommerce-manager",
    "business-analyst",
    "marketing-manager",
    "content-editor",
    "developer-tester",
    "logistics-manager",
    "inventory-manager",
    "customer-service",
)


def create_groups(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    for code in ROLE_CODES:
        group_model.objects.get_or_create(name=code)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_CODES).delete()


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, delete_groups)]
