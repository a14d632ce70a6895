package dev.convnet.data.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.TestData;
import dev.convnet.data.IdxFile;
import dev.convnet.data.IdxReader;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@code --augment}'s settings as the command line reads them, and the random draws on real MNIST digits. */
class AugmentationTest {

    @Test
    void aloneGivesTheDefaultsAndTheirTextReadsBack() {
        assertEquals(Augmentation.DEFAULTS, Augmentation.parse(""));
        assertEquals(Augmentation.DEFAULTS, Augmentation.parse("default"));
        assertEquals(Augmentation.DEFAULTS_TEXT, Augmentation.DEFAULTS.toString());
        assertEquals(Augmentation.NONE, Augmentation.parse("none"));
        assertTrue(Augmentation.NONE.isNone());
        Augmentation custom = Augmentation.parse("rotation=0.1, zoom=0.2,stroke=1.5,elastic=34,elastic-sigma=4");
        assertEquals(custom, Augmentation.parse(custom.toString()));
        Augmentation sheared = Augmentation.parse("shear=0.3");
        assertEquals(0.3, sheared.shear());
        assertEquals(sheared, Augmentation.parse(sheared.toString()));
    }

    @Test
    void aRunRecordReadsBackAsTheRunWasWhateverTheDefaultsAreNow() {
        assertEquals(Augmentation.DEFAULTS, Augmentation.parseRecord(Augmentation.DEFAULTS.toString()));
        Augmentation unsheared = Augmentation.parse("shear=0");
        assertEquals(unsheared, Augmentation.parseRecord(unsheared.toString()));
        // written before shear existed: every other key named, no shear
        Augmentation old = Augmentation.parseRecord("rotation=0.03,zoom=0.12,translation=0.08,stroke=1,blur=1,elastic=0");
        assertEquals(0, old.shear());
        assertEquals(0.12, old.zoom());
        assertEquals(Augmentation.NONE, Augmentation.parseRecord("none"));
    }

    @Test
    void eachKeyGivenOverridesItsDefaultAlone() {
        Augmentation a = Augmentation.parse("rotation=0.1,zoom=0.1,stroke=1");
        assertEquals(0.1, a.rotation());
        assertEquals(0.1, a.zoom());
        assertEquals(1, a.stroke());
        assertEquals(Augmentation.DEFAULTS.translation(), a.translation());
        assertEquals(Augmentation.DEFAULTS.blur(), a.blur());
        assertEquals(0, Augmentation.parse("rotation=0").rotation());
    }

    @Test
    void badValuesSayWhatIsWrong() {
        assertMessage("rotation=7", "rotation must be between 0 and 0.5, got 7");
        assertMessage("zoom=-0.1", "zoom must be between 0 and 0.9");
        assertMessage("stroke=abc", "stroke must be a number, got 'abc'");
        assertMessage("skew=0.1", "unknown key 'skew'");
        assertMessage("shear=1.5", "shear must be between 0 and 1");
        assertMessage("rotation", "'rotation' is not key=value");
        assertMessage("rotation=0.1,,zoom=0.1", "'' is not key=value");
        assertMessage("blur=NaN", "blur must be between 0 and 3");
        assertMessage("elastic=34,elastic-sigma=0", "elastic-sigma must be between 0.5 and 10");
        // settings that would do nothing, or twice: said, not silently taken (a new user's findings)
        assertMessage("elastic-sigma=4", "elastic-sigma smooths the elastic distortion, which is off (elastic=0)");
        assertMessage("stroke=1.5,stroke=0", "stroke is given twice; give each key once");
    }

    private static void assertMessage(String text, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Augmentation.parse(text));
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }

    @Test
    void theSameSeedGivesTheSamePicturesAndAnotherSeedOthers() {
        float[] digits = mnist(64);
        Augmentation settings = Augmentation.parse("elastic=34");
        float[] a = augment(digits, settings, 7);
        float[] b = augment(digits, settings, 7);
        float[] c = augment(digits, settings, 8);
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
        assertFalse(Arrays.equals(a, digits));
    }

    @Test
    void noneChangesNothing() {
        float[] digits = mnist(16);
        assertArrayEquals(digits, augment(digits, Augmentation.NONE, 1));
    }

    @Test
    void strokeOnlyThickensAndThinsAndMovesNoInkAround() {
        float[] digits = mnist(200);
        float[] out = augment(digits, new Augmentation(0, 0, 0, 0, 1, 0, 0, 4), 3);
        int thicker = 0;
        int thinner = 0;
        for (int i = 0; i < 200; i++) {
            double before = ImageTransforms.ink(Arrays.copyOfRange(digits, i * 784, i * 784 + 784));
            double after = ImageTransforms.ink(Arrays.copyOfRange(out, i * 784, i * 784 + 784));
            thicker += after > before * 1.05 ? 1 : 0;
            thinner += after < before * 0.95 ? 1 : 0;
        }
        // a third thickened, a third thinned, a third left for blur (off here), radius drawn from [0, 1]
        assertTrue(thicker > 40 && thinner > 40, thicker + " thicker, " + thinner + " thinner of 200");
    }

    private static float[] augment(float[] images, Augmentation settings, long seed) {
        Augmenter augmenter = new Augmenter(settings, 28, 28);
        SplittableRandom random = new SplittableRandom(seed);
        float[] out = new float[images.length];
        for (int i = 0; i < images.length / 784; i++) {
            augmenter.apply(images, i * 784, out, i * 784, random);
        }
        return out;
    }

    /** The first {@code n} real MNIST training digits, [0, 1]. */
    static float[] mnist(int n) {
        IdxFile file = new IdxReader().read(TestData.mnist().resolve("train-images-idx3-ubyte"), 3);
        float[] out = new float[n * 784];
        for (int i = 0; i < out.length; i++) {
            out[i] = (file.data()[i] & 0xFF) / 255f;
        }
        return out;
    }
}
