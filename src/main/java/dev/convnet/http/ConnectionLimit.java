package dev.convnet.http;

import com.sun.management.UnixOperatingSystemMXBean;
import java.lang.management.ManagementFactory;

/** How many connections a server of convnet may hold open at once. */
public final class ConnectionLimit {
    private ConnectionLimit() {
    }

    /**
     * Half the process's file descriptors ({@code ulimit -n}), at least 256 and at most 10,000: the
     * other half is for jars, native libraries, models and the files a run writes. An idle
     * connection costs Jetty a few kB and no thread.
     */
    public static int forThisProcess() {
        long descriptors = ManagementFactory.getOperatingSystemMXBean() instanceof UnixOperatingSystemMXBean unix
                ? unix.getMaxFileDescriptorCount() : 2_048;
        return (int) Math.min(10_000, Math.max(256, descriptors / 2));
    }
}
