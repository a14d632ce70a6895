package dev.convnet.bench;

import dev.convnet.data.LabeledImages;
import dev.convnet.data.MnistLoader;
import dev.convnet.data.Split;
import dev.convnet.engine.OneDnnNetwork;
import dev.convnet.engine.Precision;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.platform.NativeRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * float32 against bf16 on this machine, in one process: training steps (64 images) and inference
 * passes (64 and 8 images), alternating the two precisions in rounds, medians over rounds. Reports
 * both wall time and the calling thread's CPU time: with OMP_NUM_THREADS=1 all of oneDNN's work runs
 * on that thread, so CPU time holds up on a busy machine where wall time does not.
 *
 * <p>Usage: {@code OMP_NUM_THREADS=1 java -cp target/convnet.jar:target/test-classes dev.convnet.bench.PrecisionRatio [DATA_DIR] [ROUNDS]}
 */
public final class PrecisionRatio {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private PrecisionRatio() {
    }

    public static void main(String[] args) {
        NativeRuntime.start();
        LabeledImages train = new MnistLoader(Path.of(args.length > 0 ? args[0] : "data/mnist")).load(Split.TRAIN, 6_400);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        Precision[] precisions = Precision.BF16.unavailableReason() == null ? Precision.values() : new Precision[] {Precision.FP32};
        OneDnnNetwork[] nets = new OneDnnNetwork[precisions.length];
        for (int p = 0; p < precisions.length; p++) {
            nets[p] = OneDnnNetwork.of(ConvNetModel.create(new Hyperparameters(0.001, 1)), 1, 28, 28, 64, precisions[p])
                    .orElseThrow();
        }
        int[] rows = java.util.stream.IntStream.range(0, train.size()).toArray();
        String[] tasks = {"train 64", "infer 64", "infer 8"};
        double[][][] cpu = new double[tasks.length][precisions.length][rounds];
        double[][][] wall = new double[tasks.length][precisions.length][rounds];
        for (int round = -1; round < rounds; round++) { // round -1 warms up
            for (int p = 0; p < precisions.length; p++) {
                OneDnnNetwork net = nets[p];
                IntConsumer[] work = {
                    i -> net.trainStep(train.pixels(), train.classes(), rows, (i % 100) * 64, (i % 100) * 64 + 64),
                    i -> net.predict(train.pixels(), (i % 100) * 64, (i % 100) * 64 + 64),
                    i -> net.predict(train.pixels(), (i % 100) * 64, (i % 100) * 64 + 8)};
                int[] repeats = {20, 40, 160};
                for (int t = 0; t < tasks.length; t++) {
                    long cpu0 = THREADS.getCurrentThreadCpuTime();
                    long wall0 = System.nanoTime();
                    for (int i = 0; i < repeats[t]; i++) {
                        work[t].accept(i);
                    }
                    if (round >= 0) {
                        cpu[t][p][round] = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e6 / repeats[t];
                        wall[t][p][round] = (System.nanoTime() - wall0) / 1e6 / repeats[t];
                    }
                }
            }
        }
        System.out.printf(Locale.ROOT, "%-10s %-5s %14s %14s%n", "task", "prec", "CPU ms median", "wall ms median");
        for (int t = 0; t < tasks.length; t++) {
            for (int p = 0; p < precisions.length; p++) {
                System.out.printf(Locale.ROOT, "%-10s %-5s %14.3f %14.3f%n", tasks[t], precisions[p].id(),
                        median(cpu[t][p]), median(wall[t][p]));
            }
        }
        if (precisions.length == 2) {
            for (int t = 0; t < tasks.length; t++) {
                System.out.printf(Locale.ROOT, "%s: bf16 is %.2fx float32's speed (CPU time), %.2fx (wall)%n", tasks[t],
                        median(cpu[t][0]) / median(cpu[t][1]), median(wall[t][0]) / median(wall[t][1]));
            }
        }
        for (int p = 0; p < precisions.length; p++) {
            System.out.printf(Locale.ROOT, "%s: 8 images cost %.3f of 64 (CPU time)%n", precisions[p].id(),
                    median(cpu[2][p]) / median(cpu[1][p]));
            nets[p].close();
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
