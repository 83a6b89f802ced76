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
USER helpdesk
EXPOSE 8000
# uvicorn, chosen by the benchmarks (docs/BENCHMARKS.md). It believes no X-Forwarded-For itself: the application
# does, only from the proxies in HELPDESK_TRUSTED_PROXIES (default none; helpdesk/proxy.py, docs/SECURITY.md).
CMD ["uvicorn", "helpdesk.asgi:application", "--host", "0.0.0.0", "--port", "8000", "--lifespan", "off", \
     "--no-proxy-headers"]
