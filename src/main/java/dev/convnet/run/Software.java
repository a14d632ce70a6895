package dev.convnet.run;

import java.util.Map;

/**
 * The software a run ran on; any field may be null (older records lack some, and the engine is
 * known only once training has opened it).
 *
 * @param convnet convnet's version, e.g. {@code 0.1.0}
 * @param dl4j DL4J's and ND4J's version, e.g. {@code 1.0.0-M2.1}
 * @param java the Java runtime, e.g. {@code 17.0.15 (OpenJDK 64-Bit Server VM)}
 * @param nativeBuild the ND4J native build, oneDNN ISA and threads, as {@code NativeRuntime.describe()}
 * @param engine the engine the steps ran on, e.g. {@code oneDNN}
 */
public record Software(String convnet, String dl4j, String java, String nativeBuild, String engine) {
    public static final Software UNKNOWN = new Software(null, null, null, null, null);

    public Software withEngine(String engineName) {
        return new Software(convnet, dl4j, java, nativeBuild, engineName);
    }

    /** The run record's keys: {@code convnet}, {@code dl4j.nd4j}, {@code java}, {@code native}, {@code engine}. */
    void putInto(Map<String, String> m) {
        RecordKeys.put(m, "convnet", convnet);
        RecordKeys.put(m, "dl4j.nd4j", dl4j);
        RecordKeys.put(m, "java", java);
        RecordKeys.put(m, "native", nativeBuild);
        RecordKeys.put(m, "engine", engine);
    }

    /** Takes {@link #putInto}'s keys out of {@code m}. */
    static Software takeFrom(Map<String, String> m) {
        return new Software(m.remove("convnet"), m.remove("dl4j.nd4j"), m.remove("java"), m.remove("native"),
                m.remove("engine"));
    }
}
