"""Files to upload: real pictures made with Pillow, and the hostile ones an attacker would send."""

import io
import struct
import zipfile
import zlib

import pillow_heif
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
# A real place: the coordinates must be gone from what is stored and served.
GPS = {1: "N", 2: (55.0, 45.0, 21.5), 3: "E", 4: (37.0, 37.0, 4.25)}


def picture(size=(640, 480), colour=(47, 111, 106), mode="RGB") -> Image.Image:
    image = Image.new(mode, size, colour)
    # A bright corner, to see where the pixels went after the orientation is applied.
    image.paste((250, 200, 0) if mode == "RGB" else 255, (0, 0, size[0] // 4, size[1] // 4))
    return image


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def png(size=(640, 480)) -> bytes:
    return encoded(picture(size), "PNG")


def jpeg_with_gps(orientation: int = 1, size=(640, 480)) -> bytes:
    exif = Image.Exif()
    exif[ORIENTATION] = orientation
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[GPS_IFD] = GPS
    return encoded(picture(size), "JPEG", exif=exif.tobytes(), quality=90)


def heic(size=(320, 240)) -> bytes:
    pillow_heif.register_heif_opener()
    return encoded(picture(size), "HEIF", quality=80)


def webp(size=(320, 240)) -> bytes:
    return encoded(picture(size), "WEBP", quality=80)


def animated_gif(frames=3, size=(64, 48)) -> bytes:
    images = [picture(size, colour=(40 * i, 80, 120)) for i in range(frames)]
    return encoded(images[0], "GIF", save_all=True, append_images=images[1:], duration=120, loop=0)


def pdf(extra: bytes = b"") -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R" + extra + b" >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )


def pdf_with_javascript(escaped: bool = False) -> bytes:
    """A PDF that runs a script when opened; `escaped` writes the names as a PDF reader also reads them."""
    names = b"/S /J#61vaScript /J#53" if escaped else b"/S /JavaScript /JS"
    return pdf(b" /OpenAction << " + names + b" (app.alert(1)) >>")


HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>"
)


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", HTML)
    return out.getvalue()


def png_zip_polyglot() -> bytes:
    """A PNG that is also a ZIP: image viewers show the picture, unzip finds the payload."""
    return png((64, 64)) + zip_archive()


def png_with_fake_end() -> bytes:
    """Bytes after IEND, ending with a second IEND chunk to fool a reader that looks from the end."""
    return png((64, 64)) + b"<script>alert(1)</script>" + struct.pack(">I", 0) + b"IEND" + b"\xae\x42\x60\x82"


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png_bomb() -> bytes:
    """A real decompression bomb: 10,000 x 6,000 black pixels (60 MP, 60 MB decoded) in a few kilobytes."""
    return encoded(Image.new("L", (10_000, 6_000), 0), "PNG", optimize=True)


def png_lying_header() -> bytes:
    """A header that claims 100,000 x 100,000 pixels over a few bytes of data."""
    ihdr = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")
