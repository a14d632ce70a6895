package dev.convnet.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import dev.convnet.data.AtomicFile;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Pictures of images rather than charts: a captioned gallery and feature-map grids, drawn with Java2D. */
public final class Gallery {
    private static final int SCALE = 3;

    private Gallery() {
    }

    /** One captioned tile. */
    public record Tile(float[] pixels, String caption) {
    }

    /** Tiles of 28x28 images, {@code columns} per row, each captioned below; returns the image's size. */
    public static int[] captioned(List<Tile> tiles, int columns, int side, Path png) throws IOException {
        BufferedImage image = captionedImage(tiles, columns, side);
        writePng(image, png);
        return new int[] {image.getWidth(), image.getHeight()};
    }

    /** A PNG in memory, with its size in pixels. */
    public record Png(byte[] bytes, int width, int height) {
    }

    /** As {@link #captioned(List, int, int, Path)}, as PNG bytes (for TensorBoard and the live page). */
    public static Png captionedPng(List<Tile> tiles, int columns, int side) {
        BufferedImage image = captionedImage(tiles, columns, side);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(bytes)) {
            if (!ImageIO.write(image, "png", stream)) {
                throw new IllegalStateException("no PNG writer");
            }
        } catch (IOException e) { // memory does not fail
            throw new java.io.UncheckedIOException(e);
        }
        return new Png(bytes.toByteArray(), image.getWidth(), image.getHeight());
    }

    private static BufferedImage captionedImage(List<Tile> tiles, int columns, int side) {
        int cell = side * SCALE;
        int pad = 10;
        // Captions wider than a tile wrap at spaces (Fashion-MNIST's "#4: Shirt → Pullover" ran into the next one)
        java.awt.FontMetrics metrics = captioning(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB)).getFontMetrics();
        List<List<String>> captions = tiles.stream().map(t -> wrap(t.caption(), metrics, cell + pad - 2)).toList();
        int lines = captions.stream().mapToInt(List::size).max().orElse(1);
        int captionHeight = 5 + LINE_HEIGHT * lines;
        BufferedImage image = whiteGrid(tiles.size(), columns, cell, cell + captionHeight, pad);
        Graphics2D g = captioning(image);
        for (int i = 0; i < tiles.size(); i++) {
            int x = pad + (i % columns) * (cell + pad);
            int y = pad + (i / columns) * (cell + captionHeight + pad);
            g.drawImage(grey(tiles.get(i).pixels(), side, side, 1f), x, y, cell, cell, null);
            g.setColor(new Color(0x333333));
            List<String> caption = captions.get(i);
            for (int line = 0; line < caption.size(); line++) {
                int w = g.getFontMetrics().stringWidth(caption.get(line));
                g.drawString(caption.get(line), x + (cell - w) / 2, y + cell + 13 + line * LINE_HEIGHT);
            }
        }
        g.dispose();
        return image;
    }

    private static final int LINE_HEIGHT = 13;

    /** {@code text} in lines at most {@code width} pixels wide, broken at spaces (a longer word stays whole). */
    static List<String> wrap(String text, java.awt.FontMetrics metrics, int width) {
        List<String> lines = new java.util.ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            String longer = line.length() == 0 ? word : line + " " + word;
            if (line.length() > 0 && metrics.stringWidth(longer) > width) {
                lines.add(line.toString());
                line = new StringBuilder(word);
            } else {
                line = new StringBuilder(longer);
            }
        }
        lines.add(line.toString());
        return lines;
    }

    /** A white picture for {@code count} cells of {@code cellWidth} × {@code cellHeight}, {@code columns} a row, {@code pad} around each. */
    private static BufferedImage whiteGrid(int count, int columns, int cellWidth, int cellHeight, int pad) {
        int rows = Math.max(1, (count + columns - 1) / columns);
        BufferedImage image = new BufferedImage(pad + columns * (cellWidth + pad), pad + rows * (cellHeight + pad),
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.dispose();
        return image;
    }

    /** Graphics for drawing on {@code image} with the captions' font, anti-aliased. */
    private static Graphics2D captioning(BufferedImage image) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        return g;
    }

    /** A picture as a person saw it (null when it cannot be shown) beside what the model saw (28×28). */
    public record Pair(BufferedImage original, float[] input, String caption, String name) {
    }

    /**
     * Pairs side by side, {@code columns} per row: the original fitted in a square on a
     * checkerboard (so a transparent canvas shows as one), then the model's 28×28 input, captioned
     * below with {@code caption} and the file's name.
     */
    public static int[] pairs(List<Pair> pairs, int columns, Path png) throws IOException {
        int side = 28 * SCALE;
        int gap = 4;
        int cell = 2 * side + gap;
        int captionHeight = 30;
        int pad = 12;
        BufferedImage image = whiteGrid(pairs.size(), columns, cell, side + captionHeight, pad);
        Graphics2D g = captioning(image);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        for (int i = 0; i < pairs.size(); i++) {
            Pair pair = pairs.get(i);
            int x = pad + (i % columns) * (cell + pad);
            int y = pad + (i / columns) * (side + captionHeight + pad);
            for (int cy = 0; cy < side; cy += 8) { // checkerboard behind the original
                for (int cx = 0; cx < side; cx += 8) {
                    g.setColor(((cx + cy) / 8) % 2 == 0 ? new Color(0xDDDDDD) : new Color(0xF4F4F4));
                    g.fillRect(x + cx, y + cy, Math.min(8, side - cx), Math.min(8, side - cy));
                }
            }
            if (pair.original() != null) {
                BufferedImage o = pair.original();
                double scale = (double) side / Math.max(o.getWidth(), o.getHeight());
                int w = Math.max(1, (int) Math.round(o.getWidth() * scale));
                int h = Math.max(1, (int) Math.round(o.getHeight() * scale));
                g.drawImage(o, x + (side - w) / 2, y + (side - h) / 2, w, h, null);
            }
            g.drawImage(grey(pair.input(), 28, 28, 1f), x + side + gap, y, side, side, null);
            g.setColor(new Color(0x333333));
            centred(g, pair.caption(), x, cell, y + side + 12);
            g.setColor(new Color(0x777777));
            String name = pair.name();
            while (name.length() > 4 && g.getFontMetrics().stringWidth(name) > cell) {
                name = "…" + name.substring(Math.min(name.length(), 3));
            }
            centred(g, name, x, cell, y + side + 25);
        }
        g.dispose();
        writePng(image, png);
        return new int[] {image.getWidth(), image.getHeight()};
    }

    private static void centred(Graphics2D g, String text, int x, int width, int baseline) {
        int w = g.getFontMetrics().stringWidth(text);
        g.drawString(text, x + Math.max(0, (width - w) / 2), baseline);
    }

    /**
     * Every channel of one layer's activations {@code [channels][h*w]} as a grid of small images,
     * each scaled to its own range (as in the book's chapter 9 figures), under a title.
     */
    public static int[] featureMaps(String title, float[][] maps, int h, int w, Path png) throws IOException {
        int columns = Math.min(16, maps.length);
        int rows = (maps.length + columns - 1) / columns;
        int scale = Math.max(2, 64 / Math.max(h, w));
        int gap = 2;
        int titleHeight = 24;
        int width = gap + columns * (w * scale + gap);
        int height = titleHeight + gap + rows * (h * scale + gap);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
        g.drawString(title, gap + 2, 17);
        for (int c = 0; c < maps.length; c++) {
            float max = 0;
            for (float v : maps[c]) {
                max = Math.max(max, v);
            }
            int x = gap + (c % columns) * (w * scale + gap);
            int y = titleHeight + gap + (c / columns) * (h * scale + gap);
            g.drawImage(viridis(maps[c], h, w, max), x, y, w * scale, h * scale, null);
        }
        g.dispose();
        writePng(image, png);
        return new int[] {width, height};
    }

    /**
     * Through our own stream: {@code ImageIO.write(image, "png", File)} prints a stack trace of its
     * own and throws a vague "Can't create an ImageOutputStream!" when the folder is not writable.
     * Atomically: a full disk or a planted link leaves neither a truncated PNG nor a changed victim.
     */
    static void writePng(BufferedImage image, Path png) throws IOException {
        AtomicFile.writeStream(png, out -> {
            try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
                if (!ImageIO.write(image, "png", stream)) {
                    throw new IOException("no PNG writer");
                }
            } catch (javax.imageio.IIOException e) {
                // "I/O error writing PNG file!" hides the reason a person can act on (a full disk)
                throw e.getCause() instanceof IOException io ? io : e;
            }
        });
    }

    private static BufferedImage grey(float[] pixels, int h, int w, float max) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int v = Math.round(255 * Math.max(0, Math.min(1, pixels[y * w + x] / max)));
                img.setRGB(x, y, (v << 16) | (v << 8) | v);
            }
        }
        return img;
    }

    /** A dark-blue-to-yellow colour ramp, so weak and strong activations are easy to tell apart. */
    private static BufferedImage viridis(float[] values, int h, int w, float max) {
        int[] stops = {0x440154, 0x3B528B, 0x21918C, 0x5EC962, 0xFDE725};
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float t = max <= 0 ? 0 : Math.max(0, Math.min(1, values[y * w + x] / max));
                float pos = t * (stops.length - 1);
                int i = Math.min(stops.length - 2, (int) pos);
                img.setRGB(x, y, mix(stops[i], stops[i + 1], pos - i));
            }
        }
        return img;
    }

    private static int mix(int a, int b, float t) {
        int r = Math.round(((a >> 16) & 0xFF) * (1 - t) + ((b >> 16) & 0xFF) * t);
        int gr = Math.round(((a >> 8) & 0xFF) * (1 - t) + ((b >> 8) & 0xFF) * t);
        int bl = Math.round((a & 0xFF) * (1 - t) + (b & 0xFF) * t);
        return (r << 16) | (gr << 8) | bl;
    }
}
