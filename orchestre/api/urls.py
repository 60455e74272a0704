from django.urls import path

from orchestre.api.v1 import api

urlpatterns = [path("", api.urls)]
