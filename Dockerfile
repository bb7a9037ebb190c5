# Treffpunkt: one daphne process per container. Scale by running more containers behind a proxy
# (see docker-compose.yml and docs/deployment.md).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Dependencies first, in their own layer: it is rebuilt only when pyproject.toml changes.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# Then the project itself. Installed in place (-e), not copied into site-packages: the wheel holds
# only .py files, while settings.BASE_DIR must point at the tree with templates, static files and
# locale/ (and STATIC_ROOT lives under it).
COPY . .
RUN pip install --no-deps -e .

# The project's bytecode in the image: PYTHONDONTWRITEBYTECODE (above) keeps Python from writing it
# at run time, so without this every process start compiles the project's modules again (about a
# tenth of a second of CPU each, when a restart storm needs it most; docs/performance.md).
RUN python -m compileall -q -x '(^|/)(\.|node_modules)' .

# Static files are collected into the image and served by whitenoise. DEBUG=1 only for this step,
# so settings do not ask for the production SECRET_KEY/ALLOWED_HOSTS at build time.
RUN DEBUG=1 python manage.py collectstatic --noinput

# Run as an unprivileged user. /data is its only writable place (uploads in /data/media; a volume).
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --no-create-home --home-dir /app \
        --shell /usr/sbin/nologin app \
    && mkdir -p /data/media \
    && chown -R app:app /data

# Production by default: without SECRET_KEY and ALLOWED_HOSTS the process refuses to start.
ENV DEBUG=0 \
    MEDIA_ROOT=/data/media

USER app
EXPOSE 8000

# Healthy = daphne answers HTTP through the Django stack. A static file is served by whitenoise
# without a database query or Host check; X-Forwarded-Proto keeps SECURE_SSL_REDIRECT out of the way.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import http.client as h, sys; c = h.HTTPConnection('127.0.0.1', 8000, timeout=4); c.request('HEAD', '/static/admin/css/base.css', headers={'X-Forwarded-Proto': 'https'}); sys.exit(c.getresponse().status != 200)"]

# No --proxy-headers: daphne would take X-Forwarded-For from anyone who reaches it. The client
# address comes from the peer, and from X-Forwarded-For only when the peer is in TRUSTED_PROXIES
# (treffpunkt/ratelimit.py: client_ip).
# treffpunkt.serve binds the port before the application loads (about a second), with a listen
# backlog of 4096, not daphne's 50: after a restart or a drop every client reconnects at once, and
# none is refused meanwhile. It stays as the master of WEB_WORKERS daphne processes (default 1),
# forked from the loaded application; a worker that dies is replaced at once (docs/deployment.md).
CMD ["python", "-m", "treffpunkt.serve", "--host", "0.0.0.0", "--port", "8000"]
