import pytest

from tests.conftest import require


@pytest.mark.django_db
def test_healthz_reports_each_part(client):
    response = client.get("/healthz")
    body = response.json()
    assert set(body) >= {"status", "database", "channel_layer", "broker", "worker"}
    assert body["database"] == "ok"
    assert body["channel_layer"] == "ok"


@pytest.mark.django_db
def test_healthz_is_503_when_no_worker_answers(client, settings):
    require("redis")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    from helpdesk import health

    health.WORKER_TIMEOUT = 1.0
    # A queue no worker listens on: the round trip cannot complete.
    from helpdesk.celery import app

    app.conf.task_default_queue = "helpdesk-nobody-listens"
    try:
        response = client.get("/healthz")
    finally:
        app.conf.task_default_queue = settings.CELERY_TASK_DEFAULT_QUEUE
        health.WORKER_TIMEOUT = 3.0
    assert response.status_code == 503
    assert response.json()["worker"] == "down"


@pytest.mark.worker
def test_healthz_is_200_with_a_live_worker(worker, client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "database": "ok", "channel_layer": "ok", "broker": "ok", "worker": "ok"}
