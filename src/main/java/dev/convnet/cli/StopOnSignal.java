package dev.convnet.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * While open, turns the first Ctrl-C (SIGINT) or SIGTERM into a polite stop request, so that a
 * training ends between two steps with its last checkpoint whole, and a server finishes the
 * requests in flight; a second signal quits at once. Without this the JVM would die mid-step or
 * mid-write. Uses sun.misc.Signal, the JDK's only signal API.
 */
final class StopOnSignal implements AutoCloseable {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile String received;

    /**
     * @param stopping what the first signal prints before asking, for its name (null: nothing)
     * @param halted the line a second signal prints before the JVM halts
     */
    private StopOnSignal(Runnable requestStop, PrintWriter err, Function<String, String> stopping,
                         Supplier<String> halted) {
        for (String name : new String[] {"INT", "TERM"}) {
            Signal signal = new Signal(name);
            signals.add(signal);
            previous.add(Signal.handle(signal, s -> {
                if (received != null) {
                    err.println(halted.get());
                    err.flush();
                    Runtime.getRuntime().halt(128 + s.getNumber());
                }
                received = s.getName();
                String line = stopping.apply(s.getName());
                if (line != null) {
                    err.println(line);
                    err.flush();
                }
                requestStop.run();
            }));
        }
    }

    /**
     * For a training: the stop comes after the current step; {@code halting} runs before a second
     * signal halts the JVM: it removes any half-written file and returns what is on disk.
     */
    static StopOnSignal duringTraining(Runnable requestStop, PrintWriter err, Supplier<String> halting) {
        String nl = System.lineSeparator(); // each line after a blank one: the progress bar may hold the current line
        return new StopOnSignal(requestStop, err,
                signal -> nl + "Stopping after the current step (" + signal + " again quits at once) ...",
                () -> nl + "Stopped at once; " + TrainCommand.endSentence(halting.get()));
    }

    /** For a server: the command says how it stops; a second signal quits without waiting for requests in flight. */
    static StopOnSignal whileServing(Runnable requestStop, PrintWriter err) {
        return new StopOnSignal(requestStop, err, signal -> null, () -> "Stopped at once.");
    }

    /** Whether a stop was asked for. */
    boolean received() {
        return received != null;
    }

    /** Whether the stop was asked for with SIGTERM (a service manager), not Ctrl-C (a person at a terminal). */
    boolean terminated() {
        return "TERM".equals(received);
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
