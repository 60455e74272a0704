"""Console: catalog pages."""

urlpatterns = []
