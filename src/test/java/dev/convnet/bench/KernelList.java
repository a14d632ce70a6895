package dev.convnet.bench;

import dev.convnet.engine.Kernel;
import dev.convnet.engine.OneDnnNetwork;
import dev.convnet.engine.Precision;
import dev.convnet.model.ConvNetModel;
import dev.convnet.model.Hyperparameters;
import dev.convnet.platform.CpuInfo;
import dev.convnet.platform.NativeRuntime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * For {@code scripts/bench}: the CPU (vendor, family and model, AVX512_BF16 and AMX as the CPU flags
 * and oneDNN report them) and the implementation oneDNN chose for every primitive of listing 8-1's
 * training and inference plans (64 images), float32 and, where the CPU has it, bf16.
 */
public final class KernelList {
    private KernelList() {
    }

    public static void main(String[] args) {
        NativeRuntime.start();
        CpuInfo cpu = CpuInfo.read();
        String isa = NativeRuntime.oneDnnIsa();
        boolean amxFlags = cpu.flags().containsAll(List.of("amx_tile", "amx_bf16"));
        System.out.printf("CPU: %s (%s); AVX512_BF16 %s; AMX %s (CPU flags: %s; oneDNN: isa %s)%n", cpu.name(), cpu.describe(),
                cpu.flags().contains("avx512_bf16") ? "yes" : "no", amxFlags && isa.toUpperCase(java.util.Locale.ROOT).contains("AMX") ? "yes" : "no",
                amxFlags ? "amx_tile amx_bf16" : "none", isa.toLowerCase(java.util.Locale.ROOT));
        String slower = Precision.BF16.slowerHereReason();
        if (slower != null) {
            System.out.println("Policy: convnet train " + slower.substring(slower.indexOf("--precision")));
        }
        List<Precision> precisions = Precision.BF16.unavailableReason() == null ? List.of(Precision.FP32, Precision.BF16)
                : List.of(Precision.FP32);
        // One row per primitive: the layer, the pass, then the implementation in each column.
        Map<String, List<String>> rows = new LinkedHashMap<>();
        List<String> columns = new ArrayList<>();
        for (Precision precision : precisions) {
            try (OneDnnNetwork net = OneDnnNetwork.of(ConvNetModel.create(new Hyperparameters(0.001, 1)), 1, 28, 28, 64, precision)
                    .orElseThrow()) {
                for (boolean training : new boolean[] {true, false}) {
                    columns.add(precision.id() + (training ? " training" : " inference"));
                    for (Kernel k : net.kernels(64, training)) {
                        String key = k.layer() + " " + k.primitive().replace("forward_inference", "forward").replace("forward_training", "forward");
                        List<String> row = rows.computeIfAbsent(key, x -> new ArrayList<>());
                        while (row.size() < columns.size() - 1) {
                            row.add("–");
                        }
                        row.add(row.size() == columns.size() ? row.remove(row.size() - 1) + ", " + k.implementation() : k.implementation());
                    }
                }
            }
        }
        System.out.println("\noneDNN implementation of each primitive, listing 8-1, 64 images (reorders: how many, which):\n");
        System.out.println("| primitive | " + String.join(" | ", columns) + " |");
        System.out.println("|---|" + "---|".repeat(columns.size()));
        rows.forEach((key, row) -> {
            while (row.size() < columns.size()) {
                row.add("–");
            }
            System.out.println("| " + key + " | " + String.join(" | ", row) + " |");
        });
    }
}
