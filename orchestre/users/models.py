from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """The account of anyone who signs in: staff members and customers alike.

    Created before the first migration so that later apps can point at it freely."""

    email = models.EmailField(_("e-mail address"), unique=True, null=True, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=8, default="fr")
