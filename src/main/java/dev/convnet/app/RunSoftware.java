package dev.convnet.app;

import dev.convnet.run.Software;
import dev.convnet.platform.Versions;

/** The software of this process, as a new run record keeps it. */
final class RunSoftware {
    private RunSoftware() {
    }

    /** convnet's, DL4J's and Java's versions and {@code nativeBuild} (null if not started); the engine comes later. */
    static Software current(String nativeBuild) {
        return new Software(Versions.convnet(), Versions.dl4j(), Versions.java(), nativeBuild, null);
    }
}
