package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The running filters (van Herk / Gil-Werman extremes, running-sum mean) give what the definition
 * gives: every pixel the minimum, maximum or mean of its (2r+1) x (2r+1) window clipped at the edges,
 * computed here the slow way on random planes, at every radius from 0 to past the plane's size.
 */
class MorphologyTest {
    @Test
    void filtersMatchTheirDefinition() {
        Random random = new Random(7);
        for (int trial = 0; trial < 40; trial++) {
            int w = 1 + random.nextInt(40);
            int h = 1 + random.nextInt(40);
            Plane p = new Plane(w, h);
            for (int i = 0; i < p.values.length; i++) {
                p.values[i] = random.nextInt(4) == 0 ? 0 : random.nextFloat();
            }
            for (int r : new int[] {0, 1, 2, 3, 5, random.nextInt(45)}) {
                assertArrayEquals(window(p, r, Kind.MAX).values, Morphology.dilate(p, r).values, w + "x" + h + " dilate r=" + r);
                assertArrayEquals(window(p, r, Kind.MIN).values, Morphology.erode(p, r).values, w + "x" + h + " erode r=" + r);
                assertArrayEquals(window(p, r, Kind.MEAN).values, Morphology.blur(p, r).values, 1e-5f, w + "x" + h + " blur r=" + r);
            }
        }
    }

    @Test
    void closingFillsAGapNarrowerThanTheWindow() {
        Plane p = new Plane(9, 1, new float[] {1, 1, 1, 0, 0, 1, 1, 1, 1});
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1, 1, 1, 1}, Morphology.close(p, 1).values);
        assertEquals(0f, Morphology.close(p, 0).values[3]);
    }

    private enum Kind { MIN, MAX, MEAN }

    /** The definition, pixel by pixel over the whole 2-D window (not separably, so the separation is checked too). */
    private static Plane window(Plane p, int r, Kind kind) {
        Plane out = new Plane(p.width, p.height);
        for (int y = 0; y < p.height; y++) {
            for (int x = 0; x < p.width; x++) {
                double acc = kind == Kind.MIN ? Double.MAX_VALUE : kind == Kind.MAX ? -Double.MAX_VALUE : 0;
                int n = 0;
                for (int v = Math.max(0, y - r); v <= Math.min(p.height - 1, y + r); v++) {
                    for (int u = Math.max(0, x - r); u <= Math.min(p.width - 1, x + r); u++) {
                        float s = p.at(u, v);
                        acc = kind == Kind.MIN ? Math.min(acc, s) : kind == Kind.MAX ? Math.max(acc, s) : acc + s;
                        n++;
                    }
                }
                out.values[y * p.width + x] = (float) (kind == Kind.MEAN ? acc / n : acc);
            }
        }
        return out;
    }
}
