"""Checkout endpoints."""

from ninja import Router

router = Router(tags=["checkout"])
