#!/usr/bin/python3
"""Pillow reference outputs for the C# image preprocessing tests.

Run with Debian's interpreter (apt-get install python3-pil python3-numpy):

    /usr/bin/python3 make_fixtures.py        # writes next to this script

Writes
  resize_cases.json / resize_cases.safetensors
      small random images (L, LA, RGB, RGBA; odd sizes, 1-pixel rows/columns) and
      Image.resize((w, h), filter) for every Pillow filter, up- and down-scaling.
  decode_cases.json / decode_cases.safetensors / decode_*.{png,jpg,gif,bmp,webp}
      small encoded files of many PNG/JPEG variants and what Pillow decodes from them:
      np.array(Image.open(f).convert(<mode the C# decoder reports>)) and np.array(... .convert('RGB')).

The safetensors files hold U8 tensors only and are written by hand (no safetensors package needed).
"""

import io
import json
import os
import struct
import zlib

import numpy as np
import PIL
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.RandomState(20240611)

FILTERS = {
    "Nearest": Image.NEAREST,
    "Lanczos": Image.LANCZOS,
    "Bilinear": Image.BILINEAR,
    "Bicubic": Image.BICUBIC,
    "Box": Image.BOX,
    "Hamming": Image.HAMMING,
}


def write_safetensors(path, tensors):
    header = {}
    offset = 0
    blobs = []
    for name, array in tensors.items():
        array = np.ascontiguousarray(array, dtype=np.uint8)
        data = array.tobytes()
        header[name] = {"dtype": "U8", "shape": list(array.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    header_bytes = json.dumps(header, separators=(",", ":")).encode()
    header_bytes += b" " * (-len(header_bytes) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(header_bytes)))
        f.write(header_bytes)
        for blob in blobs:
            f.write(blob)


def textured(height, width, channels):
    """Smooth gradients plus noise and a few hard edges: exercises rounding and the clip at 0/255."""
    y, x = np.mgrid[0:height, 0:width]
    planes = []
    for c in range(channels):
        base = 128 + 100 * np.sin((x * (c + 1) + 2 * y) / max(width, 2) * 3.0)
        noise = rng.randint(-60, 61, size=(height, width))
        plane = base + noise
        plane[(x + y + c) % 7 == 0] = 255
        plane[(x * 3 + y + c) % 11 == 0] = 0
        planes.append(np.clip(plane, 0, 255))
    return np.stack(planes, axis=-1).astype(np.uint8)


def with_alpha(rgb_or_l, height, width):
    alpha = rng.randint(0, 256, size=(height, width)).astype(np.uint8)
    alpha[::3, ::2] = 255
    alpha[1::4, 1::3] = 0
    return np.concatenate([rgb_or_l, alpha[..., None]], axis=-1)


def resize_cases():
    images = {
        "rgb_17x13": ("RGB", textured(13, 17, 3)),
        "l_40x30": ("L", textured(30, 40, 1)[..., 0]),
        "l_160x120": ("L", textured(120, 160, 1)[..., 0]),
        "rgba_15x11": ("RGBA", with_alpha(textured(11, 15, 3), 11, 15)),
        "la_9x7": ("LA", with_alpha(textured(7, 9, 1), 7, 9)),
        "rgb_1x9": ("RGB", textured(9, 1, 3)),
        "rgb_9x1": ("RGB", textured(1, 9, 3)),
        "l_1x1": ("L", textured(1, 1, 1)[..., 0]),
    }
    targets = {
        "rgb_17x13": [(5, 4), (31, 29), (40, 6), (9, 13), (17, 25), (1, 1), (1, 13), (16, 12), (18, 14)],
        "l_40x30": [(7, 5), (13, 11), (3, 2), (41, 31), (80, 7)],
        "l_160x120": [(7, 5), (23, 37)],
        "rgba_15x11": [(6, 5), (29, 23), (15, 4)],
        "la_9x7": [(4, 3), (20, 15)],
        "rgb_1x9": [(4, 20), (1, 4), (3, 9)],
        "rgb_9x1": [(3, 5), (20, 1), (4, 1)],
        "l_1x1": [(5, 3)],
    }
    tensors = {}
    cases = []
    for name, (mode, array) in images.items():
        tensors["in." + name] = array
        image = Image.fromarray(array, mode)
        assert image.mode == mode
        for (w, h) in targets[name]:
            for filter_name, code in FILTERS.items():
                case = f"{name}_to_{w}x{h}_{filter_name}"
                out = np.array(image.resize((w, h), code))
                tensors["out." + case] = out
                cases.append({"name": case, "input": name, "mode": mode, "filter": filter_name,
                              "width": w, "height": h})
    write_safetensors(os.path.join(HERE, "resize_cases.safetensors"), tensors)
    with open(os.path.join(HERE, "resize_cases.json"), "w") as f:
        json.dump({"pillow_version": PIL.__version__, "cases": cases}, f, separators=(",", ":"))
    return len(cases)


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def raw_png(width, height, bit_depth, color_type, rows, extra_chunks=()):
    """A PNG written by hand for variants Pillow cannot save (16-bit colour, 2/4-bit gray, tRNS on gray/RGB)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    raw = b"".join(b"\x00" + row for row in rows)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr)
            + b"".join(png_chunk(k, d) for k, d in extra_chunks)
            + png_chunk(b"IDAT", zlib.compress(raw, 9)) + png_chunk(b"IEND", b""))


def pack_bits(values, bits):
    out = bytearray()
    per_byte = 8 // bits
    for i in range(0, len(values), per_byte):
        byte = 0
        group = list(values[i:i + per_byte]) + [0] * (per_byte - len(values[i:i + per_byte]))
        for v in group:
            byte = (byte << bits) | int(v)
        out.append(byte)
    return bytes(out)


def without_jpeg_segment(data, marker):
    out = bytearray(data[:2])
    i = 2
    while i < len(data):
        kind = data[i + 1]
        if kind == 0xDA:  # start of scan: the rest is entropy-coded data
            return bytes(out + data[i:])
        length = struct.unpack(">H", data[i + 2:i + 4])[0]
        if kind != marker:
            out += data[i:i + 2 + length]
        i += 2 + length
    raise ValueError("no start of scan")


def swapped_primaries_icc_profile():
    """A minimal ICC v2 matrix/TRC display profile: linear (gamma 1.0) with sRGB's red and blue columns swapped,
    so any colour management would change the pixels a lot."""
    def s15(v):
        return struct.pack(">i", int(round(v * 65536)))

    def xyz(x, y, z):
        return b"XYZ " + bytes(4) + s15(x) + s15(y) + s15(z)

    linear = b"curv" + bytes(4) + struct.pack(">I", 1) + struct.pack(">H", 0x0100) + bytes(2)
    tags = [
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.1431, 0.0606, 0.7141)),  # sRGB blue (D50)
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.4361, 0.2225, 0.0139)),  # sRGB red (D50)
        (b"rTRC", linear), (b"gTRC", linear), (b"bTRC", linear),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table = struct.pack(">I", len(tags))
    data = b""
    for signature, body in tags:
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body + bytes(-len(body) % 4)
    size = offset + len(data)
    header = (struct.pack(">I", size) + bytes(4) + struct.pack(">I", 0x02100000) + b"mntrRGB XYZ " + bytes(12)
              + b"acsp" + bytes(4) + bytes(4) + bytes(4) + bytes(4) + bytes(8) + bytes(4)
              + s15(0.9642) + s15(1.0) + s15(0.8249) + bytes(4) + bytes(16) + bytes(28))
    assert len(header) == 128
    return header + table + data


def decode_files():
    """name -> encoded bytes."""
    w, h = 19, 14
    files = {}

    def save(image, ext, **kw):
        buffer = io.BytesIO()
        image.save(buffer, format={"png": "PNG", "jpg": "JPEG", "gif": "GIF", "bmp": "BMP", "webp": "WEBP"}[ext], **kw)
        return buffer.getvalue()

    rgb = Image.fromarray(textured(h, w, 3), "RGB")
    files["decode_rgb8.png"] = save(rgb, "png")
    files["decode_rgba8.png"] = save(Image.fromarray(with_alpha(textured(h, w, 3), h, w), "RGBA"), "png")
    files["decode_l8.png"] = save(Image.fromarray(textured(h, w, 1)[..., 0], "L"), "png")
    files["decode_la8.png"] = save(Image.fromarray(with_alpha(textured(h, w, 1), h, w), "LA"), "png")
    files["decode_1bit.png"] = save(Image.fromarray(textured(h, w, 1)[..., 0]).convert("1"), "png")
    palette = rgb.quantize(colors=13)
    files["decode_palette.png"] = save(palette, "png")
    files["decode_palette4bit.png"] = save(rgb.quantize(colors=9), "png", bits=4)
    files["decode_palette_trns.png"] = save(palette, "png", transparency=3)

    # Hand-written PNG variants.
    g16 = rng.randint(0, 65536, size=(h, w)).astype(">u2")
    rgb16 = rng.randint(0, 65536, size=(h, w, 3)).astype(">u2")
    rgba16 = rng.randint(0, 65536, size=(h, w, 4)).astype(">u2")
    la16 = rng.randint(0, 65536, size=(h, w, 2)).astype(">u2")
    files["decode_rgb16.png"] = raw_png(w, h, 16, 2, [r.tobytes() for r in rgb16])
    files["decode_rgba16.png"] = raw_png(w, h, 16, 6, [r.tobytes() for r in rgba16])
    files["decode_la16.png"] = raw_png(w, h, 16, 4, [r.tobytes() for r in la16])
    files["decode_gray16.png"] = raw_png(w, h, 16, 0, [r.tobytes() for r in g16])  # Pillow: mode "I", rejected
    g2 = rng.randint(0, 4, size=(h, w))
    g4 = rng.randint(0, 16, size=(h, w))
    files["decode_gray2bit.png"] = raw_png(w, h, 2, 0, [pack_bits(r, 2) for r in g2])
    files["decode_gray4bit.png"] = raw_png(w, h, 4, 0, [pack_bits(r, 4) for r in g4])
    g8 = textured(h, w, 1)[..., 0]
    files["decode_gray_trns.png"] = raw_png(w, h, 8, 0, [r.tobytes() for r in g8],
                                            [(b"tRNS", struct.pack(">H", int(g8[0, 0])))])
    rgb8 = textured(h, w, 3)
    files["decode_rgb_trns.png"] = raw_png(w, h, 8, 2, [r.tobytes() for r in rgb8],
                                           [(b"tRNS", struct.pack(">HHH", *map(int, rgb8[0, 0])))])
    # gAMA 1.0 (a strong correction if a decoder applied it): Pillow ignores it.
    files["decode_rgb_gamma.png"] = raw_png(w, h, 8, 2, [r.tobytes() for r in rgb8],
                                            [(b"gAMA", struct.pack(">I", 100000))])
    # An embedded RGB profile far from sRGB (gamma 1, red and blue primaries swapped): Pillow ignores it.
    odd_profile = swapped_primaries_icc_profile()
    files["decode_rgb_icc.png"] = save(rgb, "png", icc_profile=odd_profile)

    jw, jh = 35, 27  # not a multiple of the 16x16 MCU
    jrgb = Image.fromarray(textured(jh, jw, 3), "RGB")
    files["decode_q90_420.jpg"] = save(jrgb, "jpg", quality=90)
    files["decode_q75_444.jpg"] = save(jrgb, "jpg", quality=75, subsampling=0)
    files["decode_q80_422.jpg"] = save(jrgb, "jpg", quality=80, subsampling=1)
    files["decode_progressive.jpg"] = save(jrgb, "jpg", quality=85, progressive=True)
    files["decode_gray.jpg"] = save(jrgb.convert("L"), "jpg", quality=90)
    files["decode_cmyk.jpg"] = save(jrgb.convert("CMYK"), "jpg", quality=90)
    # Pillow assumes Adobe (inverted) CMYK even without the APP14 "Adobe" marker; so must the decoder.
    files["decode_cmyk_no_adobe.jpg"] = without_jpeg_segment(files["decode_cmyk.jpg"], 0xEE)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation "rotate 90": Image.open does not apply it
    files["decode_exif_rotated.jpg"] = save(jrgb, "jpg", quality=90, exif=exif.tobytes())
    files["decode_icc.jpg"] = save(jrgb, "jpg", quality=90, icc_profile=odd_profile)

    files["decode_palette.gif"] = save(palette, "gif")
    files["decode_rgb.bmp"] = save(rgb, "bmp")
    files["decode_lossless.webp"] = save(rgb, "webp", lossless=True)
    files["decode_lossy.webp"] = save(rgb, "webp", quality=80)
    files["decode_rgba_lossless.webp"] = save(Image.fromarray(with_alpha(textured(h, w, 3), h, w), "RGBA"),
                                              "webp", lossless=True)
    return files


# The mode the C# decoder reports for each Pillow mode (palette with tRNS -> RGBA, see DecodedImage docs).
def csharp_mode(image, name):
    if image.mode == "P":
        return "RGBA" if "transparency" in image.info else "RGB"
    return {"1": "L", "L": "L", "LA": "LA", "RGB": "RGB", "RGBA": "RGBA", "CMYK": "RGB"}.get(image.mode)


def decode_cases():
    tensors = {}
    cases = []
    for name, data in decode_files().items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        image = Image.open(io.BytesIO(data))
        image.load()
        mode = csharp_mode(image, name)
        case = {"file": name, "pillow_mode": image.mode, "expected_mode": mode}
        if mode is not None:
            tensors["decoded." + name] = np.array(image.convert(mode))
            if mode != "RGB":  # for RGB the RGB conversion is the decoded array itself
                tensors["rgb." + name] = np.array(image.convert("RGB"))
        cases.append(case)
    write_safetensors(os.path.join(HERE, "decode_cases.safetensors"), tensors)
    with open(os.path.join(HERE, "decode_cases.json"), "w") as f:
        json.dump({"pillow_version": PIL.__version__, "cases": cases}, f, indent=1)
    return len(cases)


if __name__ == "__main__":
    n_resize = resize_cases()
    n_decode = decode_cases()
    print(f"Pillow {PIL.__version__}, numpy {np.__version__}: {n_resize} resize cases, {n_decode} decode cases")
