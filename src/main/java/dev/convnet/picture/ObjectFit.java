package dev.convnet.picture;

/**
 * A picture of a garment or shoe made as Fashion-MNIST's pictures were, instead of the digit
 * stages (a digit's crop to the ink, 20x20 box, deskew and stroke width squeeze a boot into a
 * sneaker). Zalando's conversion (the Fashion-MNIST README, "How to generate"): trim the edges
 * close to the corners' colour, resize the longest edge to 28, extend the shortest to 28 with the
 * object centred, negate. Their product photos had white backgrounds: a transparent picture is laid
 * on white first (on black when what it shows is light, or a white shirt would vanish on white),
 * and one that is already light on dark (a Fashion-MNIST image itself) is not negated.
 */
final class ObjectFit {
    static final int SIDE = 28;
    /** Zalando's trim: edges within 5 % of the intensity range of the corners' colour are background. */
    private static final float TRIM = 0.05f;

    private ObjectFit() {
    }

    /** The model's input, 784 values in [0, 1], object bright on 0; null when nothing stands out of the background. */
    static float[] fit(RawSamples samples) {
        Plane grey = onBackdrop(samples);
        float background = cornerLevel(grey);
        boolean negate = background > 0.5f; // dark object on light paper, as Zalando's photos
        Plane v = new Plane(grey.width, grey.height);
        float bg = negate ? 1 - background : background;
        for (int i = 0; i < v.values.length; i++) {
            float value = negate ? 1 - grey.values[i] : grey.values[i];
            v.values[i] = bg >= 1 ? 0 : Math.max(0, (value - bg) / (1 - bg)); // the background to 0, as Fashion-MNIST's
        }
        Plane object = v.cropAbove(TRIM);
        if (object == null) {
            return null;
        }
        float scale = (float) SIDE / Math.max(object.width, object.height);
        int w = Math.max(1, Math.min(SIDE, Math.round(object.width * scale)));
        int h = Math.max(1, Math.min(SIDE, Math.round(object.height * scale)));
        Plane resized = Resample.to(object, w, h);
        float[] out = new float[SIDE * SIDE];
        int left = (SIDE - w) / 2;
        int top = (SIDE - h) / 2;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[(top + y) * SIDE + left + x] = Math.min(1, Math.max(0, resized.at(x, y)));
            }
        }
        return out;
    }

    /**
     * The grey plane laid, where the picture is transparent, on white, or on black when its opaque
     * part is light on average (a white garment cut out on a transparent canvas).
     */
    private static Plane onBackdrop(RawSamples samples) {
        Plane grey = samples.grey.copy();
        if (samples.alpha != null) {
            double opaque = 0;
            double light = 0;
            for (int i = 0; i < grey.values.length; i++) {
                opaque += samples.alpha.values[i];
                light += samples.alpha.values[i] * grey.values[i];
            }
            float backdrop = opaque > 0 && light / opaque > 0.5 ? 0f : 1f;
            for (int i = 0; i < grey.values.length; i++) {
                float a = samples.alpha.values[i];
                grey.values[i] = a * grey.values[i] + (1 - a) * backdrop; // grey is alpha-averaged colour over the opaque part
            }
        }
        return grey;
    }

    /** The median of the four corner pixels: the background's level, whatever one corner holds. */
    private static float cornerLevel(Plane p) {
        float[] c = {p.at(0, 0), p.at(p.width - 1, 0), p.at(0, p.height - 1), p.at(p.width - 1, p.height - 1)};
        java.util.Arrays.sort(c);
        return (c[1] + c[2]) / 2;
    }

}
