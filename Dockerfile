# Standfirst production image: gunicorn serving cms.wsgi, static files by WhiteNoise.
# Build:   docker build -t standfirst .
# Release: docker compose run --rm web python manage.py migrate   (before starting new web containers)
FROM python:3.11-slim

# DJANGO_ENV=production fails closed: without real configuration the container
# refuses to start instead of running with local defaults.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV=production \
    MEDIA_ROOT=/app/media

WORKDIR /app

# Dependencies first, so a source change does not reinstall them. Wheels only
# (--only-binary): nothing is compiled, so no compiler ever enters the image; the loop
# fails the build if one does (e.g. a changed base image).
COPY requirements.txt .
RUN pip install --no-cache-dir --only-binary=:all: -r requirements.txt \
    && for c in gcc cc c++ clang; do \
         if command -v "$c" >/dev/null; then echo "compiler $c in the image" >&2; exit 1; fi; \
       done

# The app runs as an unprivileged user that owns nothing but the media volume.
RUN groupadd --system --gid 10001 standfirst \
    && useradd --system --uid 10001 --gid standfirst --no-create-home \
       --home-dir /nonexistent --shell /usr/sbin/nologin standfirst

COPY . .

# collectstatic imports production settings, which demand a real secret key and
# allowed hosts. A random key lives only in this RUN's environment; the image never
# stores it, and runtime gets its own DJANGO_SECRET_KEY.
RUN DJANGO_SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
    DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && mkdir -p "$MEDIA_ROOT" \
    && chown standfirst:standfirst "$MEDIA_ROOT"

# Uploaded images: mount a persistent volume here (or use object storage).
VOLUME ["/app/media"]

# By number, so a runtime that checks for a non-root user (runAsNonRoot) can tell.
USER 10001:10001
EXPOSE 8000

# Liveness, /livez: the process answers, whatever the database does (a host whose
# database is down still serves cached pages; restarting it would not help). The load
# balancer asks for readiness, /healthz, instead (deploy/varnish.vcl). Python's urllib,
# since the slim image has no curl. Host is the first allowed host (Django rejects
# others); redirects are not followed, so only a 200 from this container counts.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; host = os.environ.get('DJANGO_ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.') or 'localhost'; opener = u.build_opener(type('NoRedirect', (u.HTTPRedirectHandler,), {'redirect_request': lambda *a, **k: None})); opener.open(u.Request('http://127.0.0.1:8000/livez', headers={'Host': host, 'X-Forwarded-Proto': 'https'}), timeout=4)"]

CMD ["gunicorn", "-c", "gunicorn.conf.py", "cms.wsgi"]
