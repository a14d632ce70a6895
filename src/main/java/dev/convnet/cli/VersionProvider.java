package dev.convnet.cli;

import dev.convnet.platform.Versions;
import picocli.CommandLine.IVersionProvider;

/** {@code convnet --version}: convnet's version and what it runs on. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {
            "convnet " + Versions.convnet(),
            "DL4J/ND4J " + Versions.dl4j() + ", Java " + Versions.java()
        };
    }
}
