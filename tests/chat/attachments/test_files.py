"""chat/attachments/files.py: what an upload becomes, decided from its content; the hostile ones refused."""

import io
import zipfile

import pytest
from PIL import Image

from chat.attachments import files
from chat.attachments.errors import AttachmentRefused
from tests.chat.attachments import samples


def refused(data: bytes) -> AttachmentRefused:
    with pytest.raises(AttachmentRefused) as caught:
        files.process(data)
    return caught.value


def test_a_photo_with_gps_exif_comes_back_without_it():
    original = samples.jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(samples.GPS_IFD), "the sample has GPS"
    processed = files.process(original)
    stored = Image.open(io.BytesIO(processed.content))
    assert dict(stored.getexif()) == {} and stored.getexif().get_ifd(samples.GPS_IFD) == {}
    assert not {"exif", "xmp", "icc_profile", "comment"} & set(stored.info)
    assert b"Exif" not in processed.content and b"PhoneMaker" not in processed.content
    thumbnail = Image.open(io.BytesIO(processed.thumbnail))
    assert dict(thumbnail.getexif()) == {} and max(thumbnail.size) <= 320


def test_the_orientation_is_applied_to_the_pixels():
    processed = files.process(samples.jpeg_with_gps(orientation=6))  # "rotate 90° clockwise to view"
    stored = Image.open(io.BytesIO(processed.content))
    assert stored.size == (480, 640) == (processed.width, processed.height)
    # The bright corner was top-left; turned clockwise it is top-right.
    assert stored.getpixel((470, 10))[0] > 200 and stored.getpixel((10, 10))[0] < 100


def test_a_colour_profile_is_applied_then_dropped():
    from PIL import ImageCms

    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()
    image = samples.picture((64, 64))
    processed = files.process(samples.encoded(image, "PNG", icc_profile=profile))
    assert "icc_profile" not in Image.open(io.BytesIO(processed.content)).info


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [
        (samples.png(), "image/png", "png"),
        (samples.jpeg_with_gps(), "image/jpeg", "jpg"),
        (samples.webp(), "image/webp", "webp"),
        (samples.animated_gif(), "image/gif", "gif"),
        (samples.heic(), "image/jpeg", "jpg"),  # HEIC is converted
        (samples.pdf(), "application/pdf", "pdf"),
    ],
)
def test_each_allowed_kind_is_taken(data, content_type, extension):
    processed = files.process(data)
    assert (processed.kind.content_type, processed.kind.extension) == (content_type, extension)
    if content_type.startswith("image/"):
        Image.open(io.BytesIO(processed.content)).verify()
        assert processed.thumbnail and processed.width and processed.height
    else:
        assert processed.content == data and processed.thumbnail is None


def test_a_heic_photo_becomes_a_jpeg_of_the_same_picture():
    processed = files.process(samples.heic((320, 240)))
    stored = Image.open(io.BytesIO(processed.content))
    assert stored.format == "JPEG" and stored.size == (320, 240)


def test_an_animated_gif_stays_animated():
    stored = Image.open(io.BytesIO(files.process(samples.animated_gif(frames=3)).content))
    assert stored.format == "GIF" and stored.n_frames == 3


@pytest.mark.parametrize(
    "data",
    [samples.HTML, samples.SVG, b"#!/bin/sh\nrm -rf /\n", b"MZ\x90\x00" + b"\x00" * 60, b"", b"\x89PN"],
    ids=["html", "svg-with-script", "script", "exe", "empty", "truncated-magic"],
)
def test_anything_but_the_allowed_kinds_is_refused(data):
    exc = refused(data)
    assert (exc.code, exc.status) == ("unsupported_type", 415)


def test_html_renamed_png_is_refused_whatever_its_name():
    # The name never reaches the decision: only the bytes do.
    assert refused(samples.HTML).code == "unsupported_type"


def test_a_png_zip_polyglot_is_refused():
    polyglot = samples.png_zip_polyglot()
    assert Image.open(io.BytesIO(polyglot)).format == "PNG" and zipfile.is_zipfile(io.BytesIO(polyglot))
    exc = refused(polyglot)
    assert (exc.code, exc.status) == ("unsupported_type", 415)


def test_bytes_after_the_png_are_refused_even_behind_a_fake_end():
    assert refused(samples.png_with_fake_end()).code == "unsupported_type"


def test_a_jpeg_or_pdf_that_is_also_a_zip_is_refused():
    assert refused(samples.jpeg_with_gps() + samples.zip_archive()).code == "unsupported_type"
    assert refused(samples.pdf() + samples.zip_archive()).code == "unsupported_type"


def test_a_decompression_bomb_is_refused_before_it_is_decoded():
    bomb = samples.png_bomb()
    assert len(bomb) < 200_000  # 60 MB of pixels in a few kilobytes
    exc = refused(bomb)
    assert (exc.code, exc.status) == ("too_large", 413)


def test_a_header_lying_about_its_size_is_refused():
    assert refused(samples.png_lying_header()).code == "too_large"


def test_a_damaged_picture_is_refused():
    truncated = samples.jpeg_with_gps()[:200]
    assert refused(truncated).code == "unsupported_type"


@pytest.mark.parametrize("escaped", [False, True])
def test_a_pdf_with_javascript_is_refused(escaped):
    exc = refused(samples.pdf_with_javascript(escaped=escaped))
    assert exc.code == "unsupported_type" and "scripts" in exc.detail


def test_a_pdf_without_its_end_is_refused():
    assert refused(samples.pdf()[:-8]).code == "unsupported_type"


def test_a_file_over_the_limit_is_refused(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    exc = refused(samples.png())
    assert (exc.code, exc.status, exc.params) == ("too_large", 413, {"limit": "1 KB"})


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("wallet.png", files.PNG, "wallet.png"),
        ("invoice.PNG.exe", files.PNG, "invoice.PNG.png"),  # the content decides the extension
        ("../../etc/passwd", files.PDF, "passwd.pdf"),
        ("C:\\Users\\me\\scan.pdf", files.PDF, "scan.pdf"),
        ("photo\u202egnp.exe", files.JPEG, "photognp.jpg"),  # a right-to-left override would hide ".exe"
        ("  .hidden  ", files.PNG, "hidden.png"),
        ("", files.JPEG, "image.jpg"),
        ("x" * 300 + ".pdf", files.PDF, "x" * 100 + ".pdf"),
        ("скриншот кошелька.heic", files.JPEG, "скриншот кошелька.jpg"),
    ],
)
def test_names_are_cleaned_and_carry_the_true_extension(name, kind, expected):
    assert files.clean_name(name, kind) == expected
