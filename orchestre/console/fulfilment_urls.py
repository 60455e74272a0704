"""Console: fulfilment pages."""

urlpatterns = []
