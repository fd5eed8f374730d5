"""Standfirst settings: one module, read from environment variables (12-factor).

DJANGO_ENV=local (default) runs with SQLite and no services. DJANGO_ENV=production
is fail-closed: it refuses to start without a real secret key and allowed hosts.
Every variable is documented in README.md and .env.example.
"""

import hashlib
import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def database_from_url(url, connect_timeout=3):
    """DATABASE_URL as a DATABASES entry, parsed by dj-database-url, with our defaults.

    sqlite:///relative.db is relative to the repository (sqlite:////absolute.db is not);
    PostgreSQL connections are reused for 60 s (`?conn_max_age=` overrides), health-checked,
    and give up after 3 s (`?connect_timeout=` overrides) so /healthz and the 503 page
    answer quickly when the server is unreachable.
    """
    try:
        config = dj_database_url.parse(url)
    except ValueError as exc:  # an unknown scheme, or a URL that does not parse
        raise ImproperlyConfigured(f"DATABASE_URL is not supported: {exc}") from exc
    options = config.setdefault("OPTIONS", {})
    if config["ENGINE"] == "django.db.backends.sqlite3":
        name = config["NAME"]
        if name != ":memory:" and not name.startswith("/"):
            config["NAME"] = str(BASE_DIR / name)
        config.update(CONN_MAX_AGE=0, CONN_HEALTH_CHECKS=False)
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config["NAME"] = config["NAME"] or "standfirst"
        config.update(CONN_MAX_AGE=int(options.pop("conn_max_age", 60)), CONN_HEALTH_CHECKS=True)
        options.setdefault("connect_timeout", connect_timeout)
    else:
        raise ImproperlyConfigured(f"DATABASE_URL engine {config['ENGINE']!r} is not supported")
    if not options:
        del config["OPTIONS"]
    return config


ENVIRONMENT = env("DJANGO_ENV", "local").strip().lower()
if ENVIRONMENT not in {"local", "production"}:
    raise ImproperlyConfigured("DJANGO_ENV must be 'local' or 'production'")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)

# Local mode only; production refuses this value.
_LOCAL_SECRET = "standfirst-local-development-key-not-for-production-use-0123456789"  # noqa: S105
SECRET_KEY = env("DJANGO_SECRET_KEY", "" if PRODUCTION else _LOCAL_SECRET)
if PRODUCTION and (len(SECRET_KEY) < 50 or SECRET_KEY == _LOCAL_SECRET):
    raise ImproperlyConfigured(
        "Production mode needs DJANGO_SECRET_KEY: at least 50 random characters."
    )

ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver,[::1]"
)
if PRODUCTION and (not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS):
    raise ImproperlyConfigured("Production mode needs DJANGO_ALLOWED_HOSTS, and never '*'.")

SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "cms.apps.NewsroomAdminConfig",  # django.contrib.admin with our site (cms/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",  # the built-in widget templates, for FORM_RENDERER below
    "django.contrib.sitemaps",
    "markdownx",
    "axes",
    # Two-factor login for staff (articles/twofactor.py): authenticator apps (TOTP) and
    # single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # Background work (articles/tasks.py): Django's tasks framework (the django-tasks
    # backport until Django 6) storing its queue in our own database. Before "articles",
    # so its permissions exist when the roles are granted after migrate.
    "django_tasks",
    "django_tasks_db",
    "articles",
]

MIDDLEWARE = [
    # First, so a cached public page is answered before sessions, auth or CSRF run.
    "articles.pagecache.PageCacheMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor?
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # CSP (django-csp) and Permissions-Policy; inside any page cache, so cached pages carry them.
    "cms.security.PathCSPMiddleware",
    # Last: axes needs the authenticated user and answers locked-out logins itself.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "articles.context_processors.site",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))
}
# An optional PostgreSQL read replica (streaming) for public reads (articles/replica.py):
# writes, the admin, staff who just wrote, the worker and commands use the primary, and so
# does every read while the replica is down, lags, or has not replayed the last change.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    # Given up on after 1 s: a reader waits that long at most, then reads the primary.
    DATABASES["replica"] = database_from_url(DATABASE_REPLICA_URL, connect_timeout=1)
    if {DATABASES[alias]["ENGINE"] for alias in DATABASES} != {"django.db.backends.postgresql"}:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs PostgreSQL for both databases")
    # Tests read the test database through the alias, never a second one.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["articles.replica.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "articles.replica.ReplicaReadsMiddleware",
    )
# Seconds after a staff user's write (any POST) during which their reads use the primary.
STANDFIRST_READ_YOUR_WRITES_SECONDS = int(env("STANDFIRST_READ_YOUR_WRITES_SECONDS", "10"))
# A replica further behind than this many seconds is not read (measured every 2 s).
STANDFIRST_REPLICA_MAX_LAG_SECONDS = float(env("STANDFIRST_REPLICA_MAX_LAG_SECONDS", "10"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The task queue lives in the database: PostgreSQL in production, SQLite under make run,
# so the worker needs no service of its own. Run it with `manage.py db_worker`.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# A failed task runs again after 30 s, 60 s, 120 s... up to this many runs in all.
STANDFIRST_TASK_ATTEMPTS = int(env("STANDFIRST_TASK_ATTEMPTS", "5"))
STANDFIRST_TASK_BACKOFF = float(env("STANDFIRST_TASK_BACKOFF", "30"))

# The front cache the worker purges by surrogate key after each change (articles/edge.py):
# "varnish", "fastly", "cloudflare", or empty for none.
STANDFIRST_EDGE_PURGE = env("STANDFIRST_EDGE_PURGE").strip().lower()
if STANDFIRST_EDGE_PURGE not in {"", "varnish", "fastly", "cloudflare"}:
    raise ImproperlyConfigured("STANDFIRST_EDGE_PURGE must be varnish, fastly or cloudflare")
STANDFIRST_VARNISH_URLS = env_list("STANDFIRST_VARNISH_URLS", "http://127.0.0.1:6081/")
# Hosts intake may fetch even though they resolve to a private or loopback address (a
# partner on the intranet; the tests' local server). Empty: only public addresses.
STANDFIRST_INTAKE_ALLOWED_HOSTS = env_list("STANDFIRST_INTAKE_ALLOWED_HOSTS", "")
# The same for webhook endpoints (articles.deliveries): hosts a webhook may be sent to
# although they resolve to a private or loopback address. Empty: only public addresses.
STANDFIRST_WEBHOOK_ALLOWED_HOSTS = env_list("STANDFIRST_WEBHOOK_ALLOWED_HOSTS", "")
FASTLY_API_URL = env("FASTLY_API_URL", "https://api.fastly.com")
FASTLY_API_TOKEN = env("FASTLY_API_TOKEN")
FASTLY_SERVICE_ID = env("FASTLY_SERVICE_ID")
CLOUDFLARE_API_URL = env("CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4")
CLOUDFLARE_API_TOKEN = env("CLOUDFLARE_API_TOKEN")
CLOUDFLARE_ZONE_ID = env("CLOUDFLARE_ZONE_ID")

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # Degrades to cache misses (logged) when Redis is down, instead of failing requests;
    # reuses its redis client (cms/cache.py).
    CACHES = {"default": {"BACKEND": "cms.cache.DegradingRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Whole pages in a Redis of their own: its maxmemory is the page cache's budget and its
# policy evicts any key (allkeys-lru), while REDIS_URL keeps the content versions, rate
# counters and derived data under noeviction (articles/cache.py; README, "Cache budget").
STANDFIRST_PAGE_CACHE_REDIS_URL = env("STANDFIRST_PAGE_CACHE_REDIS_URL")
if STANDFIRST_PAGE_CACHE_REDIS_URL:
    CACHES["pages"] = {
        "BACKEND": "cms.cache.DegradingRedisCache",
        "LOCATION": STANDFIRST_PAGE_CACHE_REDIS_URL,
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env("DJANGO_TIME_ZONE", "Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
# Widgets render through the project's template engine, so templates/ can override a
# widget's template (templates/markdownx/widget.html labels the live preview).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploads live on the local disk (make run, one host) or, with STANDFIRST_MEDIA_STORAGE=s3,
# in an S3-compatible bucket shared by every host (django-storages' own AWS_* names).
MEDIA_STORAGE = env("STANDFIRST_MEDIA_STORAGE", "local").strip().lower()
if MEDIA_STORAGE == "local":
    MEDIA_URL = "/media/"
    _MEDIA_BACKEND = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif MEDIA_STORAGE == "s3":
    _BUCKET = env("AWS_STORAGE_BUCKET_NAME")
    _ENDPOINT = env("AWS_S3_ENDPOINT_URL").rstrip("/")  # empty: Amazon S3 itself
    _CDN = env("AWS_S3_CUSTOM_DOMAIN")  # a CDN (or the bucket's public host) in front
    if not _BUCKET:
        raise ImproperlyConfigured("STANDFIRST_MEDIA_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME.")
    # The public address of a stored name is MEDIA_URL + name (the storage's own url(), which
    # a test keeps equal): Markdown bodies and redaction find uploads by that prefix.
    MEDIA_URL = (
        f"https://{_CDN}/"
        if _CDN
        else f"{_ENDPOINT}/{_BUCKET}/"
        if _ENDPOINT
        else f"https://{_BUCKET}.s3.amazonaws.com/"
    )
    _MEDIA_BACKEND = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _BUCKET,
            "endpoint_url": _ENDPOINT or None,
            "access_key": env("AWS_ACCESS_KEY_ID") or None,
            "secret_key": env("AWS_SECRET_ACCESS_KEY") or None,
            "region_name": env("AWS_S3_REGION_NAME") or None,
            "custom_domain": _CDN or None,
            "addressing_style": "path" if _ENDPOINT else None,
            "file_overwrite": False,  # a taken name gets a suffix, as on disk
            "querystring_auth": False,  # public media: plain, cacheable URLs
            "default_acl": None,  # the bucket's policy decides who reads
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
else:
    raise ImproperlyConfigured("STANDFIRST_MEDIA_STORAGE must be 'local' or 's3'")
STORAGES = {
    "default": _MEDIA_BACKEND,
    "staticfiles": {
        # Hashed, compressed files in production; plain finders locally so no
        # collectstatic step is needed for `make run` or the tests.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage",
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Backups are signed (HMAC-SHA256) with this key, kept apart from the backups. Production
# has no default: backup and restore refuse to run without one. Locally it is derived
# from SECRET_KEY, so a local backup restores on the same machine.
STANDFIRST_BACKUP_KEY = env(
    "STANDFIRST_BACKUP_KEY",
    "" if PRODUCTION else hashlib.sha256(f"standfirst-backup:{SECRET_KEY}".encode()).hexdigest(),
)

# Uploads: refuse big request bodies before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(env("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "standfirst@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: safe defaults everywhere, HTTPS-only settings in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
# An editor's login ends with the browser, and after SESSION_COOKIE_AGE at the latest.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    # Preloading commits the domain and every subdomain to HTTPS in browsers for months, and
    # is slow to undo: only when the operator asks (then submit it at hstspreload.org).
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        SILENCED_SYSTEM_CHECKS = ["security.W021"]  # "preload is off": our choice, above
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The probes (/livez, /healthz) come over plain HTTP from the container runtime and the
    # load balancer.
    SECURE_REDIRECT_EXEMPT = [r"^(livez|healthz)$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"stdout": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["stdout"], "level": env("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Markdown: the editor's live preview uses the very function that renders body_html.
MARKDOWNX_MARKDOWNIFY_FUNCTION = "articles.markdown.render"
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"]
MARKDOWNX_MEDIA_PATH = "inline/"
MARKDOWNX_EDITOR_RESIZABLE = True
# Live previews one staff user may ask for per minute (articles/views/markdown_editor.py).
STANDFIRST_MARKDOWN_PREVIEW_RATE = int(env("STANDFIRST_MARKDOWN_PREVIEW_RATE", "120"))
# Lengths over which the article checks advise shortening (articles/readiness.py): the
# JSON-LD headline is cut at 110, and the standfirst stands in for the SEO description,
# which is capped at 300.
STANDFIRST_HEADLINE_ADVISED_CHARS = int(env("STANDFIRST_HEADLINE_ADVISED_CHARS", "110"))
STANDFIRST_STANDFIRST_ADVISED_CHARS = int(env("STANDFIRST_STANDFIRST_ADVISED_CHARS", "300"))

LOGIN_URL = "admin:login"

# The admin's URL path (cms/urls.py), e.g. "newsroom-7f3k/": moving it off /admin/ keeps
# drive-by login guessing away. LOGIN_URL and markdownx's login redirect follow it.
ADMIN_PATH = env("DJANGO_ADMIN_PATH", "admin/").strip().strip("/") + "/"
if ADMIN_PATH == "/" or not all(part for part in ADMIN_PATH[:-1].split("/")):
    raise ImproperlyConfigured("DJANGO_ADMIN_PATH must be a path such as 'admin/'.")

# Content Security Policy (django-csp; cms/security.py picks the admin's by path): public
# pages run no script at all; the admin and markdownx run only their own static files.
# Nothing inline runs anywhere (Django 5.2's admin has no inline script or style; a Chromium
# test checks the markdownx editor). tests/test_security_headers.py pins both policies.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [NONE],
        "style-src": [SELF],
        "img-src": [SELF, "https:", "data:"],
        "font-src": [SELF],
        "connect-src": [NONE],
        "media-src": [SELF, "https:"],
        "object-src": [NONE],
        "frame-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
CSP_ADMIN_DIRECTIVES = {
    "default-src": [SELF],
    "script-src": [SELF],
    "style-src": [SELF],
    "img-src": [SELF, "https:", "data:", "blob:"],
    "font-src": [SELF],
    "connect-src": [SELF],
    "object-src": [NONE],
    "frame-src": [NONE],
    "base-uri": [SELF],
    "form-action": [SELF],
    "frame-ancestors": [NONE],
}
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# Login lockout (django-axes, with the rules in articles/lockout.py): a user name from one
# address is locked after AXES_FAILURE_LIMIT failures, an address after
# STANDFIRST_LOGIN_IP_FAILURE_LIMIT failures whatever the names, and a name failing from
# addresses it never logged in from backs off exponentially; all for AXES_COOLOFF_TIME hours
# after the last failure. Unlock early in the admin (Axes > Access attempts: delete) or
# `manage.py axes_reset`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "articles.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = int(env("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(env("DJANGO_LOGIN_COOLOFF_HOURS", "1"))
# Attempts are recorded per user name and address; a success clears only that pair's.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# A refused attempt is not counted: the lockout ends on time, and the back-off grows only
# with guesses that were actually tried.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
STANDFIRST_LOGIN_IP_FAILURE_LIMIT = int(env("STANDFIRST_LOGIN_IP_FAILURE_LIMIT", "20"))
STANDFIRST_LOGIN_BACKOFF_SECONDS = float(env("STANDFIRST_LOGIN_BACKOFF_SECONDS", "1"))
STANDFIRST_LOGIN_BACKOFF_MAX_SECONDS = float(env("STANDFIRST_LOGIN_BACKOFF_MAX_SECONDS", "900"))
# What axes stores of a failed login's form leaves out the second factor's code too.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "code"]
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "articles.client_ip.client_ip"
# No "AXES: BEGIN version" line on every manage.py command; lockouts are still logged
# (with the user name and client address that the lockout counts).
AXES_VERBOSE = False
# The proxies (load balancer, CDN, nginx) whose X-Forwarded-For is believed: networks in
# CIDR form; empty believes no forwarded header. Only a request whose socket peer is in
# one of them is judged by the address the proxies forwarded (articles.client_ip); login
# lockout and comment/report rate limits all read the client address there.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"DJANGO_TRUSTED_PROXIES: {_proxy!r} is not an address or network"
        ) from None

# Two-factor login (articles/twofactor.py): required of everyone who may publish or open the
# do-not-identify register, and of superusers (articles.roles.needs_second_factor). After a
# wrong code a device waits 1, 2, 4 ... s before it tries the next (django-otp's throttling),
# and the wrong code counts as a failed login for the lockout above. The authenticator app
# names the account "<issuer>:<user name>". The admin never shows a device's secret.
OTP_TOTP_ISSUER = "Standfirst"
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Standfirst's own knobs.
STANDFIRST_RELATED_COUNT = int(env("STANDFIRST_RELATED_COUNT", "4"))
STANDFIRST_LOCAL_CREDENTIALS = BASE_DIR / ".local-credentials"

# Comments (README: "Comments, caching and CSRF").
# At most this many comments per IP address, and per email address, in each window (seconds).
STANDFIRST_COMMENT_RATE_LIMIT = int(env("STANDFIRST_COMMENT_RATE_LIMIT", "5"))
STANDFIRST_COMMENT_RATE_WINDOW = int(env("STANDFIRST_COMMENT_RATE_WINDOW", "600"))
# A form sent sooner than this after it was served is a bot's (refused quietly).
STANDFIRST_COMMENT_MIN_FILL_SECONDS = int(env("STANDFIRST_COMMENT_MIN_FILL_SECONDS", "2"))
STANDFIRST_COMMENT_MAX_LINKS = int(env("STANDFIRST_COMMENT_MAX_LINKS", "2"))
STANDFIRST_COMMENT_MIN_LENGTH = 2
STANDFIRST_COMMENT_MAX_LENGTH = int(env("STANDFIRST_COMMENT_MAX_LENGTH", "3000"))
# Who is emailed about pending comments: these addresses, "none", or (empty) every active
# staff user with the change_comment permission.
STANDFIRST_COMMENT_NOTIFY = env_list("STANDFIRST_COMMENT_NOTIFY")
# Editors (issue #5): images, preview links.
# Uploaded images: a larger file, or more pixels (a decompression bomb's trick), is refused.
STANDFIRST_IMAGE_MAX_BYTES = int(env("STANDFIRST_IMAGE_MAX_BYTES", str(10 * 1024 * 1024)))
MARKDOWNX_UPLOAD_MAX_SIZE = STANDFIRST_IMAGE_MAX_BYTES  # one limit for every image upload
STANDFIRST_IMAGE_MAX_PIXELS = int(env("STANDFIRST_IMAGE_MAX_PIXELS", "40000000"))
# Memory the decoded pixels of one upload may take (articles/images.py counts it).
STANDFIRST_IMAGE_MAX_DECODED_MB = int(env("STANDFIRST_IMAGE_MAX_DECODED_MB", "100"))
# Widths of the resized copies made at upload (never wider than the original).
STANDFIRST_IMAGE_WIDTHS = (480, 800, 1200, 1600)
# The desk warns this many days before an image's licence ends (and the image leaves the
# public pages).
STANDFIRST_IMAGE_LICENCE_WARNING_DAYS = int(env("STANDFIRST_IMAGE_LICENCE_WARNING_DAYS", "14"))
# Seconds a shareable preview link works (it can be revoked sooner).
STANDFIRST_PREVIEW_MAX_AGE = int(env("STANDFIRST_PREVIEW_MAX_AGE", str(7 * 24 * 3600)))
# The longest a legal sign-off link (articles.signoff) may work; each works once, for the
# days its sender chose (3 unless told).
STANDFIRST_SIGN_OFF_MAX_AGE = int(env("STANDFIRST_SIGN_OFF_MAX_AGE", str(7 * 24 * 3600)))
# Speed: the page cache and the headers of anonymous public responses (articles/pagecache.py).
# On by default only with a cache all workers share (Redis): a per-process cache would never
# see another worker's invalidation. Also switches the cached layout context.
STANDFIRST_PAGE_CACHE = env_bool("STANDFIRST_PAGE_CACHE", bool(REDIS_URL))
STANDFIRST_PAGE_CACHE_TIMEOUT = int(env("STANDFIRST_PAGE_CACHE_TIMEOUT", "600"))
# The article page's kept parts (articles/fragments.py): shared-cache only, as above.
STANDFIRST_FRAGMENT_CACHE = env_bool("STANDFIRST_FRAGMENT_CACHE", bool(REDIS_URL))
# Each worker's own copies of its hottest pages, checked against Redis pub/sub (with Redis).
STANDFIRST_PAGE_CACHE_NEAR_MB = int(env("STANDFIRST_PAGE_CACHE_NEAR_MB", "16"))
STANDFIRST_PAGE_CACHE_STATUSES = (200, 301, 404)
# A larger page is served but never stored: one page must not push out hundreds.
STANDFIRST_PAGE_CACHE_MAX_ENTRY_KB = int(env("STANDFIRST_PAGE_CACHE_MAX_ENTRY_KB", "512"))
# A 404 (of a matched route: an unknown slug) is stored this long; unmatched paths never.
STANDFIRST_PAGE_CACHE_404_TIMEOUT = int(env("STANDFIRST_PAGE_CACHE_404_TIMEOUT", "60"))
# The query parameters public pages read (pagination, search, the comment form's reply,
# the post-comment notice, the sitemap's page); any other is stripped before the view.
STANDFIRST_PAGE_CACHE_QUERY_PARAMS = ("page", "q", "reply", "comment", "p")
# Never cached, never public: the editors' side, preview links, probes, files WhiteNoise serves.
STANDFIRST_PAGE_CACHE_EXCLUDED_PATHS = (
    "/" + ADMIN_PATH,
    "/markdownx/",
    "/preview/",
    "/api/",
    "/livez",
    "/healthz",
    "/static/",
    "/media/",
)
STANDFIRST_PUBLIC_CACHE_CONTROL = env(
    "STANDFIRST_PUBLIC_CACHE_CONTROL",
    "public, max-age=60, s-maxage=300, stale-while-revalidate=60, stale-if-error=86400",
)
# Benchmarks only: an X-Query-Count header on every response (bench/run.py reads it).
if env_bool("STANDFIRST_QUERY_COUNT_HEADER", False):
    MIDDLEWARE.insert(0, "articles.querycount.QueryCountMiddleware")
