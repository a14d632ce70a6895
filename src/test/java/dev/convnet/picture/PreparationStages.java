package dev.convnet.picture;

import dev.convnet.data.DecodedImage;
import dev.convnet.data.ImageDecoder;
import java.awt.image.BufferedImage;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Benchmark, not a test: what the preparation costs per picture, stage by stage, on a folder of
 * pictures (e.g. scripts/make-handwriting's held-out set), one thread, after JIT warm-up rounds;
 * and, given an earlier build's jar, that build's decode + preparation on the same files in the
 * same JVM (its {@code MnistStyle.prepare}, from before the preparation pipeline).
 *
 * <pre>java -cp target/test-classes:target/classes:target/lib/* dev.convnet.picture.PreparationStages DIR [BEFORE.jar]</pre>
 */
public final class PreparationStages {
    private static final String[] STAGES = {"decode", "samples (<= 512 px)", "orientation", "ink (transparency, paper light, polarity, Otsu)",
        "crop", "stroke width, upright (deskew)", "MNIST frame"};

    private PreparationStages() {
    }

    public static void main(String[] args) throws Exception {
        List<byte[]> files;
        try (var walk = Files.walk(Path.of(args[0]))) {
            files = walk.filter(Files::isRegularFile).sorted().map(PreparationStages::read).toList();
        }
        ImageDecoder decoder = new ImageDecoder();
        long[] ns = new long[STAGES.length];
        int rounds = 4;
        for (int round = 0; round < rounds; round++) {
            boolean counted = round > 0; // the first round warms the JIT up
            for (byte[] file : files) {
                long t0 = System.nanoTime();
                DecodedImage decoded = decoder.decode(file);
                long t1 = System.nanoTime();
                RawSamples samples = RawSamples.of(decoded.image());
                long t2 = System.nanoTime();
                RawSamples upright = DigitPreparation.upright(samples, decoded.orientation());
                long t3 = System.nanoTime();
                Plane ink = DigitPreparation.ink(upright);
                long t4 = System.nanoTime();
                Plane digit = ink == null ? null : DigitCrop.crop(ink);
                long t5 = System.nanoTime();
                Plane normalised = digit == null ? null : Deskew.upright(StrokeWidth.normalise(StrokeWidth.fit(digit)));
                long t6 = System.nanoTime();
                if (normalised != null) {
                    MnistFrame.frame(normalised);
                }
                long t7 = System.nanoTime();
                if (counted) {
                    long[] t = {t0, t1, t2, t3, t4, t5, t6, t7};
                    for (int s = 0; s < STAGES.length; s++) {
                        ns[s] += t[s + 1] - t[s];
                    }
                }
            }
        }
        double pictures = (double) files.size() * (rounds - 1);
        double total = 0;
        System.out.printf(Locale.ROOT, "%d pictures from %s, %d timed rounds, one thread%n", files.size(), args[0], rounds - 1);
        System.out.printf(Locale.ROOT, "%-48s %12s%n", "stage", "ms/picture");
        for (int s = 0; s < STAGES.length; s++) {
            double ms = ns[s] / 1e6 / pictures;
            total += ms;
            System.out.printf(Locale.ROOT, "%-48s %12.2f%n", STAGES[s], ms);
        }
        System.out.printf(Locale.ROOT, "%-48s %12.2f%n", "all (decode included)", total);
        if (args.length > 1) {
            againstEarlierBuild(files, Path.of(args[1]), rounds);
        }
    }

    /** The earlier build's decode + MnistStyle.prepare on the same files, and this build's whole prepare again, alternated. */
    static void againstEarlierBuild(List<byte[]> files, Path jar, int rounds) throws Exception {
        try (URLClassLoader old = new URLClassLoader(new URL[] {jar.toUri().toURL()}, null)) {
            Class<?> decoderClass = old.loadClass("dev.convnet.data.ImageDecoder");
            Object decoder = decoderClass.getConstructor().newInstance();
            Method decode = decoderClass.getMethod("decode", byte[].class);
            Method prepare = mnistStyle(old).getMethod("prepare", BufferedImage.class);
            DigitPreparation now = new DigitPreparation();
            long beforeNs = 0;
            long nowNs = 0;
            for (int round = 0; round < rounds; round++) {
                long t0 = System.nanoTime();
                for (byte[] f : files) {
                    prepare.invoke(null, decode.invoke(decoder, (Object) f));
                }
                long t1 = System.nanoTime();
                for (byte[] f : files) {
                    now.prepare(f);
                }
                long t2 = System.nanoTime();
                if (round > 0) {
                    beforeNs += t1 - t0;
                    nowNs += t2 - t1;
                }
            }
            double pictures = (double) files.size() * (rounds - 1);
            System.out.printf(Locale.ROOT, "before (%s): %.2f ms/picture; now: %.2f ms/picture; ratio %.2f%n", jar.getFileName(),
                    beforeNs / 1e6 / pictures, nowNs / 1e6 / pictures, (double) nowNs / beforeNs);
        }
    }

    /** MnistStyle, in the package it had in that build (predict/ before the rename to picture/). */
    private static Class<?> mnistStyle(ClassLoader old) throws ClassNotFoundException {
        try {
            return old.loadClass("dev.convnet.picture.MnistStyle");
        } catch (ClassNotFoundException renamed) {
            return old.loadClass("dev.convnet.predict.MnistStyle");
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
