from django.db import migrations


def imported_orders_are_delivered(apps, schema_editor):
    """Imported history was settled long ago: its orders are delivered, not awaiting payment."""
    Order = apps.get_model("orders", "Order")
    Order.objects.filter(source="import").update(status="delivered")


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_web_orders_invoices")]

    operations = [
        migrations.RunPython(imported_orders_are_delivered, migrations.RunPython.noop),
    ]
