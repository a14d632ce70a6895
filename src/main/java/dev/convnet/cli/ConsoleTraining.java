package dev.convnet.cli;

import dev.convnet.app.TrainingListener;
import dev.convnet.app.TrainingStart;
import dev.convnet.run.RunState;
import java.io.PrintWriter;
import java.util.Locale;

/** A training run as the console shows it: the summary table, a line on what trains and one on where, Keras' progress bar. */
final class ConsoleTraining extends TrainingListener.WithProgress {
    private final PrintWriter out;

    ConsoleTraining(PrintWriter out, Terminal terminal) {
        super(terminal.progressBar(out));
        this.out = out;
    }

    @Override
    public void started(TrainingStart start) {
        RunState state = start.state();
        out.print(SummaryCommand.table(start.network()));
        out.printf(Locale.ROOT, "%s %,d %s %s%s, batch %d, lr %s, seed %d%s%s%nEngine %s; %s%n",
                state.epochsDone() >= state.settings().epochs()
                        ? (state.settings().epochs() == 1 ? "The epoch is" : "All " + state.settings().epochs() + " epochs are")
                                + " trained: evaluating and saving; trained on"
                        : start.resumed() ? "Resuming at epoch " + (state.epochsDone() + 1) + " on" : "Training on",
                start.trainImages(), start.dataset().id(), start.trainImages() == 1 ? "image" : "images",
                start.validationImages() == 0 ? "" : String.format(Locale.ROOT, " (validating on %,d)", start.validationImages()),
                state.settings().batch(), state.settings().learningRate(), state.settings().seed(),
                state.data().augment().equals("none") ? "" : ", augmented",
                state.settings().averagesWeights() ? ", EMA of the weights (momentum " + state.settings().emaMomentum() + ")" : "",
                start.engine(), start.nativeBuild());
        if (state.settings().averagesWeights()) {
            long steps = (long) Math.ceil(start.trainImages() / (double) state.settings().batch())
                    * state.settings().epochs(); // the whole run's, resumed or not
            double reach = 1 / (1 - state.settings().emaMomentum());
            if (steps < 3 * reach) { // the first weights still weigh in the saved average
                out.printf(Locale.ROOT, "Note: the average of the weights reaches about %.0f steps back and this run has %d:"
                        + " a run this short may do better with --no-ema.%n", reach, steps);
            }
        }
        out.flush();
    }

    @Override
    public void restoredBestEpoch(int epoch, boolean stoppedEarly) {
        out.printf("%s; keeping the weights of epoch %d, the lowest val_loss.%n",
                stoppedEarly ? "Early stopping: val_loss stopped improving" : "Training finished", epoch);
    }
}
