package dev.convnet.picture;

import java.util.ArrayList;
import java.util.List;

/** Draws a 28x28 image in a terminal with Unicode half blocks: two pixel rows per text line. */
public final class TerminalImage {
    private static final char[] SHADES = {' ', '░', '▒', '▓', '█'};

    private TerminalImage() {
    }

    /** 14 lines of 28 characters; brighter pixels are denser blocks. */
    public static List<String> render(float[] pixels, int size) {
        List<String> lines = new ArrayList<>();
        for (int y = 0; y < size; y += 2) {
            StringBuilder line = new StringBuilder(size);
            for (int x = 0; x < size; x++) {
                float top = pixels[y * size + x];
                float bottom = y + 1 < size ? pixels[(y + 1) * size + x] : 0;
                line.append(shade(top, bottom));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static char shade(float top, float bottom) {
        boolean t = top > 0.5f;
        boolean b = bottom > 0.5f;
        if (t && b) {
            return '█';
        }
        if (t) {
            return '▀';
        }
        if (b) {
            return '▄';
        }
        float mean = (top + bottom) / 2;
        return SHADES[Math.min(SHADES.length - 1, Math.round(mean * 2 * (SHADES.length - 2)))];
    }
}
