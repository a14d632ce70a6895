package dev.convnet.data;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Files that appear in a folder together or not at all (a report's pictures and its page, a set
 * of feature-map pictures): each is written into a hidden staging folder inside the target folder,
 * and only when every one is written are they renamed into place, the page last, so it never
 * names a picture that is missing. A failure (a full disk, say) leaves the folder as it was: no
 * partial or half-set of new files, earlier files untouched, and a folder that this run created
 * removed again. Renames replace links planted at the names instead of writing through them, as
 * {@link AtomicFile} does for one file.
 *
 * <pre>{@code
 * try (StagedFiles files = StagedFiles.in(dir)) {
 *     write(files.staging().resolve("confusion.png"));
 *     write(files.staging().resolve("index.html"));
 *     files.commit("index.html");
 * }
 * }</pre>
 */
public final class StagedFiles implements AutoCloseable {
    private final Path folder;
    private final Path staging;
    private final boolean createdFolder;
    private boolean committed;

    private StagedFiles(Path folder, Path staging, boolean createdFolder) {
        this.folder = folder;
        this.staging = staging;
        this.createdFolder = createdFolder;
    }

    /**
     * Creates {@code folder} if it is missing, and an empty hidden staging folder in it
     * ({@code .convnet-<random>.tmp}, made with O_EXCL semantics: never an existing one or a link).
     *
     * @throws IOException if either cannot be created (the folder is left as it was)
     */
    public static StagedFiles in(Path folder) throws IOException {
        boolean existed = Files.isDirectory(folder);
        Files.createDirectories(folder);
        try {
            return new StagedFiles(folder, Files.createTempDirectory(folder, ".convnet-"), !existed);
        } catch (IOException e) {
            if (!existed) {
                Files.deleteIfExists(folder);
            }
            throw e;
        }
    }

    /** The folder to write the files into, under their final names. */
    public Path staging() {
        return staging;
    }

    /**
     * Renames every file written into {@link #staging()} into the target folder, replacing files
     * (or links) of the same names there; {@code last} (e.g. the page that names the others) goes last.
     *
     * @throws IOException if a rename fails (files renamed before it stay: each is whole)
     */
    public void commit(String last) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> written = Files.newDirectoryStream(staging)) {
            for (Path file : written) {
                if (!file.getFileName().toString().startsWith(".")) { // AtomicFile's temporary files are gone by now
                    files.add(file);
                }
            }
        }
        files.sort(Comparator.comparing((Path p) -> p.getFileName().toString().equals(last)).thenComparing(Path::toString));
        for (Path file : files) {
            Path target = folder.resolve(file.getFileName().toString());
            try {
                Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        committed = true;
    }

    /** Deletes the staging folder and whatever is left in it; the target folder too if this run made it and nothing was committed. */
    @Override
    public void close() {
        try (DirectoryStream<Path> left = Files.newDirectoryStream(staging)) {
            for (Path file : left) {
                Files.deleteIfExists(file);
            }
        } catch (IOException ignored) {
            // best effort below
        }
        try {
            Files.deleteIfExists(staging);
            if (createdFolder && !committed && Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
                try (DirectoryStream<Path> rest = Files.newDirectoryStream(folder)) {
                    if (!rest.iterator().hasNext()) {
                        Files.delete(folder);
                    }
                }
            }
        } catch (IOException ignored) {
            // best effort: the staging folder is hidden and says convnet
        }
    }
}
