package dev.convnet.picture;

import dev.convnet.data.LabeledImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * Benchmark, not a test: writes each kind of picture (target/picture-kinds/KIND/NAME-CLASS.EXT,
 * blanks as NAME-blank.EXT) for {@code convnet predict} to read with a model, and times the
 * preparation per picture against an earlier build's (its jar given as the second argument), in
 * the same JVM.
 *
 * <pre>java -cp target/test-classes:target/classes:target/lib/* dev.convnet.picture.PictureKinds OUT [BEFORE.jar]</pre>
 */
public final class PictureKinds {
    private static final int DIGITS = 100;

    private PictureKinds() {
    }

    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        LabeledImages test = DigitPictures.test();
        List<String> kinds = new ArrayList<>();
        mnistKind(out, kinds, "clean-rgb-png", "png", i -> png(rgb(scan(test, i, 245, 20))));
        mnistKind(out, kinds, "grey-8bit-png", "png", i -> DigitPictures.encode(DigitPictures.gray8(scan(test, i, 245, 20)), "png"));
        mnistKind(out, kinds, "grey-16bit-png", "png", i -> DigitPictures.encode(DigitPictures.gray16(scan(test, i, 245, 20)), "png"));
        mnistKind(out, kinds, "grey-alpha-png", "png", i -> DigitPictures.encode(DigitPictures.grayAlpha(scan(test, i, 245, 20), null), "png"));
        mnistKind(out, kinds, "palette-png", "png", i -> DigitPictures.encode(DigitPictures.palette(scan(test, i, 245, 20)), "png"));
        mnistKind(out, kinds, "rgba-png", "png", i -> png(DigitPictures.rgb(scan(test, i, 245, 20), BufferedImage.TYPE_INT_ARGB)));
        mnistKind(out, kinds, "gif", "gif", i -> DigitPictures.encode(DigitPictures.palette(scan(test, i, 245, 20)), "gif"));
        mnistKind(out, kinds, "bmp", "bmp", i -> DigitPictures.encode(DigitPictures.rgb(scan(test, i, 245, 20), BufferedImage.TYPE_3BYTE_BGR), "bmp"));
        mnistKind(out, kinds, "grey-jpeg", "jpg", i -> DigitPictures.jpeg(DigitPictures.gray8(scan(test, i, 245, 20)), false));
        mnistKind(out, kinds, "progressive-jpeg", "jpg", i -> DigitPictures.jpeg(rgb(scan(test, i, 245, 20)), true));
        mnistKind(out, kinds, "cmyk-jpeg", "jpg", i -> DigitPictures.cmykJpeg(scan(test, i, 245, 20), true));
        mnistKind(out, kinds, "white-pen-transparent", "png", i -> png(DigitPictures.canvas(scan(test, i, 0, 255), 0xFFFFFF, 0)));
        mnistKind(out, kinds, "dark-pen-transparent", "png", i -> png(DigitPictures.canvas(scan(test, i, 0, 255), 0x202020, 0)));
        mnistKind(out, kinds, "exif-orientation-2-8", "jpg", i -> {
            int o = 2 + i % 7;
            int inverse = o == 6 ? 8 : o == 8 ? 6 : o;
            return DigitPictures.withExifOrientation(DigitPictures.jpeg(rgb(turn(scan(test, i, 245, 20), inverse)), false), o);
        });
        mnistKind(out, kinds, "shadow-200", "jpg", i -> DigitPictures.jpeg(rgb(DigitPictures.shadowed(scan(test, i, 235, 30), 200f / 235, 0.3f + 0.004f * i)), false));
        mnistKind(out, kinds, "shadow-170", "jpg", i -> DigitPictures.jpeg(rgb(DigitPictures.shadowed(scan(test, i, 235, 30), 170f / 235, 0.7f - 0.004f * i)), false));
        mnistKind(out, kinds, "vignette", "jpg", i -> DigitPictures.jpeg(rgb(DigitPictures.vignetted(scan(test, i, 240, 30), 0.55f)), false));
        mnistKind(out, kinds, "pencil-150", "png", i -> png(rgb(scan(test, i, 255, 150))));
        mnistKind(out, kinds, "chalk-on-dark-board", "jpg", i -> DigitPictures.jpeg(rgb(scan(test, i, 40, 230)), false));
        mnistKind(out, kinds, "blue-chalk-luma-of-board", "png", i -> png(DigitPictures.coloured(scan(test, i, 0, 255), 0x46484A, 0x3C3CBE)));
        mnistKind(out, kinds, "dark-ink-on-dark-board", "jpg", i -> DigitPictures.jpeg(rgb(scan(test, i, 95, 10)), false));
        penKind(out, kinds, "pen-written-normal-35-60px", new int[] {35, 45, 60});
        penKind(out, kinds, "pen-thin-3-6px", new int[] {3, 4, 5, 6});
        penKind(out, kinds, "pen-marker-100-150px", new int[] {100, 125, 150});
        Path blanks = Files.createDirectories(out.resolve("blank"));
        kinds.add("blank");
        Files.write(blanks.resolve("white-blank.png"), png(filled(300, 255)));
        Files.write(blanks.resolve("transparent-blank.png"), png(new BufferedImage(300, 300, BufferedImage.TYPE_INT_ARGB)));
        Files.write(blanks.resolve("shadowed-paper-blank.jpg"), DigitPictures.jpeg(rgb(DigitPictures.shadowed(grid(400, 235), 170f / 235, 0.5f)), false));
        Files.write(blanks.resolve("vignetted-paper-blank.jpg"), DigitPictures.jpeg(rgb(DigitPictures.vignetted(grid(400, 240), 0.5f)), false));
        Files.write(blanks.resolve("vignetted-board-blank.jpg"), DigitPictures.jpeg(rgb(DigitPictures.vignetted(grid(400, 60), 0.4f)), false));
        System.out.println("kinds written to " + out + ": " + String.join(" ", kinds));
        if (args.length > 1) {
            time(out, Path.of(args[1]));
        }
    }

    /** Preparation time per picture (decode included), this build against the one in {@code before}, same JVM, same files. */
    private static void time(Path out, Path before) throws Exception {
        List<byte[]> files = new ArrayList<>();
        try (var walk = Files.walk(out)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                files.add(Files.readAllBytes(p));
            }
        }
        PreparationStages.againstEarlierBuild(files, before, 4);
    }

    private static void mnistKind(Path out, List<String> kinds, String kind, String ext, IntFunction<byte[]> picture) throws IOException {
        Path dir = Files.createDirectories(out.resolve(kind));
        kinds.add(kind);
        for (int i = 0; i < DIGITS; i++) {
            Files.write(dir.resolve(String.format(Locale.ROOT, "t%03d-%d.%s", i, DigitPictures.test().classes()[i], ext)), picture.apply(i));
        }
    }

    private static void penKind(Path out, List<String> kinds, String kind, int[] pens) throws IOException {
        Path dir = Files.createDirectories(out.resolve(kind));
        kinds.add(kind);
        for (int pen : pens) {
            for (int d = 0; d < 10; d++) {
                Files.write(dir.resolve(String.format(Locale.ROOT, "pen%03d-%d.png", pen, d)), png(DigitPictures.written(d, 1000, 640, pen, 30)));
            }
        }
    }

    private static int[][] scan(LabeledImages test, int i, int paper, int ink) {
        return DigitPictures.grey(test.image(i), 8, 40 + 3 * (i % 7), paper, ink);
    }

    private static int[][] turn(int[][] g, int orientation) {
        Plane p = new Plane(g[0].length, g.length);
        for (int y = 0; y < g.length; y++) {
            for (int x = 0; x < g[0].length; x++) {
                p.values[y * p.width + x] = g[y][x];
            }
        }
        Plane t = Orientation.upright(p, orientation);
        int[][] out = new int[t.height][t.width];
        for (int y = 0; y < t.height; y++) {
            for (int x = 0; x < t.width; x++) {
                out[y][x] = Math.round(t.values[y * t.width + x]);
            }
        }
        return out;
    }

    private static int[][] grid(int size, int level) {
        int[][] g = new int[size][size];
        for (int[] row : g) {
            java.util.Arrays.fill(row, level);
        }
        return g;
    }

    private static BufferedImage filled(int size, int level) {
        return rgb(grid(size, level));
    }

    private static BufferedImage rgb(int[][] g) {
        return DigitPictures.rgb(g, BufferedImage.TYPE_INT_RGB);
    }

    private static byte[] png(BufferedImage image) {
        return DigitPictures.encode(image, "png");
    }
}
