"""Realistic pictures of handwritten digits for `convnet evaluate MODEL --images DIR` (test data, not product).

Digits are written in Debian's handwriting fonts with pen widths from 3 to 150 px, slanted and
rotated, on paper with uneven light and shadows, in light pencil, on transparent canvases, as
light ink on dark boards, saved in several encodings (grey PNG 8/16-bit, grey+alpha, palette,
RGB, RGBA, JPEG, greyscale JPEG, GIF, BMP) and some "photographed sideways": the pixels stored
turned, with the EXIF Orientation tag that turns them upright again (checked with Pillow's
exif_transpose). Laid out as Keras' image_dataset_from_directory reads it:

    OUT/tune/<class>/<kind>-<font>-<n>.<ext>       fonts for tuning augmentation
    OUT/held-out/<class>/<kind>-<font>-<n>.<ext>   other fonts, other seeds: for judging only

The file name says the kind of picture, so a per-kind table can be read off `evaluate --json`.
Usage: make-handwriting.py OUT [--per-class N] [--seed S]
"""
import argparse
import io
import math
import os
import random
import sys

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

FONT_DIRS = ["/usr/share/fonts/truetype", "/usr/share/fonts/opentype"]
# Split by font (and by seed): a model is never judged on a hand it was tuned on.
TUNE_FONTS = ["Humor-Sans.ttf", "Breip.ttf", "femkeklaver.ttf", "ComicNeue-Regular.otf", "ComicNeue-BoldItalic.otf",
              "DancingScript-Regular.otf", "dkg.ttf", "BecauseWeBuild-Regular.otf", "BecauseWeCreate-Regular.otf",
              "BecauseWeMentor-Regular.otf", "KaushanScript-Regular.otf", "CabinSketch-Regular.ttf"]
HELD_OUT_FONTS = ["Rufscript010.ttf", "Kristi.ttf", "DancingScript-Bold.otf", "dkgIt.ttf", "BecauseWeConnect-Regular.otf",
                  "BecauseWeLearn-Regular.otf", "BecauseWeOrganize-Regular.otf", "ComicNeue-Light.otf",
                  "CabinSketch-Bold.ttf"]
KINDS = ["paper", "shadow", "pencil", "transparent", "board", "sideways"]
MAX_SIDE = 1000


def find_font(name):
    for root in FONT_DIRS:
        for dirpath, _, files in os.walk(root):
            if name in files:
                return os.path.join(dirpath, name)
    return None


def glyph_mask(font_path, digit, size, pen, rng):
    """The digit as an 8-bit coverage mask, its pen width brought to about `pen` pixels."""
    font = ImageFont.truetype(font_path, size)
    left, top, right, bottom = font.getbbox(digit)
    margin = pen + 4
    w, h = right - left + 2 * margin, bottom - top + 2 * margin
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).text((margin - left, margin - top), digit, font=font, fill=255)
    natural = stroke_width(mask)
    if pen > natural + 1:  # a wider pen: grow the outline
        grow = int(round((pen - natural) / 2))
        mask = Image.new("L", (w + 2 * grow, h + 2 * grow), 0)
        ImageDraw.Draw(mask).text((margin - left + grow, margin - top + grow), digit, font=font, fill=255,
                                  stroke_width=grow, stroke_fill=255)
    elif pen < natural - 2:  # a finer pen: erode (odd MinFilter sizes)
        k = int(round((natural - pen) / 2)) * 2 + 1
        if k >= 3:
            mask = mask.filter(ImageFilter.MinFilter(min(k, 15)))
    return mask


def stroke_width(mask):
    """Mean stroke width of a coverage mask: twice the area over the outline's length."""
    a = np.asarray(mask) > 127
    area = a.sum()
    edge = (a ^ np.roll(a, 1, 0)).sum() + (a ^ np.roll(a, 1, 1)).sum()
    return 2.0 * area / max(1, edge)


def slant_and_turn(mask, rng):
    shear = rng.uniform(-0.35, 0.35)
    w, h = mask.size
    extra = int(abs(shear) * h)
    mask = mask.transform((w + extra, h), Image.AFFINE, (1, shear, -extra if shear > 0 else 0, 0, 1, 0),
                          resample=Image.BICUBIC)
    return mask.rotate(rng.uniform(-18, 18), resample=Image.BICUBIC, expand=True)


def page_for(mask, rng):
    """Places the digit on a canvas: the digit fills 25 % to 80 % of the canvas' longer side."""
    w, h = mask.size
    fill = rng.uniform(0.25, 0.8)
    side = int(max(w, h) / fill)
    cw = min(MAX_SIDE, max(w + 4, int(side * rng.uniform(0.8, 1.25))))
    ch = min(MAX_SIDE, max(h + 4, side))
    if w > MAX_SIDE - 4 or h > MAX_SIDE - 4:
        scale = (MAX_SIDE - 8) / max(w, h)
        mask = mask.resize((max(1, int(w * scale)), max(1, int(h * scale))), Image.LANCZOS)
        w, h = mask.size
    canvas = Image.new("L", (cw, ch), 0)
    canvas.paste(mask, (rng.randint(0, cw - w), rng.randint(0, ch - h)))
    return np.asarray(canvas, dtype=np.float32) / 255.0


def light_field(h, w, rng, strength):
    """Uneven light: a gradient across the page and a soft-edged shadow (a hand or a phone), in [1-strength, 1]."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    angle = rng.uniform(0, 2 * math.pi)
    g = (xx * math.cos(angle) + yy * math.sin(angle)) / max(h, w)
    g = (g - g.min()) / max(1e-6, g.max() - g.min())
    light = 1 - strength * 0.5 * g
    # a shadow: one side of a line across the page, blurred edge
    cx, cy = rng.uniform(0.2, 0.8) * w, rng.uniform(0.2, 0.8) * h
    a2 = rng.uniform(0, 2 * math.pi)
    d = ((xx - cx) * math.cos(a2) + (yy - cy) * math.sin(a2)) / (0.05 * max(h, w))
    shadow = 1 / (1 + np.exp(-d))
    return light * (1 - strength * 0.6 * shadow)


def render(kind, coverage, rng):
    """(PIL image, mode) of one picture of `coverage` (ink fraction per pixel) as `kind` asks."""
    h, w = coverage.shape
    grain = np.random.default_rng(rng.randint(0, 2**31)).normal(0, rng.uniform(0, 0.02), (h, w)).astype(np.float32)
    if kind in ("paper", "sideways"):
        paper = rng.uniform(0.85, 1.0)
        ink = rng.uniform(0.0, 0.3)
        grey = paper * (1 - coverage) + ink * coverage + grain
        colour = rng.random() < 0.5
        return to_image(grey, colour, rng, tint=(0.1, 0.15, 0.5) if colour else None, ink=coverage)
    if kind == "shadow":
        paper = rng.uniform(0.85, 1.0)
        ink = rng.uniform(0.0, 0.25)
        light = light_field(h, w, rng, rng.uniform(0.4, 0.7))
        grey = (paper * (1 - coverage) + ink * coverage) * light + grain
        return to_image(grey, rng.random() < 0.5, rng, ink=coverage)
    if kind == "pencil":
        paper = rng.uniform(0.88, 1.0)
        ink = rng.uniform(0.45, 0.7)  # light pencil
        grey = paper * (1 - coverage) + ink * coverage + grain * 2
        return to_image(grey, rng.random() < 0.3, rng, ink=coverage)
    if kind == "board":  # light chalk or marker on a dark board
        board = rng.uniform(0.05, 0.3)
        ink = rng.uniform(0.75, 1.0)
        grey = board * (1 - coverage) + ink * coverage + grain
        return to_image(grey, rng.random() < 0.5, rng, ink=coverage)
    if kind == "transparent":  # a canvas app's export: only the strokes are opaque
        light_ink = rng.random() < 0.5
        ink = np.array([1.0, 1.0, 1.0]) if light_ink else np.array([0.0, 0.0, 0.0])
        if rng.random() < 0.3:
            ink = np.array([rng.random(), rng.random(), rng.random()]) * (0.3 if not light_ink else 1)
        rgb = np.empty((h, w, 3), dtype=np.float32)
        rgb[:] = ink
        hidden = rng.choice([0.0, 1.0])  # what the transparent pixels hold: black or white, never seen
        rgb = rgb * coverage[..., None] + hidden * (1 - coverage[..., None])
        alpha = coverage
        if rng.random() < 0.5:
            return Image.fromarray(np.uint8(np.clip(np.dstack([rgb, alpha]) * 255 + 0.5, 0, 255)), "RGBA"), "rgba"
        grey = rgb.mean(axis=2)
        return Image.fromarray(np.uint8(np.clip(np.dstack([grey, alpha]) * 255 + 0.5, 0, 255)), "LA"), "la"
    raise ValueError(kind)


def to_image(grey, colour, rng, tint=None, ink=None):
    grey = np.clip(grey, 0, 1)
    if colour:
        t = np.array(tint if tint is not None else (rng.uniform(0, 0.3), rng.uniform(0, 0.3), rng.uniform(0, 0.5)))
        paper_tint = np.array([rng.uniform(0.95, 1), rng.uniform(0.93, 1), rng.uniform(0.85, 1)])
        rgb = grey[..., None] * paper_tint
        if ink is not None:  # coloured ink where there is ink
            rgb = rgb * (1 - ink[..., None]) + (t * grey[..., None] + t * 0.5) * ink[..., None]
        return Image.fromarray(np.uint8(np.clip(rgb, 0, 1) * 255 + 0.5), "RGB"), "rgb"
    return Image.fromarray(np.uint8(grey * 255 + 0.5), "L"), "grey"


def save(image, mode, kind, path_stem, rng):
    """Saves in an encoding the mode allows; returns the file name's suffix ("png-grey16", ...) and extension."""
    if mode in ("rgba", "la"):
        choices = ["png"] if mode == "la" else ["png", "png", "gif"]
    elif mode == "grey":
        choices = ["png", "png16", "jpeg", "gif", "bmp", "pngpal"]
    else:
        choices = ["png", "jpeg", "jpeg-progressive", "gif", "bmp"]
    if kind == "sideways":
        choices = ["jpeg"]
    encoding = rng.choice(choices)
    options = {}
    if encoding == "png16":
        image = Image.fromarray((np.asarray(image, dtype=np.uint16) * 257).astype(np.uint16))
        ext = "png"
    elif encoding == "pngpal":
        image = image.convert("P", palette=Image.ADAPTIVE, colors=64)
        ext = "png"
    elif encoding == "gif":
        if mode == "rgba":  # GIF's one transparent palette entry
            alpha = np.asarray(image)[..., 3]
            p = image.convert("RGB").convert("P", palette=Image.ADAPTIVE, colors=255)
            arr = np.asarray(p).copy()
            arr[alpha < 128] = 255
            image = Image.fromarray(arr, "P")
            image.putpalette(p.getpalette()[:765] + [0, 0, 0])
            options["transparency"] = 255
        ext = "gif"
    elif encoding.startswith("jpeg"):
        ext = "jpg"
        options["quality"] = rng.randint(60, 95)
        options["progressive"] = encoding == "jpeg-progressive"
    else:
        ext = encoding
    orientation = None
    if kind == "sideways":
        orientation = rng.choice([6, 8, 3])
        stored = image.transpose({6: Image.ROTATE_90, 8: Image.ROTATE_270, 3: Image.ROTATE_180}[orientation])
        exif = Image.Exif()
        exif[0x0112] = orientation
        options["exif"] = exif.tobytes()
        # what every viewer shows must be the upright picture
        shown = ImageOps.exif_transpose(Image.open(io.BytesIO(encode(stored, "JPEG", options))))
        assert shown.size == image.size, "EXIF orientation round trip failed"
        image = stored
    name = path_stem + "-" + encoding + ("-exif%d" % orientation if orientation else "") + "." + ext
    with open(name, "wb") as f:
        f.write(encode(image, {"png": "PNG", "gif": "GIF", "bmp": "BMP", "jpg": "JPEG"}[ext], options))
    return name


def encode(image, fmt, options):
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def make(out, fonts, per_class, seed):
    rng = random.Random(seed)
    paths = []
    for name in fonts:
        path = find_font(name)
        if path is None:
            sys.exit("make-handwriting: font %s is missing: run scripts/make-handwriting (it installs the fonts)" % name)
        paths.append((name.rsplit(".", 1)[0], path))
    count = 0
    for digit in range(10):
        folder = os.path.join(out, str(digit))
        os.makedirs(folder, exist_ok=True)
        for n in range(per_class):
            font_name, font_path = paths[(n + digit) % len(paths)]
            kind = KINDS[n % len(KINDS)]
            pen = int(round(math.exp(rng.uniform(math.log(3), math.log(150)))))  # 3 to 150 px, log-uniform
            # the digit's height is 6 to 30 pen widths: a marker on a small digit to a fine pen on a big one
            size = int(min(900, max(28, pen * rng.uniform(7, 36))))
            mask = slant_and_turn(glyph_mask(font_path, str(digit), size, pen, rng), rng)
            coverage = page_for(mask, rng)
            image, mode = render(kind, coverage, rng)
            stem = os.path.join(folder, "%s-%s-pen%d-%03d" % (kind, font_name, pen, n))
            save(image, mode, kind, stem, rng)
            count += 1
    return count


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--per-class", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    n = make(os.path.join(args.out, "tune"), TUNE_FONTS, args.per_class, args.seed)
    m = make(os.path.join(args.out, "held-out"), HELD_OUT_FONTS, args.per_class, args.seed + 1_000_003)
    print("Wrote %d tuning and %d held-out pictures under %s (tune/, held-out/)" % (n, m, args.out))


if __name__ == "__main__":
    main()
