package dev.convnet.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While open, turns the first Ctrl-C (SIGINT) or SIGTERM into a polite stop request, so training ends
 * between two steps and the last checkpoint stays whole; a second signal quits at once, after
 * {@code halting} has removed any half-written file and said what is on disk. Without this the
 * JVM would die mid-step or mid-write. Uses sun.misc.Signal, the JDK's only signal API.
 */
final class StopOnSignal implements AutoCloseable {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String received;

    /** {@code halting} runs before a second signal halts the JVM: it cleans up and returns what is on disk. */
    StopOnSignal(Runnable requestStop, PrintWriter err, Supplier<String> halting) {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal signal = new Signal(name);
            signals.add(signal);
            previous.add(Signal.handle(signal, s -> {
                if (received != null) {
                    String onDisk = halting.get();
                    err.println();
                    err.println("Stopped at once; " + onDisk + ".");
                    err.flush();
                    Runtime.getRuntime().halt(128 + s.getNumber());
                }
                received = s.getName();
                err.println();
                err.println("Stopping after the current step (" + s.getName() + " again quits at once) ...");
                err.flush();
                requestStop.run();
            }));
        }
    }

    /** Whether a stop was asked for. */
    boolean received() {
        return received != null;
    }

    /** The exit code a shell expects after the signal received (130 for INT, 143 for TERM). */
    int exitCode() {
        return "TERM".equals(received) ? 143 : 130;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) {
            Signal.handle(signals.get(i), previous.get(i));
        }
    }
}
