"""The S3 path: attachments in an S3-compatible bucket through django-storages.

No real S3-compatible server can run on these machines, so the bucket is moto's server mode, started as a real
process on a free port and spoken to over HTTP by boto3, exactly as a MinIO or AWS endpoint would be
(docs/protocol.md, "Storage")."""

import io
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import pytest
from PIL import Image

from chat.attachments import services
from chat.models import Attachment
from tests.chat.attachments import samples
from tests.chat.attachments.helpers import as_customer, content
from tests.conftest import ROOT
from tests.support.servers import free_port

pytestmark = pytest.mark.django_db

BUCKET = "helpdesk-attachments"
CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    """moto_server as a process of its own; stopped by its pid."""
    port = free_port()
    moto = Path(sys.executable).with_name("moto_server")
    (ROOT / "test-artifacts").mkdir(exist_ok=True)
    log = open(ROOT / "test-artifacts" / f"moto-{port}.log", "w")  # noqa: SIM115
    proc = subprocess.Popen([str(moto), "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("moto_server did not start") from None
            time.sleep(0.2)
    try:
        yield url
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()


@pytest.fixture
def bucket(s3_endpoint, settings):
    client = boto3.client("s3", endpoint_url=s3_endpoint, **CREDENTIALS)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "access_key": "testing",
                "secret_key": "testing",
                "addressing_style": "path",
                "default_acl": None,
                "file_overwrite": False,
            },
        },
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def keys(client) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])}


def test_an_upload_lands_in_the_bucket_rewritten_and_is_served_from_it(client, customer, bucket):
    answer = as_customer(client, samples.jpeg_with_gps(), name="IMG_0042.jpg").json()
    stored = Attachment.objects.get(pk=answer["id"])
    assert keys(bucket) == {stored.file_name, stored.thumb_name}
    assert stored.file_name.endswith(f"{stored.pk}.jpg") and "IMG_0042" not in stored.file_name
    in_bucket = bucket.get_object(Bucket=BUCKET, Key=stored.file_name)["Body"].read()
    assert dict(Image.open(io.BytesIO(in_bucket)).getexif()) == {}, "the bucket holds the rewritten file"
    response = client.get(answer["url"])
    assert response.status_code == 200 and content(response) == in_bucket
    assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"


def test_objects_are_private(client, customer, bucket, s3_endpoint):
    answer = as_customer(client, samples.png()).json()
    key = Attachment.objects.get(pk=answer["id"]).file_name
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=key)["Grants"]
    assert all("URI" not in grant["Grantee"] for grant in grants), "no AllUsers / AuthenticatedUsers grant"
    with pytest.raises(OSError):  # an anonymous GET of the object itself is refused
        urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/{key}", timeout=5)


def test_a_refused_upload_leaves_nothing_in_the_bucket(client, customer, bucket):
    assert as_customer(client, samples.png_zip_polyglot()).status_code == 415
    assert keys(bucket) == set()


def test_purging_unsent_uploads_deletes_their_objects(client, customer, bucket):
    import datetime as dt

    as_customer(client, samples.png())
    assert len(keys(bucket)) == 2
    assert services.unsent_purge(older_than=dt.timedelta(0)) == 1
    assert keys(bucket) == set() and not Attachment.objects.exists()


def test_the_environment_selects_the_bucket():
    env = {
        **os.environ,
        "HELPDESK_S3_BUCKET": "desk-files",
        "HELPDESK_S3_ENDPOINT_URL": "http://minio:9000",
        "HELPDESK_S3_ADDRESSING_STYLE": "path",
        "HELPDESK_S3_ACCESS_KEY_ID": "desk",
        "HELPDESK_S3_SECRET_ACCESS_KEY": "secret-key",
    }
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        "print(json.dumps(settings.STORAGES['attachments'], default=str))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env={**env, "DJANGO_SETTINGS_MODULE": "helpdesk.settings"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    storage = json.loads(out.stdout)
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "desk-files"
    assert storage["OPTIONS"]["endpoint_url"] == "http://minio:9000" and storage["OPTIONS"]["default_acl"] is None
