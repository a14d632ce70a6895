package dev.convnet.data.augment;

import java.util.SplittableRandom;

/**
 * Draws and applies one random {@link Augmentation} per image: rotation, zoom, shear, translation
 * and elastic distortion in one resampling, then the stroke change: thickened, thinned or blurred,
 * one of the three chosen at random (a blur also lowers the contrast of thin strokes, as a light
 * pen or a large picture shrunk to 28×28 does).
 *
 * <p>The draws come only from the {@link SplittableRandom} passed in, so the same seed gives the
 * same pictures. <b>Not thread-safe</b>: it owns scratch buffers; one augmenter per thread.
 */
public final class Augmenter {
    private final Augmentation settings;
    private final int h;
    private final int w;
    private final float[] a;
    private final float[] b;
    private final float[] fieldX;
    private final float[] fieldY;
    private final float[] noise;
    private final ImageTransforms transforms;

    /** For pictures of {@code h×w} pixels, one channel. */
    public Augmenter(Augmentation settings, int h, int w) {
        this.settings = settings;
        this.h = h;
        this.w = w;
        int n = h * w;
        transforms = new ImageTransforms(h, w);
        a = new float[n];
        b = new float[n];
        boolean elastic = settings.elastic() > 0;
        fieldX = elastic ? new float[n] : null;
        fieldY = elastic ? new float[n] : null;
        noise = elastic ? new float[n] : null;
    }

    public Augmentation settings() {
        return settings;
    }

    /** Reads one picture from {@code in} at {@code from}, writes its augmented copy to {@code out} at {@code to}. */
    public void apply(float[] in, int from, float[] out, int to, SplittableRandom random) {
        int n = h * w;
        System.arraycopy(in, from, a, 0, n);
        double angle = symmetric(random, settings.rotation()) * 2 * Math.PI;
        double zoom = 1 + symmetric(random, settings.zoom());
        double shiftX = symmetric(random, settings.translation()) * w;
        double shiftY = symmetric(random, settings.translation()) * h;
        double shear = symmetric(random, settings.shear());
        boolean elastic = settings.elastic() > 0;
        if (elastic) {
            displacement(random, fieldX);
            displacement(random, fieldY);
        }
        // every transform works only on the box around the ink, handed from one to the next
        InkBox ink = InkBox.of(a, h, w);
        if (angle != 0 || zoom != 1 || shear != 0 || shiftX != 0 || shiftY != 0 || elastic) {
            double[] m = ImageTransforms.inverseMap(angle, zoom, shear, shiftX, shiftY);
            ink = transforms.affine(a, ink, m, m[4], m[5], fieldX, fieldY, b);
        } else {
            System.arraycopy(a, 0, b, 0, n);
        }
        float[] result = b;
        int kind = random.nextInt(3);
        if (kind < 2 && settings.stroke() > 0) {
            double radius = random.nextDouble() * settings.stroke();
            transforms.stroke(b, ink, kind == 0 ? radius : -radius, a);
            result = a;
        } else if (kind == 2 && settings.blur() > 0) {
            double sigma = random.nextDouble() * settings.blur();
            if (sigma >= 0.3) { // below that the kernel's side taps are under 0.4 %: nothing changes
                transforms.blur(b, ink, sigma, a);
                result = a;
            }
        }
        System.arraycopy(result, 0, out, to, n);
    }

    /** Simard et al.'s field: uniform in [-1, 1] per pixel, Gaussian-smoothed, scaled by alpha. */
    private void displacement(SplittableRandom random, float[] field) {
        for (int i = 0; i < noise.length; i++) {
            noise[i] = (float) (random.nextDouble() * 2 - 1);
        }
        transforms.blur(noise, settings.elasticSigma(), field);
        float alpha = (float) settings.elastic();
        for (int i = 0; i < field.length; i++) {
            field[i] *= alpha;
        }
    }

    /** Uniform in [-limit, limit]; exactly 0 (no draw) when the limit is 0, so turning a change off leaves the others' draws alone. */
    private static double symmetric(SplittableRandom random, double limit) {
        return limit == 0 ? 0 : (random.nextDouble() * 2 - 1) * limit;
    }
}
