package dev.convnet.predict;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Turns any picture of a digit into a 28x28 input the way MNIST itself was made: greyscale,
 * white-on-black (inverted when the background is light), cropped to the digit, scaled to fit a
 * 20x20 box keeping the aspect ratio, and placed in 28x28 so that its centre of mass is the centre.
 */
public final class MnistStyle {
    static final int SIZE = 28;
    static final int BOX = 20;
    /** Pixels darker than this fraction of the brightest one count as background when cropping. */
    private static final float INK_THRESHOLD = 0.2f;
    /** A page brighter than this (after inversion) is coloured paper, whose level is taken away. */
    private static final float PAPER_LEVEL = 0.1f;

    private MnistStyle() {
    }

    /** 784 values in [0, 1], row after row, ink bright on a dark background. */
    public static float[] prepare(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        float[] grey = new float[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int argb = image.getRGB(x, y);
                float alpha = ((argb >>> 24) & 0xFF) / 255f;
                float luminance = (0.299f * ((argb >> 16) & 0xFF) + 0.587f * ((argb >> 8) & 0xFF) + 0.114f * (argb & 0xFF)) / 255f;
                grey[y * w + x] = alpha * luminance + (1 - alpha); // transparent pixels read as white paper
            }
        }
        if (borderMean(grey, w, h) > 0.5f) { // dark ink on light paper: MNIST is the other way round
            for (int i = 0; i < grey.length; i++) {
                grey[i] = 1 - grey[i];
            }
        }
        // MNIST's background is exactly 0: take a coloured page's own level away, or light ink on
        // it (paper at 0.2, say) would count as ink everywhere and the crop would take the whole
        // picture. Near-white or near-black paper is left exactly as it was.
        float paper = borderMean(grey, w, h);
        if (paper > PAPER_LEVEL) {
            for (int i = 0; i < grey.length; i++) {
                grey[i] = Math.max(0f, (grey[i] - paper) / (1 - paper));
            }
        }
        int[] box = inkBox(grey, w, h);
        if (box == null) {
            return new float[SIZE * SIZE]; // a blank picture stays blank
        }
        BufferedImage digit = crop(grey, w, box);
        float scale = (float) BOX / Math.max(digit.getWidth(), digit.getHeight());
        int sw = Math.max(1, Math.round(digit.getWidth() * scale));
        int sh = Math.max(1, Math.round(digit.getHeight() * scale));
        float[] scaled = toFloats(resize(digit, sw, sh));
        return centreByMass(scaled, sw, sh);
    }

    private static float borderMean(float[] grey, int w, int h) {
        double sum = 0;
        int n = 0;
        for (int x = 0; x < w; x++) {
            sum += grey[x] + grey[(h - 1) * w + x];
            n += 2;
        }
        for (int y = 0; y < h; y++) {
            sum += grey[y * w] + grey[y * w + w - 1];
            n += 2;
        }
        return (float) (sum / n);
    }

    /** {x0, y0, x1, y1} (exclusive ends) around every pixel that is ink, or null if there is none. */
    private static int[] inkBox(float[] grey, int w, int h) {
        float max = 0;
        for (float v : grey) {
            max = Math.max(max, v);
        }
        if (max <= 0.05f) {
            return null;
        }
        int x0 = w;
        int y0 = h;
        int x1 = -1;
        int y1 = -1;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (grey[y * w + x] > INK_THRESHOLD * max) {
                    x0 = Math.min(x0, x);
                    y0 = Math.min(y0, y);
                    x1 = Math.max(x1, x);
                    y1 = Math.max(y1, y);
                }
            }
        }
        return new int[] {x0, y0, x1 + 1, y1 + 1};
    }

    private static BufferedImage crop(float[] grey, int w, int[] box) {
        BufferedImage out = new BufferedImage(box[2] - box[0], box[3] - box[1], BufferedImage.TYPE_BYTE_GRAY);
        for (int y = box[1]; y < box[3]; y++) {
            for (int x = box[0]; x < box[2]; x++) {
                int v = Math.round(Math.min(1f, Math.max(0f, grey[y * w + x])) * 255);
                out.getRaster().setSample(x - box[0], y - box[1], 0, v);
            }
        }
        return out;
    }

    /** Area-averaging resize (smooth like MNIST's anti-aliased digits), in steps when shrinking a lot. */
    private static BufferedImage resize(BufferedImage source, int w, int h) {
        BufferedImage current = source;
        while (current.getWidth() / 2 >= w && current.getHeight() / 2 >= h) {
            current = draw(current, current.getWidth() / 2, current.getHeight() / 2);
        }
        return draw(current, w, h);
    }

    private static BufferedImage draw(BufferedImage source, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
        g.drawImage(source, 0, 0, w, h, null);
        g.dispose();
        return out;
    }

    private static float[] toFloats(BufferedImage image) {
        float[] out = new float[image.getWidth() * image.getHeight()];
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                out[y * image.getWidth() + x] = image.getRaster().getSample(x, y, 0) / 255f;
            }
        }
        return out;
    }

    private static float[] centreByMass(float[] digit, int w, int h) {
        double mass = 0;
        double cx = 0;
        double cy = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float v = digit[y * w + x];
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
            System.arraycopy(digit, y * w, out, (top + y) * SIZE + left, w);
        }
        return out;
    }
}
