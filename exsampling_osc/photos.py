"""Photos sent with recordings: checked to be images, shrunk, re-encoded as JPEG with every piece of metadata gone.

The output is built from the decoded pixels only, so EXIF (GPS, camera, time), XMP, IPTC, ICC profiles and
comments of the input cannot reach it. HEIC/HEIF is read when ``pillow-heif`` is installed.
"""

from __future__ import annotations

import io
import warnings

from exsampling_osc.errors import InvalidRequest

#: Longest edge of a stored photo, in pixels.
MAX_EDGE = 1600
#: Largest upload accepted, in bytes.
MAX_BYTES = 15 * 1024 * 1024
#: Largest decoded image, in pixels (a decompression bomb is refused before it is decoded).
MAX_PIXELS = 50_000_000
JPEG_QUALITY = 85
FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")


def _open(data: bytes):
    from PIL import Image, UnidentifiedImageError

    try:  # HEIC from iPhones, when the optional plugin is there
        from pillow_heif import register_heif_opener  # type: ignore[import-not-found]

        register_heif_opener()
    except ImportError:
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data), formats=None)
        except UnidentifiedImageError:
            raise InvalidRequest("the photo is not an image this server can read (send a JPEG, PNG or WebP)") from None
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise InvalidRequest("the photo is too large to open (too many pixels)") from None
        except (OSError, ValueError, SyntaxError) as exc:
            raise InvalidRequest(f"the photo could not be read ({exc})") from None
    if img.format not in FORMATS:
        raise InvalidRequest(f"photos in {img.format} are not accepted (send a JPEG, PNG or WebP)")
    if img.width * img.height > MAX_PIXELS:
        raise InvalidRequest(f"the photo has too many pixels ({img.width}×{img.height})")
    return img


def clean_photo(data: bytes, max_edge: int = MAX_EDGE) -> bytes:
    """JPEG bytes of ``data`` (an image) turned upright, at most ``max_edge`` px, with no metadata at all.

    Raises :class:`InvalidRequest` for an empty, oversized, unreadable, truncated or bomb-sized input.

    Examples
    --------
    >>> from PIL import Image
    >>> buf = io.BytesIO(); Image.new("RGB", (4000, 1000), "red").save(buf, "PNG")
    >>> from PIL import Image as I; I.open(io.BytesIO(clean_photo(buf.getvalue()))).size
    (1600, 400)
    """
    from PIL import Image, ImageOps

    if not data:
        raise InvalidRequest("the photo is empty")
    if len(data) > MAX_BYTES:
        raise InvalidRequest(f"the photo is too large ({len(data) // 1048576} MB; at most {MAX_BYTES // 1048576} MB)")
    img = _open(data)
    try:
        img = ImageOps.exif_transpose(img)  # keep the picture upright once the orientation tag is gone
        img.thumbnail((max_edge, max_edge), Image.Resampling.LANCZOS)
        if img.mode != "RGB":
            rgba = img.convert("RGBA")
            img = Image.new("RGB", rgba.size, (255, 255, 255))
            img.paste(rgba, mask=rgba.getchannel("A"))
        pixels = Image.frombytes("RGB", img.size, img.tobytes())  # a fresh image: no info, exif, icc or xmp
    except (OSError, ValueError, SyntaxError) as exc:
        raise InvalidRequest(f"the photo could not be read ({exc})") from None
    out = io.BytesIO()
    pixels.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()
