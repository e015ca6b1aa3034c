"""Photos: a real JPEG with EXIF GPS, XMP, ICC and a comment comes out as a JPEG with none of them."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms

from exsampling_osc.errors import InvalidRequest
from exsampling_osc.photos import MAX_EDGE, clean_photo

GPS_IFD = 0x8825


def jpeg_with_gps(size=(3000, 2000)) -> bytes:
    img = Image.new("RGB", size, (30, 120, 200))
    img.paste((250, 40, 40), (0, 0, size[0] // 2, size[1] // 2))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° CW to view
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (35.0, 39.0, 29.52), 3: "E", 4: (139.0, 44.0, 28.86)})
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description GPSLatitude="35,39.49N"/></x:xmpmeta>'
    buf = io.BytesIO()
    img.save(buf, "JPEG", exif=exif.tobytes(), icc_profile=icc, xmp=xmp, comment=b"taken at Shibuya")
    return buf.getvalue()


def test_gps_and_all_metadata_gone_from_output_bytes():
    src = jpeg_with_gps()
    before = Image.open(io.BytesIO(src))
    assert before.getexif().get_ifd(GPS_IFD)  # the input really carries GPS
    assert b"Shibuya" in src and b"GPSLatitude" in src and b"PhoneMaker" in src
    out = clean_photo(src)
    after = Image.open(io.BytesIO(out))
    assert after.format == "JPEG"
    assert not after.getexif() and not after.getexif().get_ifd(GPS_IFD)
    assert "icc_profile" not in after.info and "xmp" not in after.info and "comment" not in after.info
    for marker in (
        b"Exif\x00\x00",
        b"Shibuya",
        b"GPSLatitude",
        b"PhoneMaker",
        b"http://ns.adobe.com/xap",
        b"ICC_PROFILE",
    ):
        assert marker not in out
    # turned upright by the orientation tag, then resized to the maximum edge
    assert after.size == (round(MAX_EDGE * 2000 / 3000), MAX_EDGE)
    assert after.getpixel((after.width - 10, 10))[0] > 200  # the red corner moved to the top right


def test_png_with_alpha_and_webp_become_jpeg():
    for fmt, mode in (("PNG", "RGBA"), ("WEBP", "RGB")):
        buf = io.BytesIO()
        Image.new(mode, (500, 300), (0, 200, 0, 0) if mode == "RGBA" else (0, 200, 0)).save(buf, fmt)
        out = Image.open(io.BytesIO(clean_photo(buf.getvalue())))
        assert out.format == "JPEG" and out.size == (500, 300)


def test_refusals_are_clear():
    with pytest.raises(InvalidRequest, match="not an image"):
        clean_photo(b"RIFF....WAVEfmt " + bytes(100))
    with pytest.raises(InvalidRequest, match="empty"):
        clean_photo(b"")
    with pytest.raises(InvalidRequest, match="too large"):
        clean_photo(b"\xff\xd8" + bytes(16 * 1024 * 1024))
    with pytest.raises(InvalidRequest, match="could not be read"):
        clean_photo(jpeg_with_gps((400, 300))[:600])  # truncated


def test_decompression_bomb_refused_before_decoding():
    buf = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buf, "PNG")  # 400 Mpx in a few tens of KB
    assert len(buf.getvalue()) < 1024 * 1024
    with pytest.raises(InvalidRequest, match="too many pixels"):
        clean_photo(buf.getvalue())
