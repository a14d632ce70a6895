package dev.convnet.data;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * Another process committing into a folder, for {@link StagedFilesLockTest}: takes the folder's
 * commit lock as {@link StagedFiles#commit} does, prints "locked", and holds it until its
 * standard input ends.
 */
public final class FolderLockHolder {
    private FolderLockHolder() {
    }

    public static void main(String[] args) throws IOException {
        try (FileChannel lock = StagedFiles.lockFolder(Path.of(args[0]))) {
            System.out.println(lock != null ? "locked" : "no lock");
            System.out.flush();
            while (System.in.read() >= 0) {
                // hold the lock until the test closes our input
            }
        }
    }
}
