"""Console: support pages."""

urlpatterns = []
