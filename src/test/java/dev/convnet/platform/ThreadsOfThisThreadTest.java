package dev.convnet.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/**
 * The serving worker runs its forward passes on one thread ({@link NativeRuntime#setThreadsOfThisThread})
 * while training elsewhere in the same process must keep every core: the setting is the calling
 * thread's own, as OpenMP's nthreads-var is.
 */
class ThreadsOfThisThreadTest {
    @Test
    void oneThreadsSettingLeavesTheOthersAlone() throws ExecutionException, InterruptedException {
        NativeRuntime.start();
        int mine = NativeRuntime.threadsOfThisThread();
        int[] seen = new int[2];
        Thread worker = new Thread(() -> {
            int before = NativeRuntime.threadsOfThisThread();
            NativeRuntime.setThreadsOfThisThread(before + 3);
            seen[0] = before;
            seen[1] = NativeRuntime.threadsOfThisThread();
        });
        worker.start();
        worker.join();
        assertEquals(mine, seen[0], "a new thread starts with the process's setting");
        assertEquals(mine + 3, seen[1], "its own setting, once set");
        assertEquals(mine, NativeRuntime.threadsOfThisThread(), "the setting thread's, not this one's");
        int later = CompletableFuture.supplyAsync(NativeRuntime::threadsOfThisThread, r -> new Thread(r).start()).get();
        assertEquals(mine, later, "nor a thread started afterwards");
    }

    @Test
    void fewerThanOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> NativeRuntime.setThreadsOfThisThread(0));
    }
}
