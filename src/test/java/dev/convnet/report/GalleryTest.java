package dev.convnet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.image.BufferedImage;
import java.util.List;
import org.junit.jupiter.api.Test;

class GalleryTest {
    private static final FontMetrics METRICS = metrics();

    /** Fashion-MNIST's captions are wider than a 28x28 tile drawn at 3x: they wrap at spaces instead of running into the next. */
    @Test
    void aCaptionWiderThanItsTileWrapsAtSpaces() {
        int width = 94;
        List<String> lines = Gallery.wrap("#23: Ankle boot → Sandal", METRICS, width);
        assertTrue(lines.size() >= 2, lines.toString());
        assertEquals("#23: Ankle boot → Sandal", String.join(" ", lines));
        assertTrue(lines.stream().allMatch(l -> METRICS.stringWidth(l) <= width), lines.toString());
        assertEquals(List.of("#4: 7 → 1"), Gallery.wrap("#4: 7 → 1", METRICS, width), "an MNIST caption fits on one line");
    }

    private static FontMetrics metrics() {
        java.awt.Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        return g.getFontMetrics();
    }
}
