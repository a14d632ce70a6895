package dev.convnet.platform;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Versions of convnet and of what it runs on, each from its own source: ours from the resource
 * Maven fills in at build time, DL4J's from the {@code pom.properties} inside its own jar (so the
 * version shown is the one actually on the class path), Java's from the running VM.
 */
public final class Versions {
    private static final String DL4J_POM = "/META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties";

    private Versions() {
    }

    /** convnet's version, e.g. {@code 0.1.0}. */
    public static String convnet() {
        return property("/convnet.properties", "version");
    }

    /** The DL4J (and ND4J) release on the class path, e.g. {@code 1.0.0-M2.1}. */
    public static String dl4j() {
        return property(DL4J_POM, "version");
    }

    /** e.g. {@code 17.0.15 (OpenJDK 64-Bit Server VM)}. */
    public static String java() {
        return System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")";
    }

    private static String property(String resource, String key) {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream(resource)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
        return p.getProperty(key, "unknown");
    }
}
