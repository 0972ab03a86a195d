"""The one settings module of elkaar. Every setting comes from the environment, with a default that works.

See README.md ("Configuratie") for the list of variables.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import dj_database_url

SRC_DIR = Path(__file__).resolve().parent
PROJECT_DIR = SRC_DIR.parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


VAR_DIR = Path(env("ELKAAR_VAR_DIR", str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept under var/."""
    if env("SECRET_KEY"):
        return env("SECRET_KEY")
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
TESTING = envbool("ELKAAR_TESTING", "pytest" in sys.modules)  # pytest runs tasks at once, mail in memory
SITE_URL = env("SITE_URL", f"http://127.0.0.1:{env('PORT', '8000')}").rstrip("/")
_site = urlsplit(SITE_URL)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", f"127.0.0.1,localhost,{_site.hostname}")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", f"{_site.scheme}://{_site.netloc}")
SITE_NAME = env("SITE_NAME", "elkaar")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks",
    "django_tasks_db",
    "elkaar.core",
    "elkaar.accounts",
    "elkaar.catalogue",
    "elkaar.enrolment",
    "elkaar.search",
    "elkaar.demand",
    "elkaar.feedback",
    "elkaar.notifications",
    "elkaar.api",
    "elkaar.impact",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "elkaar.api.auth.ApiMiddleware",
    "elkaar.accounts.middleware.AdminMfaMiddleware",
    "elkaar.core.middleware.UserLanguageMiddleware",
]

ROOT_URLCONF = "elkaar.urls"
WSGI_APPLICATION = "elkaar.wsgi.application"
ASGI_APPLICATION = "elkaar.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "elkaar.core.context_processors.site",
            ],
        },
    },
]

# Database: SQLite file under var/ by default, anything dj-database-url understands via DATABASE_URL.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'elkaar.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=envint("CONN_MAX_AGE", 600), conn_health_checks=True)
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0 if TESTING else _db["CONN_MAX_AGE"]
    if TESTING:
        # A file, not shared memory, so tests with threads (concurrent registrations, live servers) get real
        # connections of their own; the process id keeps simultaneous test runs apart.
        import tempfile

        _db["TEST"] = {"NAME": str(Path(tempfile.gettempdir()) / f"elkaar-test-{os.getpid()}.sqlite3")}
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock when a transaction starts, so two writers never deadlock on upgrade.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # Reads through a memory map and a 32 MB page cache per connection: a search touches a page of every
        # candidate document, and copying pages in with read() calls into the default 2 MB cache made a common
        # word's search several times slower (bench/search_speed.py, docs/search.md).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            "PRAGMA mmap_size=1073741824; PRAGMA cache_size=-32768;"
        ),
    }
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:mine"
LOGOUT_REDIRECT_URL = "home"

# django-allauth: e-mail address only, verified before first login.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_ADAPTER = "elkaar.accounts.adapter.AccountAdapter"
ACCOUNT_FORMS = {"signup": "elkaar.accounts.forms.SignupForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[elkaar] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = _site.scheme or "http"
ACCOUNT_RATE_LIMITS: dict | bool = False if TESTING else {}
SOCIALACCOUNT_ADAPTER = "elkaar.accounts.adapter.SocialAccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Administrators must set up two-step verification before anything else (elkaar.accounts.middleware).
ADMIN_MFA_REQUIRED = envbool("ADMIN_MFA_REQUIRED", True)
# OpenID Connect single sign-on (for example Pleio accounts), switched on by setting OIDC_CLIENT_ID.
SOCIALACCOUNT_PROVIDERS: dict = {}
if env("OIDC_CLIENT_ID"):
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env("OIDC_PROVIDER_ID", "pleio"),
                "name": env("OIDC_NAME", "Pleio"),
                "client_id": env("OIDC_CLIENT_ID"),
                "secret": env("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": env("OIDC_SERVER_URL")},
            }
        ]
    }

# Language and time: Dutch first, English complete, times in Europe/Amsterdam.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [SRC_DIR / "static"]  # site-wide CSS and the vendored NL Design System and htmx files
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING or DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG


def _email_settings(url: str) -> dict[str, object]:
    """Turn EMAIL_URL into Django's e-mail settings.

    file:///path  messages as files (default, under var/mail/)
    smtp://user:password@host:587?tls=1  (or smtps:// for implicit TLS)
    console:  printed on standard output
    locmem:   kept in memory (tests)
    """
    parts = urlsplit(url)
    scheme = parts.scheme
    if scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": unquote(parts.path) or str(VAR_DIR / "mail"),
        }
    if scheme in {"smtp", "smtps"}:
        query = parse_qs(parts.query)
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": query.get("tls", ["0"])[0] in {"1", "true"},
            "EMAIL_USE_SSL": scheme == "smtps",
        }
    if scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    raise ValueError(f"EMAIL_URL {url!r}: use file://, smtp://, smtps://, console: or locmem:")


globals().update(_email_settings(env("EMAIL_URL", f"file://{VAR_DIR / 'mail'}")))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "elkaar <noreply@elkaar.example>")
CONTACT_EMAIL = env("CONTACT_EMAIL", "beheer@elkaar.example")  # who answers questions about this site (OpenAPI contact)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work: Django's tasks API with the database backend; tests run tasks at once.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend" if TESTING else "django_tasks_db.DatabaseBackend"
    }
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache"
        if env("REDIS_URL")
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": env("REDIS_URL", "elkaar"),
    }
}

# Security by default; DEBUG only when asked for.
SESSION_COOKIE_SECURE = _site.scheme == "https"
CSRF_COOKIE_SECURE = _site.scheme == "https"
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if envbool("BEHIND_PROXY", False) else None
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 0)

# Product settings.
CATALOGUE_PUBLIC = envbool("CATALOGUE_PUBLIC", True)  # the published catalogue can be read without logging in
# Registration (docs/registration.md): from this many hours before the start, a freed place is offered to the whole
# waiting list (first to claim gets it) instead of going to the first in line automatically.
WAITLIST_OPEN_CLAIM_HOURS = envint("WAITLIST_OPEN_CLAIM_HOURS", 24)
REMINDER_HOURS_BEFORE = envint("REMINDER_HOURS_BEFORE", 48)  # reminder e-mail this many hours before a session
# N >= 1: someone with N or more no-shows in the last 12 months waits (held) for sessions in full demand; 0 = off.
NO_SHOW_RULE = envint("NO_SHOW_RULE", 0)
# Feedback (docs/feedback.md): results of an anonymous survey are shown only from this many answers on.
SURVEY_MIN_RESPONSES = max(envint("SURVEY_MIN_RESPONSES", 3), 1)
SURVEY_REMINDER_DAYS = envint("SURVEY_REMINDER_DAYS", 3)  # one reminder this many days after an evaluation
SURVEY_OPEN_DAYS = envint("SURVEY_OPEN_DAYS", 30)  # evaluations and follow-ups take answers this many days
EVALUATION_FOLLOWUP_DAYS = envint("EVALUATION_FOLLOWUP_DAYS", 75)  # follow-up questions, days after a session
API_PAGE_SIZE_MAX = 100
# Knowledge demand (docs/demand.md): when a course made on request is published, the requester and the colleagues who
# seconded the request may register first, for this many hours, before everyone else can.
DEMAND_PRIORITY_HOURS = envint("DEMAND_PRIORITY_HOURS", 48)
# The weekly digest of new requests to matching experts goes out from this weekday (0 = Monday) and hour (local time).
DEMAND_DIGEST_WEEKDAY = envint("DEMAND_DIGEST_WEEKDAY", 0)
DEMAND_DIGEST_HOUR = envint("DEMAND_DIGEST_HOUR", 8)
# Impact (docs/impact.md): dashboards and the knowledge network are cached this many seconds (0 = off); the cache key
# carries the version of the summary tables, so a change of the figures is visible at once.
IMPACT_CACHE_SECONDS = envint("IMPACT_CACHE_SECONDS", 0 if TESTING else 300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
