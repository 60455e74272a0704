from ninja import NinjaAPI

from orchestre.api.catalog import router as catalog_router
from orchestre.api.errors import register_error_handlers

api = NinjaAPI(
    title="Orchestre API",
    version="1",
    description="The shop's REST API: the same services as the storefront and the console.",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
register_error_handlers(api)
api.add_router("/", catalog_router)
