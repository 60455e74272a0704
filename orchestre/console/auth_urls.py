"""Console: auth pages."""

urlpatterns = []
