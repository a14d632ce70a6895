package dev.convnet.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** Versions of convnet and what it runs on, from a resource Maven fills in at build time. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() throws IOException {
        Properties p = new Properties();
        try (InputStream in = VersionProvider.class.getResourceAsStream("/convnet.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return new String[] {
            "convnet " + p.getProperty("version", "unknown"),
            "DL4J/ND4J " + p.getProperty("dl4j.version", "unknown") + ", Java " + System.getProperty("java.version")
                    + " (" + System.getProperty("java.vm.name") + ")"
        };
    }
}
