"""Console: stock pages."""

urlpatterns = []
