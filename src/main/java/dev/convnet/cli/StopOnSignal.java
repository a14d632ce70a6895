package dev.convnet.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While open, turns the first Ctrl-C (SIGINT) or SIGTERM into a polite stop request, so training ends
 * between two steps and the last checkpoint stays whole; a second signal quits at once. Without
 * this the JVM would die mid-step. Uses sun.misc.Signal, the JDK's only signal API.
 */
final class StopOnSignal implements AutoCloseable {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String received;

    StopOnSignal(Runnable requestStop, PrintWriter err) {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal signal = new Signal(name);
            signals.add(signal);
            previous.add(Signal.handle(signal, s -> {
                if (received != null) {
                    err.println();
                    err.println("Stopped at once; the last checkpoint is unchanged.");
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
