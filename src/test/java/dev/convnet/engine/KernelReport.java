package dev.convnet.engine;

import dev.convnet.model.Architecture;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.model.ModelType;
import dev.convnet.model.Padding;
import dev.convnet.platform.NativeRuntime;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Prints the implementation oneDNN chose for every primitive of every plan the engine builds here:
 * the book's network and {@link OneDnnNetworkTest}'s variants; float32 with Winograd (the default),
 * float32 direct (what {@link OneDnnNetworkTest} compares with DL4J) and bf16 where the CPU has it;
 * training and inference plans for 1 and 64 images, and inference-only networks (as evaluate, predict
 * and serve open them) with plans for every power of two up to 64. {@link ReferenceKernelTest} runs it in a child
 * JVM per {@code DNNL_MAX_CPU_ISA} (oneDNN reads that once, at its first call). The last line is
 * {@code reference kernels: N}, the one before it {@code unsafe kernels: N} ({@link Kernel#isUnsafe}).
 */
public final class KernelReport {
    /**
     * The networks: listing 8-1, then OneDnnNetworkTest's variants (filters, kernel, stride, padding),
     * then with BatchNormalization and Dropout.
     */
    static final List<Architecture> NETWORKS = List.of(Architecture.BOOK,
            new Architecture(ModelType.CONVNET, List.of(32, 64, 128), 3, 1, Padding.fromId("same")),
            new Architecture(ModelType.CONVNET, List.of(16, 32), 5, 2, Padding.fromId("same")),
            new Architecture(ModelType.CONVNET, List.of(8, 16), 4, 1, Padding.fromId("valid")),
            // train --batch-norm --dropout 0.5: batch_normalization (ReLU fused) and dropout's binary_mul
            Architecture.BOOK.withBatchNorm(true).withDropout(0.5),
            new Architecture(ModelType.CONVNET, List.of(16, 32), 5, 2, Padding.fromId("same")).withPoolLast(true).withBatchNorm(true));

    private static int unsafe;

    private KernelReport() {
    }

    public static void main(String[] args) {
        NativeRuntime.start();
        System.out.println("oneDNN " + Dnnl.version() + " at " + Dnnl.isaName() + " (DNNL_MAX_CPU_ISA="
                + System.getenv().getOrDefault("DNNL_MAX_CPU_ISA", "unset") + ")");
        int references = 0;
        for (int n = 0; n < NETWORKS.size(); n++) {
            String network = n == 0 ? "book" : "variant " + n;
            for (String mode : Dnnl.hasBf16() ? List.of("fp32", "fp32-direct", "bf16") : List.of("fp32", "fp32-direct")) {
                Precision precision = mode.equals("bf16") ? Precision.BF16 : Precision.FP32;
                ComputationGraph graph = ConvNetModel.create(NETWORKS.get(n), new Hyperparameters(0.001, 42));
                OneDnnBuild build = OneDnnNetwork.of(graph, 1, 28, 28, 64, precision, !mode.equals("fp32-direct"));
                if (!(build instanceof OneDnnBuild.Built built)) {
                    System.out.println(network + " " + mode + ": DECLINED " + ((OneDnnBuild.Declined) build).reason());
                    references++;
                    continue;
                }
                try (OneDnnNetwork net = built.network()) {
                    if (net.notice() != null) {
                        System.out.println(network + " " + mode + ": FELL BACK " + net.notice());
                        references++;
                    }
                    for (boolean training : new boolean[] {true, false}) {
                        for (int batch : new int[] {64, 1}) {
                            references += print(network + " " + mode + (training ? " training" : " inference") + " batch " + batch,
                                    net.kernels(batch, training));
                        }
                    }
                }
                // As evaluate, predict and serve build it: inference plans only, first the largest,
                // then every power of two below (listed only where one has a reference kernel).
                OneDnnBuild inferenceOnly = OneDnnNetwork.forInference(graph, 1, 28, 28, 64, precision);
                try (OneDnnNetwork net = inferenceOnly.orElseThrow()) {
                    for (int batch = 64; batch >= 1; batch /= 2) {
                        List<Kernel> kernels = net.kernels(batch, false);
                        if (batch == 64 || kernels.stream().anyMatch(Kernel::isReference)) {
                            references += print(network + " " + mode + " inference-only batch " + batch, kernels);
                        }
                    }
                }
            }
        }
        System.out.println("unsafe kernels: " + unsafe);
        System.out.println("reference kernels: " + references);
    }

    /** Prints the plan's kernels; returns how many are reference ones, and counts the {@link Kernel#isUnsafe unsafe} ones. */
    private static int print(String title, List<Kernel> kernels) {
        System.out.println(title + ":");
        int references = 0;
        for (Kernel k : kernels) {
            System.out.println("  " + k + (k.isReference() ? "   <-- REFERENCE" : k.isUnsafe() ? "   <-- UNSAFE" : ""));
            references += k.isReference() ? 1 : 0;
            unsafe += k.isUnsafe() ? 1 : 0;
        }
        return references;
    }
}
