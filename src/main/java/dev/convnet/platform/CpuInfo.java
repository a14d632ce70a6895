package dev.convnet.platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The CPU as Linux's /proc/cpuinfo describes its first core (the CPUID vendor, family, model and
 * feature flags). The engine's choices depend on what oneDNN reports it may use; this says which
 * vendor's kernels those are, which oneDNN does not.
 *
 * @param vendor CPUID's vendor string, e.g. {@code GenuineIntel} or {@code AuthenticAMD}; {@code unknown} where unreadable
 * @param family CPUID's display family, e.g. 6 (Intel) or 25 (AMD Zen 4); -1 where unreadable
 * @param model CPUID's display model, e.g. 143 (Sapphire Rapids) or 207 (Emerald Rapids); -1 where unreadable
 * @param name the model name, e.g. {@code Intel(R) Xeon(R) Platinum 8592+}
 * @param flags the feature flags, e.g. {@code avx512_bf16}, {@code amx_tile}
 */
public record CpuInfo(String vendor, int family, int model, String name, Set<String> flags) {

    /** This machine's CPU. */
    public static CpuInfo read() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/cpuinfo")));
        } catch (IOException | RuntimeException e) {
            return new CpuInfo("unknown", -1, -1, "unknown CPU", Set.of());
        }
    }

    /** From /proc/cpuinfo's lines: the first value of each key, i.e. the first core's. */
    static CpuInfo parse(List<String> lines) {
        Map<String, String> first = new HashMap<>();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                first.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        String flags = first.getOrDefault("flags", "");
        return new CpuInfo(first.getOrDefault("vendor_id", "unknown"), integer(first.get("cpu family")),
                integer(first.get("model")), first.getOrDefault("model name", "unknown CPU"),
                flags.isEmpty() ? Set.of() : Set.of(flags.split("\\s+")));
    }

    public boolean isIntel() {
        return vendor.equals("GenuineIntel");
    }

    /** e.g. {@code GenuineIntel family 6 model 207}. */
    public String describe() {
        return vendor + " family " + family + " model " + model;
    }

    private static int integer(String value) {
        try {
            return value == null ? -1 : Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
