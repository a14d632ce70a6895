package dev.convnet.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Reads and rewrites a model zip's entries, for tests that alter one of them. */
public final class HostileModelAccess {
    private HostileModelAccess() {
    }

    public static Map<String, byte[]> entries(Path zip) throws IOException {
        return HostileModelTest.entries(zip);
    }

    public static Path write(Path file, Map<String, byte[]> entries) throws IOException {
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return file;
    }
}
