"""Carts endpoints."""

from ninja import Router

router = Router(tags=["carts"])
