package dev.convnet.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Files that appear in a folder together or not at all (a report's pictures and its page, a set
 * of feature-map pictures). Each is written into a hidden staging folder inside the target folder;
 * only when every one is written are they renamed into place, the page last, so that it never
 * names a missing picture. Files they replace are first renamed aside into the staging folder, so
 * a rename that fails midway (a folder in the way, say) puts every earlier file back. A failure
 * therefore leaves the folder as it was: no new file, earlier files untouched, and the folders this
 * run created removed again. Renames replace links planted at the names instead of writing through
 * them, as {@link AtomicFile} does for one file; a FIFO, device, socket or read-only file at a
 * name, or the command's own input, stops the set. A staging folder left by a killed process (its
 * name carries the process id; untouched for ten minutes, so that a run of another PID namespace
 * sharing the folder keeps its own) is removed by the next run that writes into the same folder.
 *
 * <p>Two runs writing into the same folder at once (two terminals, a script in parallel) commit one
 * after the other, so the folder ends with one run's whole set, never a mix: each holds a lock
 * ({@link FileChannel#lock()}, a {@code fcntl} record lock the kernel drops if the process dies)
 * on one of 64 files chosen by the folder's real path, in the user's own folder under
 * {@code java.io.tmpdir} ({@code convnet-<uid>-locks}): a lock file in the target folder would
 * be one more file there. So runs of one user that share {@code java.io.tmpdir} take turns; runs
 * of two users, or of two containers writing one mounted folder, do not (each set still lands
 * whole or not at all; two sets landing at once may mix). A commit waits while another holds the
 * lock, without a limit: a commit is a few renames, so only a suspended process holds it long.
 *
 * <p>The price of all-or-nothing: the disk must hold the whole new set before the old one goes.
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
    private static final String PREFIX = ".convnet-staging-";
    private static final Pattern STAGING = Pattern.compile(Pattern.quote(PREFIX) + "(\\d+)-\\d+");
    private static final String ASIDE = ".replaced-";
    /**
     * How many lock files folders share, by a hash of their path: a bounded number of files that
     * never need deleting (deleting a lock file others wait on would let two runs in at once);
     * two folders that share one merely commit in turn, which takes milliseconds.
     */
    private static final int LOCK_FILES = 64;
    /** Threads of this process take turns here: a process cannot hold one file's lock twice. */
    private static final Object COMMITS = new Object();
    /** A staging folder this old whose process id is not running here: not one of another PID namespace at work. */
    private static final java.time.Duration ABANDONED_AFTER = java.time.Duration.ofMinutes(10);

    private final Path folder;
    private final Path staging;
    private final Object stagingKey;
    private final List<Path> created; // folders this run made, deepest first
    private final List<Path> inputs;
    private boolean committed;

    private StagedFiles(Path folder, Path staging, Object stagingKey, List<Path> created, List<Path> inputs) {
        this.folder = folder;
        this.staging = staging;
        this.stagingKey = stagingKey;
        this.created = created;
        this.inputs = inputs;
    }

    /**
     * Creates {@code folder} (and missing parents) if need be, removes staging folders of
     * processes that are gone, and makes an empty hidden staging folder
     * ({@code .convnet-staging-<pid>-<n>}, with {@code mkdir}'s exclusive semantics: never an
     * existing folder or a link).
     *
     * @param inputs the command's input files (its model), which no file of the set may replace
     * @throws IOException if either cannot be created (folders made here are removed again)
     */
    public static StagedFiles in(Path folder, Path... inputs) throws IOException {
        List<Path> created = new ArrayList<>();
        for (Path p = folder.toAbsolutePath().normalize(); p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            created.add(p); // deepest first; whichever of these createDirectories makes
        }
        try {
            Files.createDirectories(folder);
            removeAbandoned(folder);
            long pid = ProcessHandle.current().pid();
            for (int n = 0; ; n++) {
                Path staging = folder.resolve(PREFIX + pid + "-" + n);
                try {
                    Files.createDirectory(staging);
                } catch (FileAlreadyExistsException taken) {
                    continue; // another report of this process, or anything planted under the name
                }
                Object key = Files.readAttributes(staging, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
                return new StagedFiles(folder, staging, key, created, List.of(inputs));
            }
        } catch (IOException e) {
            removeEmpty(created, e);
            throw e;
        }
    }

    /** The folder to write the files into, under their final names. */
    public Path staging() {
        return staging;
    }

    /**
     * Renames every file written into {@link #staging()} into the target folder, replacing files
     * (or links) of the same names there; {@code last} (e.g. the page that names the others) goes
     * last. When a rename fails, the files renamed before it are taken out again and the ones they
     * replaced put back.
     *
     * <p>Waits while another run commits into the same folder (see the class comment).
     *
     * @throws IOException if a rename fails (the folder then holds what it held before)
     */
    public void commit(String last) throws IOException {
        synchronized (COMMITS) {
            try (FileChannel lock = lockFolder(folder)) {
                commitLocked(last);
            }
        }
    }

    /**
     * The folder's lock file, locked; null where it cannot be had (a lock folder that is not this
     * user's own, a file system without locks): the commit then goes ahead unlocked, as it did
     * before there was a lock. Never follows a link planted at either name.
     */
    static FileChannel lockFolder(Path folder) {
        try {
            // by user id, not name: a container's user without a passwd entry is named "?" by Java
            Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
            Path locks = Path.of(System.getProperty("java.io.tmpdir"), "convnet-" + uid + "-locks");
            if (!Files.exists(locks, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectories(locks, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            if (!Files.isDirectory(locks, LinkOption.NOFOLLOW_LINKS)
                    || !uid.equals(Files.getAttribute(locks, "unix:uid", LinkOption.NOFOLLOW_LINKS))) {
                return null; // another user's folder, or a link: no lock rather than a file written through it
            }
            // String.hashCode is fixed by its spec, so every JVM picks the same file for a folder
            int slot = Math.floorMod(folder.toRealPath().toString().hashCode(), LOCK_FILES);
            Path file = locks.resolve(String.format(java.util.Locale.ROOT, "commit-%02d.lock", slot));
            if (Files.exists(file, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    LinkOption.NOFOLLOW_LINKS);
            try {
                channel.lock();
                return channel;
            } catch (IOException | RuntimeException e) {
                channel.close();
                return null;
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private void commitLocked(String last) throws IOException {
        checkStaging();
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> written = Files.newDirectoryStream(staging)) {
            for (Path file : written) {
                if (!file.getFileName().toString().startsWith(".")) { // AtomicFile's temporary files are gone by now
                    files.add(file);
                }
            }
        }
        files.sort(Comparator.comparing((Path p) -> p.getFileName().toString().equals(last)).thenComparing(Path::toString));
        Deque<Path[]> done = new ArrayDeque<>(); // {target now holding a new file, the file it replaced (aside) or null}
        try {
            for (Path file : files) {
                Path target = folder.resolve(file.getFileName().toString());
                if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(target + " is a folder");
                }
                String kept = AtomicFile.whyNotReplaceable(target);
                if (kept != null) {
                    throw new IOException(target + ": " + kept);
                }
                for (Path input : inputs) {
                    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS) && Files.exists(input) && Files.isSameFile(target, input)) {
                        throw new IOException(target + " is the command's input " + input + "; choose another folder");
                    }
                }
                Path aside = null;
                if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                    aside = staging.resolve(ASIDE + file.getFileName());
                    rename(target, aside);
                }
                try {
                    rename(file, target);
                } catch (IOException e) {
                    if (aside != null) {
                        undo(new ArrayDeque<>(List.<Path[]>of(new Path[] {target, aside})), e);
                    }
                    throw e;
                }
                done.push(new Path[] {target, aside});
            }
        } catch (IOException e) {
            undo(done, e);
            throw e;
        }
        committed = true;
    }

    /** Takes the new files out again and renames the ones they replaced back, newest first. */
    private static void undo(Deque<Path[]> done, IOException failure) {
        while (!done.isEmpty()) {
            Path[] step = done.pop();
            try {
                if (step[1] != null) {
                    rename(step[1], step[0]); // replaces the new file, if it got there
                } else {
                    Files.deleteIfExists(step[0]);
                }
            } catch (IOException e) {
                failure.addSuppressed(e);
            }
        }
    }

    private static void rename(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The staging folder must still be the one made here, not a link or folder put under its name. */
    private void checkStaging() throws IOException {
        BasicFileAttributes now = Files.readAttributes(staging, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!now.isDirectory() || !Objects.equals(now.fileKey(), stagingKey)) {
            throw new IOException(staging + " was replaced while convnet wrote into it");
        }
    }

    /**
     * Deletes the staging folder with what is left in it (unwritten files, or the ones the commit
     * replaced), and, when nothing was committed, the folders this run made if they are empty.
     */
    @Override
    public void close() {
        try {
            checkStaging();
            deleteFolder(staging);
        } catch (IOException ignored) {
            // best effort: the staging folder is hidden, says convnet, and goes with the next run here
        }
        if (!committed) {
            removeEmpty(created, null);
        }
    }

    private static void deleteFolder(Path dir) throws IOException {
        try (DirectoryStream<Path> left = Files.newDirectoryStream(dir)) {
            for (Path file : left) {
                Files.deleteIfExists(file);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** Staging folders of processes that no longer run (killed mid-report): gone. */
    private static void removeAbandoned(Path folder) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder, PREFIX + "*")) {
            for (Path entry : entries) {
                Matcher m = STAGING.matcher(entry.getFileName().toString());
                if (m.matches() && Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)
                        && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()
                        && Files.getLastModifiedTime(entry, LinkOption.NOFOLLOW_LINKS).toInstant()
                                .isBefore(java.time.Instant.now().minus(ABANDONED_AFTER))) {
                    deleteFolder(entry);
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort: a leftover stays hidden
        }
    }

    /** Removes the folders this run made, deepest first, while they are empty. */
    private static void removeEmpty(List<Path> created, IOException failure) {
        for (Path dir : created) {
            try {
                if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                try (DirectoryStream<Path> rest = Files.newDirectoryStream(dir)) {
                    if (rest.iterator().hasNext()) {
                        return;
                    }
                }
                Files.delete(dir);
            } catch (IOException e) {
                if (failure != null) {
                    failure.addSuppressed(e);
                }
                return;
            }
        }
    }
}
