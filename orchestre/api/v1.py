from ninja import NinjaAPI

api = NinjaAPI(
    title="Orchestre API",
    version="1",
    description="The shop's REST API: the same services as the storefront and the console.",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
