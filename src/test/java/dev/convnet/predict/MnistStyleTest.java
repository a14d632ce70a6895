package dev.convnet.predict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.run.ProgressListener;
import dev.convnet.runtime.NativeRuntime;
import dev.convnet.train.Trainer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/** Pictures that look nothing like MNIST's format still reach the model as MNIST-like digits. */
class MnistStyleTest {
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
        test = loader.load(Split.TEST, 40);
    }

    @Test
    void largeOffCentreDigitOnWhitePaperPredictsLikeTheMnistOriginal() {
        int compared = 0;
        for (int i = 0; i < test.size(); i++) {
            float[] original = pixels(i);
            float[] p = predict(original);
            if (p[argmax(p)] < 0.99f) {
                continue; // only digits the model is sure of: the question is the preparation, not the model
            }
            BufferedImage photo = TestData.darkInkOnWhite(original, 9, 170 + 7 * i, 40 + 3 * i, new Color(250, 246, 235));
            float[] prepared = MnistStyle.prepare(photo);
            assertEquals(argmax(p), argmax(predict(prepared)), "test image " + i);
            compared++;
        }
        assertTrue(compared >= 25, "compared " + compared);
    }

    @Test
    void preparedDigitFitsTwentyPixelsAndIsCentredByMass() {
        float[] prepared = MnistStyle.prepare(TestData.darkInkOnWhite(pixels(3), 7, 300, 12, Color.WHITE));
        int minX = 28, maxX = -1, minY = 28, maxY = -1;
        double mass = 0, cx = 0, cy = 0;
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
            }
        }
        assertTrue(Math.max(maxX - minX + 1, maxY - minY + 1) <= 21, "fits the 20x20 box");
        assertTrue(Math.max(maxX - minX + 1, maxY - minY + 1) >= 18, "and fills it");
        assertEquals(13.5, cx / mass, 1.0);
        assertEquals(13.5, cy / mass, 1.0);
    }

    @Test
    void blankPictureStaysBlank() {
        BufferedImage white = new BufferedImage(50, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = white.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 50, 40);
        g.dispose();
        float sum = 0;
        for (float v : MnistStyle.prepare(white)) {
            sum += v;
        }
        assertEquals(0f, sum);
    }

    private static float[] pixels(int i) {
        float[] p = new float[784];
        test.pixels().get(i * 784, p);
        return p;
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
