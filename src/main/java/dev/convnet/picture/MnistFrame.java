package dev.convnet.picture;

/**
 * Stage 8: MNIST's own framing (Y. LeCun et al., the MNIST database's description): the digit's
 * bounding box scaled to fit 20x20 keeping its aspect ratio, anti-aliased, then placed in 28x28 so
 * that its centre of mass is the centre; the strongest ink is 1, as MNIST's 255.
 */
final class MnistFrame {
    static final int SIZE = 28;
    static final int BOX = 20;

    private MnistFrame() {
    }

    /** 784 values in [0, 1], row after row; all 0 when {@code ink} has none. */
    static float[] frame(Plane ink) {
        Plane digit = ink.cropAbove(0);
        if (digit == null) {
            return new float[SIZE * SIZE];
        }
        float scale = (float) BOX / Math.max(digit.width, digit.height);
        int w = Math.max(1, Math.min(BOX, Math.round(digit.width * scale)));
        int h = Math.max(1, Math.min(BOX, Math.round(digit.height * scale)));
        Plane fitted = Resample.to(digit, w, h);
        float max = fitted.max();
        if (max > 0) {
            for (int i = 0; i < fitted.values.length; i++) {
                fitted.values[i] = Math.min(1f, fitted.values[i] / max);
            }
        }
        return centreByMass(fitted);
    }

    private static float[] centreByMass(Plane digit) {
        int w = digit.width;
        int h = digit.height;
        double mass = 0;
        double cx = 0;
        double cy = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = digit.values[y * w + x];
                mass += v;
                cx += v * x;
                cy += v * y;
            }
        }
        int left = mass == 0 ? (SIZE - w) / 2 : (int) Math.round(SIZE / 2.0 - 0.5 - cx / mass);
        int top = mass == 0 ? (SIZE - h) / 2 : (int) Math.round(SIZE / 2.0 - 0.5 - cy / mass);
        left = Math.max(0, Math.min(SIZE - w, left)); // keep the whole digit inside
        top = Math.max(0, Math.min(SIZE - h, top));
        float[] out = new float[SIZE * SIZE];
        for (int y = 0; y < h; y++) {
            System.arraycopy(digit.values, y * w, out, (top + y) * SIZE + left, w);
        }
        return out;
    }
}
