from ninja import NinjaAPI

from orchestre.api.carts import router as carts_router
from orchestre.api.catalog import router as catalog_router
from orchestre.api.checkout import router as checkout_router
from orchestre.api.errors import register_error_handlers
from orchestre.api.orders import router as orders_router
from orchestre.api.payments import router as payments_router
from orchestre.api.staff_fulfilment import router as staff_fulfilment_router
from orchestre.api.staff_returns import router as staff_returns_router
from orchestre.api.staff_stock import router as staff_stock_router
from orchestre.api.staff_support import router as staff_support_router
from orchestre.api.staff_team import router as staff_team_router

api = NinjaAPI(
    title="Orchestre API",
    version="1",
    description="The shop's REST API: the same services as the storefront and the console.",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
register_error_handlers(api)
api.add_router("/", catalog_router)
api.add_router("/", carts_router)
api.add_router("/", checkout_router)
api.add_router("/", orders_router)
api.add_router("/", payments_router)
api.add_router("/", staff_team_router)
api.add_router("/", staff_fulfilment_router)
api.add_router("/", staff_stock_router)
api.add_router("/", staff_returns_router)
api.add_router("/", staff_support_router)
