"""What an uploaded file becomes: its type decided from its content, images decoded and re-encoded, PDFs checked.

Nothing here trusts the name or the declared type. The first bytes decide the kind; a kind we do not take (HTML,
SVG, a script, an archive, anything else) is refused. A file that is two things at once (a polyglot: a picture that
is also a ZIP, a PDF that is also an archive) is refused. Pictures are decoded by Pillow and written anew, so what
we store and serve holds pixels only: no EXIF (GPS, camera, time), no XMP, no comments, no colour profile (the
pixels are converted to sRGB first), no bytes after the picture. Orientation is applied to the pixels. HEIC becomes
JPEG. The pixel count is checked from the header before anything is decoded (decompression bombs).

PDFs cannot be rewritten here: they are kept as they came when they pass the checks (a PDF header, an end marker,
no JavaScript, launch actions, embedded files or rich media in their names), and are only ever served as a
download (chat/attachments/views.py).
"""

import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass

import pillow_heif
from django.conf import settings
from PIL import Image, ImageCms, ImageOps, ImageSequence

from chat.attachments.errors import (
    ACTIVE_PDF,
    NOT_ALLOWED,
    NOT_WHAT_IT_SAYS,
    TOO_BIG,
    TOO_MANY_PIXELS,
    AttachmentRefused,
)

pillow_heif.register_heif_opener()

THUMB_BOX = (320, 320)
JPEG_QUALITY = 88
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"}
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z0-9])")


@dataclass(frozen=True)
class Kind:
    key: str
    content_type: str
    extension: str
    pillow_format: str | None  # None: not a picture


PNG = Kind("png", "image/png", "png", "PNG")
JPEG = Kind("jpeg", "image/jpeg", "jpg", "JPEG")
WEBP = Kind("webp", "image/webp", "webp", "WEBP")
GIF = Kind("gif", "image/gif", "gif", "GIF")
HEIC = Kind("heic", "image/heic", "heic", "HEIF")
PDF = Kind("pdf", "application/pdf", "pdf", None)
OUTPUT = {"heic": JPEG}  # what a kind is stored as, when not itself


@dataclass(frozen=True)
class Processed:
    """The file as we store it (never the bytes that came in, for pictures)."""

    content: bytes
    kind: Kind
    width: int | None = None
    height: int | None = None
    thumbnail: bytes | None = None
    thumbnail_type: str = ""


def sniff(head: bytes) -> Kind | None:
    """The kind from the first bytes, or None for anything we do not take."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[4:8] == b"ftyp" and _is_heif(head):
        return HEIC
    if head.startswith(b"%PDF-"):
        return PDF
    return None


def _is_heif(head: bytes) -> bool:
    """An ISO-BMFF file whose brands say HEIF with HEVC pictures (not AVIF, not a video)."""
    size = int.from_bytes(head[:4], "big")
    brands = [head[8:12]] + [head[i : i + 4] for i in range(16, min(size, len(head)), 4)]
    return bool(HEIF_BRANDS.intersection(brands))


def process(data: bytes) -> Processed:
    """Check and rewrite one uploaded file, or raise AttachmentRefused."""
    if len(data) > settings.ATTACHMENT_MAX_BYTES:
        raise AttachmentRefused("too_large", TOO_BIG, limit=human_size(settings.ATTACHMENT_MAX_BYTES))
    kind = sniff(data[:64])
    if kind is None:
        raise AttachmentRefused("unsupported_type", NOT_ALLOWED)
    if _is_zip(data) or (kind is PNG and _png_trailer(data)):
        raise AttachmentRefused("unsupported_type", NOT_WHAT_IT_SAYS)
    if kind is PDF:
        return _checked_pdf(data)
    return _rewritten_image(data, kind)


def _is_zip(data: bytes) -> bool:
    """A ZIP reader looks for its directory at the end of a file, whatever comes first: a picture or a PDF that is
    also an archive (a polyglot) would open as one. zipfile looks exactly where they do."""
    return zipfile.is_zipfile(io.BytesIO(data))


def _png_trailer(data: bytes) -> bool:
    """Bytes after a PNG's IEND chunk (or no IEND at all): nothing a picture needs, where a polyglot hides its
    second self. The chunks are walked from the start, so a fake IEND placed at the very end changes nothing."""
    position = 8
    while position + 12 <= len(data):
        length = int.from_bytes(data[position : position + 4], "big")
        chunk = data[position + 4 : position + 8]
        position += 12 + length  # length, type, data, CRC
        if chunk == b"IEND":
            return position != len(data)
    return True


def _checked_pdf(data: bytes) -> Processed:
    if b"%%EOF" not in data[-1024:]:
        raise AttachmentRefused("unsupported_type", NOT_WHAT_IT_SAYS)
    # Names may be written with #xx escapes (/J#61vaScript): read them as a PDF reader would.
    names = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), data)
    if PDF_ACTIVE.search(names):
        raise AttachmentRefused("unsupported_type", ACTIVE_PDF)
    return Processed(content=data, kind=PDF)


def _rewritten_image(data: bytes, kind: Kind) -> Processed:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data), formats=[kind.pillow_format]) as image:
                _check_pixels(image)
                frames = _clean_frames(image)
                durations = [frame.info.get("duration", 100) for frame in ImageSequence.Iterator(image)]
                loop = image.info.get("loop", 0)
        except AttachmentRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise AttachmentRefused("too_large", TOO_MANY_PIXELS) from exc
        except (OSError, SyntaxError, ValueError, TypeError, EOFError, RuntimeError, IndexError) as exc:
            # Pillow's word for "this is not a picture of that kind" (or a damaged one).
            raise AttachmentRefused("unsupported_type", NOT_WHAT_IT_SAYS) from exc
    stored = OUTPUT.get(kind.key, kind)
    content = _encode(frames, stored, durations=durations, loop=loop)
    thumbnail, thumbnail_type = _thumbnail(frames[0])
    return Processed(content, stored, frames[0].width, frames[0].height, thumbnail, thumbnail_type)


def _check_pixels(image: Image.Image) -> None:
    """From the header alone, before decoding: a 50,000 x 50,000 picture may be a few kilobytes of PNG."""
    width, height = image.size
    frames = getattr(image, "n_frames", 1)
    if width < 1 or height < 1 or width * height * frames > settings.ATTACHMENT_MAX_PIXELS:
        raise AttachmentRefused("too_large", TOO_MANY_PIXELS)


def _clean_frames(image: Image.Image) -> list[Image.Image]:
    """Every frame decoded into a new image that holds pixels only (sRGB, upright)."""
    if getattr(image, "n_frames", 1) == 1:
        return [_pixels_only(_srgb(ImageOps.exif_transpose(image)))]
    return [_pixels_only(frame.convert("RGBA")) for frame in ImageSequence.Iterator(image)]


def _srgb(image: Image.Image) -> Image.Image:
    """Pixels in sRGB, so that dropping the colour profile changes nothing a person sees."""
    profile = image.info.get("icc_profile")
    if not profile:
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(profile))
        mode = "RGBA" if "A" in image.getbands() else "RGB"
        return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode=mode)
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile: keep the pixels as they are


def _pixels_only(image: Image.Image) -> Image.Image:
    if image.mode not in ("RGB", "RGBA", "L", "LA"):
        image = image.convert("RGBA" if _has_alpha(image) else "RGB")
    clean = image.copy()
    clean.info = {}  # EXIF, XMP, ICC, comments, text chunks: nothing is carried over
    return clean


def _has_alpha(image: Image.Image) -> bool:
    return "A" in image.getbands() or "transparency" in image.info


def _encode(frames: list[Image.Image], kind: Kind, *, durations: list[int], loop: int) -> bytes:
    out = io.BytesIO()
    first = frames[0]
    if kind is JPEG:
        first.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    elif kind is PNG:
        first.save(out, "PNG", optimize=False)
    elif len(frames) > 1:  # an animated GIF or WebP stays animated
        first.save(out, kind.pillow_format, save_all=True, append_images=frames[1:], duration=durations, loop=loop)
    elif kind is WEBP:
        first.save(out, "WEBP", quality=85)
    else:
        first.save(out, "GIF")
    return out.getvalue()


def _thumbnail(image: Image.Image) -> tuple[bytes, str]:
    small = image.copy()
    small.thumbnail(THUMB_BOX)
    out = io.BytesIO()
    if _has_alpha(small):
        small.convert("RGBA").save(out, "PNG")
        return out.getvalue(), "image/png"
    small.convert("RGB").save(out, "JPEG", quality=80)
    return out.getvalue(), "image/jpeg"


# --- names -----------------------------------------------------------------------------------------

# Direction overrides and isolates turn "invoice\u202efdp.exe" into what reads as "invoiceexe.pdf".
UNSAFE_CHARS = re.compile(r"[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
NAME_LENGTH = 100


def clean_name(name: str, kind: Kind) -> str:
    """The uploader's file name, shown to people: no path, no control or direction characters, the true
    extension (what the content is, whatever the name claimed)."""
    base = unicodedata.normalize("NFC", str(name or "")).replace("\\", "/").rsplit("/", 1)[-1]
    base = UNSAFE_CHARS.sub("", base).strip().strip(".")
    stem = base.rsplit(".", 1)[0] if "." in base else base
    stem = stem.strip()[:NAME_LENGTH] or ("image" if kind.pillow_format else "document")
    return f"{stem}.{kind.extension}"


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.0f} MB"
    return f"{max(1, size // 1024)} KB"
