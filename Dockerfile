# Production image: the ASGI server (web) and the Celery worker run from the same image.
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN useradd --create-home --uid 10001 helpdesk
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
COPY . .
RUN HELPDESK_DEBUG=true python manage.py collectstatic --noinput -v 0 \
    && python manage.py compilemessages -v 0 --ignore=.venv || true
# Attachments on the filesystem (HELPDESK_MEDIA_ROOT) when no bucket is configured: a volume the app may write.
RUN mkdir -p /app/media && chown helpdesk /app/media
USER helpdesk
EXPOSE 8000
# uvicorn, chosen by the benchmarks (docs/BENCHMARKS.md). It trusts X-Forwarded-* from FORWARDED_ALLOW_IPS: set it
# to the address of the TLS proxy in front (the default "*" suits a container reachable only through that proxy).
ENV FORWARDED_ALLOW_IPS="*"
CMD ["uvicorn", "helpdesk.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--lifespan", "off", \
     "--proxy-headers"]
