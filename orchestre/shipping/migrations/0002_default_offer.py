from django.db import migrations


def install_offer(apps, schema_editor):
    from orchestre.shipping.offer import install_default_offer

    install_default_offer(apps)


def remove_offer(apps, schema_editor):
    apps.get_model("shipping", "DeliveryRate").objects.all().delete()
    apps.get_model("shipping", "DeliveryMethod").objects.all().delete()
    apps.get_model("shipping", "DeliveryZone").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("shipping", "0001_delivery_offer_models"),
    ]

    operations = [migrations.RunPython(install_offer, remove_offer)]
