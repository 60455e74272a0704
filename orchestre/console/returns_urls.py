"""Console: returns pages."""

urlpatterns = []
