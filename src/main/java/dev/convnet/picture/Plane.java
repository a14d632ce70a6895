package dev.convnet.picture;

/**
 * One channel of a picture as floats, row after row: the working form of every preparation stage.
 * Mutable on purpose (stages work in place where they can); a stage that changes the size returns
 * a new plane.
 */
final class Plane {
    final int width;
    final int height;
    final float[] values;

    Plane(int width, int height, float[] values) {
        if (values.length != width * height) {
            throw new IllegalArgumentException(width + "x" + height + " needs " + width * height + " values, got " + values.length);
        }
        this.width = width;
        this.height = height;
        this.values = values;
    }

    Plane(int width, int height) {
        this(width, height, new float[width * height]);
    }

    float at(int x, int y) {
        return values[y * width + x];
    }

    Plane copy() {
        return new Plane(width, height, values.clone());
    }

    float max() {
        float max = 0;
        for (float v : values) {
            max = Math.max(max, v);
        }
        return max;
    }

    /** The sub-rectangle [x0, x1) x [y0, y1). */
    /** The smallest crop holding every value above {@code level}, or null when there is none. */
    Plane cropAbove(float level) {
        int x0 = width;
        int y0 = height;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (values[y * width + x] > level) {
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return x1 < 0 ? null : crop(x0, y0, x1 + 1, y1 + 1);
    }

    Plane crop(int x0, int y0, int x1, int y1) {
        Plane out = new Plane(x1 - x0, y1 - y0);
        for (int y = y0; y < y1; y++) {
            System.arraycopy(values, y * width + x0, out.values, (y - y0) * out.width, out.width);
        }
        return out;
    }
}
