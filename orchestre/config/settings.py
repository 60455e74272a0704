"""Orchestre settings, driven by environment variables.

Embedded default: SQLite and a file cache in the data directory, no server needed.
Production: ORCHESTRE_ENV=production, DATABASE_URL (PostgreSQL) and REDIS_URL.
Every variable is listed in docs/configuration.md.
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("ORCHESTRE_DATA_DIR", Path.cwd() / "var")).resolve()
ENVIRONMENT = os.environ.get("ORCHESTRE_ENV", "demo")
PRODUCTION = ENVIRONMENT == "production"


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def demo_secret_key() -> str:
    """A random key created once per data directory, so sessions survive restarts."""
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = os.environ.get("ORCHESTRE_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "ORCHESTRE_SECRET_KEY is required when ORCHESTRE_ENV=production."
        )
    SECRET_KEY = demo_secret_key()

DEBUG = env_bool("ORCHESTRE_DEBUG")
ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("ORCHESTRE_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("ORCHESTRE_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves the API docs' Swagger UI from its bundled static files, not a CDN
    "orchestre.core",
    "orchestre.users",
    "orchestre.team",
    "orchestre.catalog",
    "orchestre.customers",
    "orchestre.pricing",
    "orchestre.inventory",
    "orchestre.shipping",
    "orchestre.payments",
    "orchestre.orders",
    "orchestre.cart",
    "orchestre.checkout",
    "orchestre.returns",
    "orchestre.support",
    "orchestre.storefront",
    "orchestre.console",
    "orchestre.api",
    "orchestre.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "orchestre.core.audit.AuditChannelMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "orchestre.config.urls"
WSGI_APPLICATION = "orchestre.config.wsgi.application"
AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    # Counts failed sign-ins and refuses further tries once locked out (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]

# Database: SQLite in the data directory unless DATABASE_URL says otherwise.
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=600, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("ORCHESTRE_SQLITE_PATH", DATA_DIR / "orchestre.sqlite3"),
            "OPTIONS": {
                # Concurrent writers queue on the busy timeout instead of failing with
                # "database is locked"; IMMEDIATE takes the write lock at BEGIN so a
                # read-then-write transaction cannot deadlock on lock upgrade.
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA cache_size=-32000;"
                    "PRAGMA mmap_size=268435456;"
                ),
            },
            # A file, not the in-memory default, so concurrency tests run real parallel
            # connections against the test database.
            "TEST": {"NAME": DATA_DIR / "test.sqlite3"},
        }
    }

# Cache: Redis when REDIS_URL is set, else a file cache shared by every worker process
# on the machine (a per-process memory cache would miss invalidations made elsewhere).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("ORCHESTRE_CACHE_PREFIX", "orchestre"),
            "OPTIONS": {"IGNORE_EXCEPTIONS": True},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": DATA_DIR / "cache",
            "OPTIONS": {"MAX_ENTRIES": 50_000},
        }
    }
PAGE_CACHE_SECONDS = int(os.environ.get("ORCHESTRE_PAGE_CACHE_SECONDS", "600"))

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
WHITENOISE_MAX_AGE = 31536000

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("ORCHESTRE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31536000
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

EMAIL_BACKEND = os.environ.get(
    "ORCHESTRE_EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("ORCHESTRE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("ORCHESTRE_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("ORCHESTRE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ORCHESTRE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("ORCHESTRE_EMAIL_USE_TLS")
EMAIL_TIMEOUT = 30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("ORCHESTRE_LOG_LEVEL", "WARNING")},
}

# Shop facts used by pricing and the storefront.
SHOP_NAME = os.environ.get("ORCHESTRE_SHOP_NAME", "Orchestre — Boutique cadeaux")
SHOP_CURRENCY = "EUR"
SHOP_URL = os.environ.get("ORCHESTRE_SHOP_URL", "http://127.0.0.1:8000")
DEFAULT_FROM_EMAIL = os.environ.get("ORCHESTRE_FROM_EMAIL", "boutique@orchestre.example")

# Background work goes through Django's tasks API; the database backend needs no server
# (`orchestre worker` runs it). ORCHESTRE_TASKS_BACKEND picks another backend.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("ORCHESTRE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# The seller's legal identity, printed on invoices (French mandatory mentions).
SELLER = {
    "name": os.environ.get("ORCHESTRE_SELLER_NAME", "Orchestre Démo SAS"),
    "legal_form": os.environ.get("ORCHESTRE_SELLER_LEGAL_FORM", "SAS au capital de 10 000 €"),
    "address": os.environ.get("ORCHESTRE_SELLER_ADDRESS", "12 rue de la Paix, 75002 Paris, France"),
    "siren": os.environ.get("ORCHESTRE_SELLER_SIREN", "000 000 000"),
    "rcs": os.environ.get("ORCHESTRE_SELLER_RCS", "RCS Paris 000 000 000"),
    "vat_number": os.environ.get("ORCHESTRE_SELLER_VAT_NUMBER", "FR00000000000"),
    "email": os.environ.get("ORCHESTRE_SELLER_EMAIL", "contact@orchestre.example"),
    # The consumer mediator the shop adheres to (article L616-1 of the consumer code).
    "mediator": os.environ.get(
        "ORCHESTRE_SELLER_MEDIATOR",
        "CM2C, 49 rue de Ponthieu, 75008 Paris, https://www.cm2c.net",
    ),
}

# Checkout: the version of the terms of sale a shopper accepts, how long stock stays
# reserved while a payment is pending, and how long an untouched cart lives.
TERMS_OF_SALE_VERSION = os.environ.get("ORCHESTRE_TERMS_VERSION", "2026-11-01")
STOCK_RESERVATION_MINUTES = int(os.environ.get("ORCHESTRE_STOCK_RESERVATION_MINUTES", "15"))
CART_LIFETIME_DAYS = int(os.environ.get("ORCHESTRE_CART_LIFETIME_DAYS", "30"))

# Payments. The sandbox behaves like a card processor (test tokens in docs/payments.md);
# Stripe is used when its keys are set.
PAYMENT_PROVIDERS = [
    name.strip()
    for name in os.environ.get("ORCHESTRE_PAYMENT_PROVIDERS", "sandbox").split(",")
    if name.strip()
]
SANDBOX_WEBHOOK_SECRET = os.environ.get("ORCHESTRE_SANDBOX_WEBHOOK_SECRET", "") or SECRET_KEY
SANDBOX_TIMEOUT_RESULT_SECONDS = int(os.environ.get("ORCHESTRE_SANDBOX_TIMEOUT_SECONDS", "5"))
STRIPE_SECRET_KEY = os.environ.get("ORCHESTRE_STRIPE_SECRET_KEY", "")
STRIPE_PUBLISHABLE_KEY = os.environ.get("ORCHESTRE_STRIPE_PUBLISHABLE_KEY", "")
STRIPE_WEBHOOK_SECRET = os.environ.get("ORCHESTRE_STRIPE_WEBHOOK_SECRET", "")

# Outgoing webhooks for the shop's own integrations: "url|secret" pairs, comma-separated.
WEBHOOK_ENDPOINTS = [
    tuple(entry.strip().split("|", 1))
    for entry in os.environ.get("ORCHESTRE_WEBHOOK_ENDPOINTS", "").split(",")
    if "|" in entry
]

# Sign-in protection (django-axes): after ORCHESTRE_SIGN_IN_FAILURE_LIMIT failed tries for
# one account from one address, further tries are refused for the cool-off period.
AXES_FAILURE_LIMIT = int(os.environ.get("ORCHESTRE_SIGN_IN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(
    minutes=int(os.environ.get("ORCHESTRE_SIGN_IN_COOLOFF_MINUTES", "15"))
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
# Staff sessions end after this much inactivity; customers keep Django's default.
STAFF_SESSION_SECONDS = int(os.environ.get("ORCHESTRE_STAFF_SESSION_SECONDS", str(8 * 3600)))
# The sign-in pages answer a lockout themselves (the form and "try again after HH:MM", 429).
AXES_LOCKOUT_CALLABLE = "orchestre.storefront.account_views.lockout_response"
# The name authenticator apps show for the staff two-factor codes.
OTP_TOTP_ISSUER = "Orchestre"

# The sandbox carrier (a stand-in for the delivery company, docs/fulfilment.md): how long
# each tracking step takes, the tracking page it links to, and its webhook signing secret
# (derived from SECRET_KEY when empty).
SANDBOX_CARRIER_STEP_SECONDS = int(os.environ.get("ORCHESTRE_SANDBOX_CARRIER_STEP_SECONDS", "600"))
SANDBOX_CARRIER_TRACKING_URL = os.environ.get(
    "ORCHESTRE_SANDBOX_CARRIER_TRACKING_URL", SHOP_URL + "/carrier/sandbox/{number}/"
)
SANDBOX_CARRIER_WEBHOOK_SECRET = os.environ.get("ORCHESTRE_SANDBOX_CARRIER_WEBHOOK_SECRET", "")
