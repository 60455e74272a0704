"""Superuser data fixes of the delivery offer (zones, methods and their rates)."""

from django.contrib import admin

from orchestre.shipping.models import DeliveryMethod, DeliveryRate, DeliveryZone


class DeliveryRateInline(admin.TabularInline):
    model = DeliveryRate
    extra = 0
    fields = ["zone", "max_weight_grams", "min_order_value", "price", "free_above"]


@admin.register(DeliveryZone)
class DeliveryZoneAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en", "is_rest_of_world", "position"]


@admin.register(DeliveryMethod)
class DeliveryMethodAdmin(admin.ModelAdmin):
    list_display = ["code", "kind", "name_fr", "carrier", "min_days", "max_days", "is_active"]
    list_filter = ["kind", "is_active"]
    inlines = [DeliveryRateInline]
