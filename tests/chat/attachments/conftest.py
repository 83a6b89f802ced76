"""Attachments are stored in a fresh folder per test (the filesystem storage; test_s3.py swaps in a bucket)."""

import pytest


@pytest.fixture(autouse=True)
def attachment_storage(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path}},
    }
    # Counters live in the shared cache for a minute; only the test about the limit keeps the real one.
    settings.ATTACHMENT_UPLOADS_PER_MINUTE = 1000
    return tmp_path
