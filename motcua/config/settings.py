"""motcua settings: one module, every value from the environment with a safe default.

Production is this same module with other environment variables (see README.md, "Configuration").
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("MOTCUA_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _secret_key() -> str:
    """SECRET_KEY from the environment; otherwise one generated per installation and kept in var/."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


TESTING = env_bool("MOTCUA_TESTING")
DEBUG = env_bool("DEBUG")
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Public base URL, used in e-mails, QR codes and verification links.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "ninja",
    "huey.contrib.djhuey",
    "motcua.core",
    "motcua.organizations",
    "motcua.accounts",
    "motcua.worktime",
    "motcua.catalog",
    "motcua.dossiers",
    "motcua.documents",
    "motcua.notifications",
    "motcua.kpi",
    "motcua.api",
    "motcua.web.portal",
    "motcua.web.backoffice",
    "motcua.web",
    "motcua.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The public status lookup, answered before the session, CSRF and authentication it does not use.
    "motcua.dossiers.middleware.PublicLookupMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "motcua.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "motcua.core.context.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.core.middleware.ContentSecurityPolicyMiddleware",
    "motcua.core.middleware.ApiProblemMiddleware",
    "motcua.core.middleware.NulCharacterMiddleware",
]

ROOT_URLCONF = "motcua.config.urls"
WSGI_APPLICATION = "motcua.config.wsgi.application"

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
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'motcua.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        # A kept connection is checked before a request reuses it: after a database restart the first
        # request of each web worker would otherwise fail on its dead connection
        # (tests/faults/test_database_restarted.py).
        conn_health_checks=env_bool("DB_CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share the file; IMMEDIATE transactions
    # take the write lock up front so that concurrent writers queue instead of failing half-way.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django turns psycopg's prepared statements off for the sake of connection poolers; its own cursors
    # bind on the client and are never prepared anyway. The plain-SQL hot reads that bind on the server
    # (the public lookup) are prepared once run this many times on a connection. Empty: never (behind a
    # PgBouncer in transaction mode).
    _prepare = os.environ.get("DB_PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = int(_prepare) if _prepare else None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "motcua.accounts.backends.LoginBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
if TESTING:  # fast hashing in tests only; production keeps the strong hashers above
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Vietnamese first, English available.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LANGUAGE_COOKIE_NAME = "motcua_language"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Caches: Redis when configured (shared by web workers: throttling, idempotency), local memory otherwise.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "motcua.core.cache.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background work: Huey. SqliteHuey by default, RedisHuey with REDIS_URL; tests run tasks immediately.
HUEY = {
    "name": "motcua",
    "immediate": TESTING or env_bool("HUEY_IMMEDIATE"),
    "utc": True,
    "consumer": {"workers": int(os.environ.get("HUEY_WORKERS", "2")), "worker_type": "thread"},
}
if REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(VAR_DIR / "huey.sqlite3")}

# E-mail: console by default, SMTP when EMAIL_HOST is set.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "motcua <no-reply@motcua.local>")

# Security. HTTPS=true in production turns on every transport protection that check --deploy asks for.
HTTPS = env_bool("HTTPS")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000" if HTTPS else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY") else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Everything is vendored (DESIGN.md): nothing loads from elsewhere, nothing runs inline, no site frames us.
# `data:` images are the icons Swagger UI draws.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# A request body larger than this is refused (413) before any of it is read: the largest file the system
# keeps (20 MB) plus room for the multipart envelope and the form fields.
MAX_REQUEST_BYTES = int(os.environ.get("MAX_REQUEST_BYTES", str(21 * 2**20)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 3600)))
CSRF_FAILURE_VIEW = "motcua.core.views.csrf_failure"
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie

# Personal data (ID numbers, addresses) never reaches a log: every handler goes through the redacting filter.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_personal_data": {"()": "motcua.core.logging.RedactPersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The development server's access log prints query strings: through the redacting handler too.
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}

# motcua's own knobs.
MOTCUA = {
    "API_TOKEN_DEFAULT_DAYS": int(os.environ.get("API_TOKEN_DEFAULT_DAYS", "90")),
    "LOGIN_THROTTLE": os.environ.get("LOGIN_THROTTLE", "5/300"),  # attempts per seconds, per account and IP
    # failures per IP, whatever the account
    "LOGIN_THROTTLE_PER_IP": os.environ.get("LOGIN_THROTTLE_PER_IP", "30/300"),
    # self sign-up attempts per IP (pages and API together), per seconds
    "SIGN_UP_THROTTLE": os.environ.get("SIGN_UP_THROTTLE", "20/3600"),
    # requests for e-mailed links (password reset, new confirmation link) per IP, per seconds
    "EMAIL_LINK_THROTTLE": os.environ.get("EMAIL_LINK_THROTTLE", "10/3600"),
    "TAX_CODE_CHECKSUM": env_bool("TAX_CODE_CHECKSUM", True),  # check the tax code's 10th digit (ADR 0005)
    "AT_RISK_WORKING_DAYS": int(os.environ.get("AT_RISK_WORKING_DAYS", "2")),  # dossiers at risk (issue 5)
    "LOOKUP_THROTTLE": os.environ.get("LOOKUP_THROTTLE", "20/60"),  # public lookups per IP, per seconds
    # addresses the lookup, sign-up and e-mailed-link throttles do not count (the bench client)
    "THROTTLE_EXEMPT_IPS": env_list("THROTTLE_EXEMPT_IPS", ""),
    # reverse proxies (addresses or CIDR networks) whose X-Forwarded-For names the client (core/context.py)
    "TRUSTED_PROXIES": env_list("TRUSTED_PROXIES", ""),
    # SMS gateway class for notifications to applicants (motcua/notifications/sms.py)
    "SMS_BACKEND": os.environ.get("SMS_BACKEND", "motcua.notifications.sms.ConsoleSmsBackend"),
    # The API's work-queue pages in the shared cache (motcua/dossiers/queue_cache.py): Redis only.
    "QUEUE_CACHE": env_bool("QUEUE_CACHE", bool(REDIS_URL)),
    # the public lookup's answers in the shared cache (motcua/dossiers/lookup_cache.py); Redis only
    "LOOKUP_CACHE": env_bool("LOOKUP_CACHE", bool(REDIS_URL)),
}

# Documents (issue 7): where files live, how long a signed download link lasts (docs/adr/0010-signatures.md).
DOCUMENTS = {
    "STORAGE_BACKEND": os.environ.get("STORAGE_BACKEND", "local"),  # "local" (MEDIA_ROOT) or "s3"
    "S3_BUCKET": os.environ.get("S3_BUCKET", ""),
    "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL", ""),
    "S3_ACCESS_KEY_ID": os.environ.get("S3_ACCESS_KEY_ID", ""),
    "S3_SECRET_ACCESS_KEY": os.environ.get("S3_SECRET_ACCESS_KEY", ""),
    "S3_REGION": os.environ.get("S3_REGION", ""),
    "SIGNED_URL_SECONDS": int(os.environ.get("SIGNED_URL_SECONDS", "300")),
}
