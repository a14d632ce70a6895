package dev.convnet.model;

import dev.convnet.data.FileErrors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An operating-system lock on a hidden file next to an output, held while a training writes it.
 * The lock file is deleted on close; a process that locked the file just before it was deleted
 * notices (the path no longer names the file it locked) and tries again. One lock per output and
 * process: POSIX drops a process's lock when any of its descriptors for the file closes.
 */
public final class OutputLock implements AutoCloseable {
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final Runnable released;

    private OutputLock(Path file, FileChannel channel, FileLock lock, Runnable released) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.released = released;
    }

    static OutputLock acquire(Path target, Path lockFile, Runnable released) {
        for (int attempt = 0; attempt < 10; attempt++) {
            FileChannel channel = null;
            try {
                if (Files.isSymbolicLink(lockFile)) {
                    // A planted link would have us truncate and write our id into the file it names: remove
                    // the link itself (never its target); the file is created afresh below.
                    Files.deleteIfExists(lockFile);
                }
                if (Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)) {
                    // not ours to use or to remove: a FIFO there was deleted after a failed write
                    throw new ModelFileException("cannot lock " + target + " for writing: " + lockFile + " is "
                            + (Files.isDirectory(lockFile, LinkOption.NOFOLLOW_LINKS) ? "a folder" : "not a regular file (a FIFO, "
                            + "device or socket)") + ", where convnet keeps its lock file; move it away, or choose another -o");
                }
                Object key = fileKey(lockFile); // null the first time: the file is created below, and we go round again
                try {
                    channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                            StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
                } catch (FileSystemException e) {
                    if (Files.isSymbolicLink(lockFile)) {
                        continue; // a link planted between the check and the open (O_NOFOLLOW refused it): remove it and retry
                    }
                    throw e;
                }
                FileLock lock;
                try {
                    lock = channel.tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null; // this process holds it already
                }
                if (lock == null) {
                    String holder = holder(lockFile);
                    channel.close();
                    throw new ModelFileException("another convnet train is writing " + target
                            + (holder.isEmpty() ? "" : " (process " + holder + ")")
                            + "; wait for it to finish, or choose another -o");
                }
                // The previous holder deletes the file (while still holding it) on close: if that happened
                // after our first stat, the path now names another file than the one we locked. Compare with
                // stat only: opening the file again and closing it would drop our fcntl lock (POSIX
                // releases a process's locks on a file when any of its descriptors closes).
                if (key == null || !key.equals(fileKey(lockFile))) {
                    lock.release();
                    channel.close();
                    continue;
                }
                try {
                    channel.truncate(0);
                    channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
                } catch (IOException e) {
                    // e.g. a full disk: the file could be created but not written; remove it while still
                    // holding it, so no empty lock file is left behind (only a file: never what replaced it)
                    if (Files.isRegularFile(lockFile, LinkOption.NOFOLLOW_LINKS)) {
                        Files.deleteIfExists(lockFile);
                    }
                    throw e;
                }
                return new OutputLock(lockFile, channel, lock, released);
            } catch (IOException e) {
                closeQuietly(channel);
                throw new ModelFileException("cannot lock " + target + " for writing (" + lockFile.getFileName() + ": "
                        + FileErrors.describe(e) + ")", e);
            }
        }
        throw new ModelFileException("cannot lock " + target + " for writing: " + lockFile + " keeps being replaced");
    }

    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    private static String holder(Path lockFile) {
        try {
            String text;
            try (var in = Files.newInputStream(lockFile, LinkOption.NOFOLLOW_LINKS)) {
                text = new String(in.readNBytes(32), StandardCharsets.US_ASCII).trim(); // a pid, nothing larger
            }
            return text.matches("\\d{1,10}") ? text : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // nothing held
            }
        }
    }

    @Override
    public void close() {
        released.run();
        try {
            Files.deleteIfExists(file); // while still locked, so no one can lock the old file after this
            lock.release();
            channel.close();
        } catch (IOException ignored) {
            // the operating system releases the lock with the process anyway
        }
    }
}
