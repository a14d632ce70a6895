package dev.convnet.picture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.run.ProgressListener;
import dev.convnet.platform.NativeRuntime;
import dev.convnet.train.Trainer;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Pictures as people bring them reach the model as MNIST-like digits: each kind of picture (uneven
 * light, transparency, orientation, pen width, pencil) is read at least as well as the same digits
 * on a clean white scan, by a model trained here on real MNIST; and the real reports' pictures
 * (src/test/resources/picture-cases, copied from the project's cases) read their true class.
 */
class DigitPreparationIT {
    private static final DigitPreparation PREPARATION = new DigitPreparation();
    private static final int DIGITS = 30;
    private static ComputationGraph model;
    private static LabeledImages test;

    @BeforeAll
    static void train() {
        NativeRuntime.start();
        MnistLoader loader = new MnistLoader(TestData.mnist());
        model = ConvNetModel.create(new Hyperparameters(0.001, 6));
        try (Trainer trainer = new Trainer(model, 64, 6, ProgressListener.SILENT)) {
            trainer.fit(loader.load(Split.TRAIN, 12_000), 2);
        }
        test = DigitPictures.test();
    }

    @Test
    void everyReportedPictureReadsItsTrueClassOrNoDigit() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(Path.of("src/test/resources/picture-cases"))) {
            files = list.sorted().toList();
        }
        assertTrue(files.size() >= 10, "cases: " + files);
        for (Path file : files) {
            String name = file.getFileName().toString();
            PreparedDigit prepared = PREPARATION.prepare(file);
            if (name.startsWith("blank-")) {
                assertFalse(prepared.found(), name + " is blank");
                assertTrue(prepared.noDigit().startsWith("no digit found"), prepared.noDigit());
            } else {
                int truth = name.charAt(name.lastIndexOf('.') - 1) - '0';
                assertTrue(prepared.found(), name + ": " + prepared.noDigit());
                assertEquals(truth, argmax(predict(prepared.input())), name);
            }
        }
    }

    @Test
    void everyKindOfPictureReadsAtLeastAsWellAsACleanScan() {
        Map<String, IntFunction<byte[]>> kinds = new LinkedHashMap<>();
        kinds.put("clean white scan (RGB PNG)", i -> png(rgb(scan(i, 245, 20))));
        kinds.put("8-bit greyscale PNG", i -> DigitPictures.encode(DigitPictures.gray8(scan(i, 245, 20)), "png"));
        kinds.put("shadow to 200", i -> DigitPictures.jpeg(rgb(DigitPictures.shadowed(scan(i, 235, 30), 200f / 235, 0.3f + 0.01f * (i % 30))), false));
        kinds.put("shadow to 170", i -> DigitPictures.jpeg(rgb(DigitPictures.shadowed(scan(i, 235, 30), 170f / 235, 0.6f - 0.01f * (i % 30))), false));
        kinds.put("vignette", i -> DigitPictures.jpeg(rgb(DigitPictures.vignetted(scan(i, 240, 30), 0.55f)), false));
        kinds.put("pencil (grey 150)", i -> png(rgb(scan(i, 255, 150))));
        kinds.put("light pencil (grey 200)", i -> png(rgb(scan(i, 255, 200))));
        kinds.put("white pen on transparent", i -> png(DigitPictures.canvas(scan(i, 0, 255), 0xFFFFFF, 0x000000)));
        kinds.put("black pen on transparent", i -> png(DigitPictures.canvas(scan(i, 0, 255), 0x000000, 0x000000)));
        kinds.put("blue pen on transparent, white hidden", i -> png(DigitPictures.canvas(scan(i, 0, 255), 0x2040C0, 0xFFFFFF)));
        kinds.put("EXIF orientation 6", i -> DigitPictures.withExifOrientation(
                DigitPictures.jpeg(rgb(turned(scan(i, 245, 20))), false), 6));
        Map<String, Integer> correct = new LinkedHashMap<>();
        kinds.forEach((kind, picture) -> {
            int right = 0;
            for (int i = 0; i < DIGITS; i++) {
                PreparedDigit prepared = PREPARATION.prepare(picture.apply(i));
                right += prepared.found() && argmax(predict(prepared.input())) == test.classes()[i] ? 1 : 0;
            }
            correct.put(kind, right);
        });
        int clean = correct.values().iterator().next();
        assertTrue(clean >= 0.85 * DIGITS, "clean scans: " + correct);
        // One digit of 30 is the resolution of a small model trained for two epochs here; the book model's
        // figures per kind are in the benchmark (PictureKinds), not in an assertion.
        correct.forEach((kind, right) -> assertTrue(right >= clean - 1, kind + " reads worse than a clean scan: " + correct));
    }

    @Test
    void penWidthsFromAHairlineToAMarkerRead() {
        int[] pens = {3, 6, 12, 25, 50, 100, 150};
        Map<Integer, Integer> correct = new LinkedHashMap<>();
        for (int pen : pens) {
            int right = 0;
            for (int d = 0; d < 10; d++) {
                PreparedDigit prepared = PREPARATION.prepare(DigitPictures.written(d, 1000, 640, pen, 30));
                right += prepared.found() && argmax(predict(prepared.input())) == d ? 1 : 0;
            }
            correct.put(pen, right);
        }
        // The reference is a pen of MNIST's own proportion (strokes about a tenth of the digit's height).
        int reference = correct.get(50);
        assertTrue(reference >= 8, "pen widths: " + correct);
        correct.forEach((pen, right) -> assertTrue(right >= reference - 1, pen + " px pen: " + correct));
    }

    @Test
    void largeOffCentreDigitOnWhitePaperPredictsLikeTheMnistOriginal() {
        int compared = 0;
        int agreed = 0;
        for (int i = 0; i < 40; i++) {
            float[] original = test.image(i);
            float[] p = predict(original);
            if (p[argmax(p)] < 0.99f) {
                continue; // only digits the model is sure of: the question is the preparation, not the model
            }
            BufferedImage photo = TestData.darkInkOnWhite(original, 9, 170 + 7 * i, 40 + 3 * i, new Color(250, 246, 235));
            agreed += argmax(p) == argmax(predict(PREPARATION.prepare(photo).input())) ? 1 : 0;
            compared++;
        }
        assertTrue(compared >= 25, "compared " + compared);
        // the preparation normalises stroke width and contrast, which the 28x28 original does not get: one may differ
        assertTrue(agreed >= compared - 1, agreed + " of " + compared + " agree with the original");
    }

    @Test
    void preparedDigitFitsTwentyPixelsAndIsCentredByMass() {
        float[] prepared = PREPARATION.prepare(TestData.darkInkOnWhite(test.image(3), 7, 300, 12, Color.WHITE)).input();
        int minX = 28, maxX = -1, minY = 28, maxY = -1;
        double mass = 0, cx = 0, cy = 0;
        float max = 0;
        for (int y = 0; y < 28; y++) {
            for (int x = 0; x < 28; x++) {
                float v = prepared[y * 28 + x];
                if (v > 0.05f) {
                    minX = Math.min(minX, x);
                    maxX = Math.max(maxX, x);
                    minY = Math.min(minY, y);
                    maxY = Math.max(maxY, y);
                }
                mass += v;
                cx += v * x;
                cy += v * y;
                max = Math.max(max, v);
            }
        }
        assertTrue(Math.max(maxX - minX + 1, maxY - minY + 1) <= 21, "fits the 20x20 box");
        assertTrue(Math.max(maxX - minX + 1, maxY - minY + 1) >= 18, "and fills it");
        assertEquals(13.5, cx / mass, 1.0);
        assertEquals(13.5, cy / mass, 1.0);
        assertEquals(1f, max, "the strongest ink is MNIST's full intensity");
    }

    /** Test digit i scanned at 8x with a margin: paper and ink grey levels. */
    private static int[][] scan(int i, int paper, int ink) {
        return DigitPictures.grey(test.image(i), 8, 40 + 3 * (i % 7), paper, ink);
    }

    /** Stored as a phone stores a portrait photo with Orientation 6: turned 90° anticlockwise. */
    private static int[][] turned(int[][] g) {
        int h = g.length;
        int w = g[0].length;
        int[][] out = new int[w][h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out[w - 1 - x][y] = g[y][x];
            }
        }
        return out;
    }

    private static BufferedImage rgb(int[][] g) {
        return DigitPictures.rgb(g, BufferedImage.TYPE_INT_RGB);
    }

    private static byte[] png(BufferedImage image) {
        return DigitPictures.encode(image, "png");
    }

    private static float[] predict(float[] pixels) {
        return model.outputSingle(false, Nd4j.create(pixels, new long[] {1, 1, 28, 28}, 'c')).toFloatVector();
    }

    private static int argmax(float[] p) {
        int best = 0;
        for (int i = 1; i < p.length; i++) {
            best = p[i] > p[best] ? i : best;
        }
        return best;
    }
}
