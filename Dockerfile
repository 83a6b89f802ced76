# Production image: the ASGI server (web), the Celery worker and beat run from the same image.
# Built in stages: `base` has the locked dependencies; `build` adds gettext and builds the catalogues and the static
# files with scripts/build-assets (the same script CI and `make test` run; a failure stops the build); the image
# itself is `base` with the code and what `build` made. Compiled catalogues are not committed (see .dockerignore).
FROM python:3.12-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock

FROM base AS build
RUN apt-get update && apt-get install -y --no-install-recommends gettext && rm -rf /var/lib/apt/lists/*
COPY . .
RUN scripts/build-assets

FROM base
RUN useradd --create-home --uid 10001 helpdesk
COPY . .
COPY --from=build /app/locale /app/locale
COPY --from=build /app/staticfiles /app/staticfiles
# Our modules' bytecode in the image (pip compiled the dependencies'): PYTHONDONTWRITEBYTECODE would otherwise have
# every process start compile them again.
RUN python -m compileall -q accounts chat common helpdesk pnl recovery supervisor tickets manage.py
# Attachments on the filesystem (HELPDESK_MEDIA_ROOT) when no bucket is configured: a volume the app may write.
RUN mkdir -p /app/media && chown helpdesk /app/media
USER helpdesk
EXPOSE 8000
# uvicorn, chosen by the benchmarks (docs/BENCHMARKS.md). It believes no X-Forwarded-For itself: the application
# does, only from the proxies in HELPDESK_TRUSTED_PROXIES (default none; helpdesk/proxy.py, docs/SECURITY.md).
CMD ["uvicorn", "helpdesk.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--lifespan", "off", \
     "--no-proxy-headers"]
