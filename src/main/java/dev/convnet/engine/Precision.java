package dev.convnet.engine;

import java.util.Locale;

/** The number format the oneDNN engine trains in. */
public enum Precision {
    /** Float32 everywhere, as DL4J computes. */
    FP32,
    /**
     * Convolutions, pooling and their gradients in bfloat16, with float32 master weights, weight
     * gradients, RMSprop state, dense layer and loss; a convolution of one input channel (conv1)
     * and the pooling after it stay float32 (no AMX kernel takes one channel, and the AVX512_BF16
     * one is slower than float32's). Needs a CPU with AVX512_BF16.
     */
    BF16;

    /** The name on the command line, e.g. {@code bf16}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads {@code fp32} or {@code bf16}, in any case. */
    public static Precision fromId(String id) {
        for (Precision p : values()) {
            if (p.id().equalsIgnoreCase(id)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown precision '" + id + "' (choose fp32 or bf16)");
    }

    /**
     * Why bf16 would run slower than float32 on this CPU, in one line, or null where it does not.
     * On Intel CPUs with AVX512_BF16 but without AMX (Cooper Lake class, or a Sapphire/Emerald Rapids
     * VM that does not expose AMX) oneDNN's bf16 kernels run at about 0.6x float32's speed: float32
     * has Winograd convolutions, bf16 has none. AMD Zen 4/5 run bf16 1.3-1.4x faster than float32,
     * AMX CPUs more. AMX is what oneDNN reports it may use, not a guess from the model number.
     */
    public String slowerHereReason() {
        return slowerReason(dev.convnet.platform.CpuInfo.read(), Dnnl.hasBf16(), Dnnl.hasAmx());
    }

    String slowerReason(dev.convnet.platform.CpuInfo cpu, boolean bf16, boolean amx) {
        if (this != BF16 || !bf16 || amx || !cpu.isIntel()) {
            return null;
        }
        return "--precision bf16 is slower than float32 on this CPU (" + cpu.describe()
                + ": AVX512_BF16 without AMX, bf16 at about 0.6x float32's speed), so it runs in float32";
    }

    /**
     * The precision to run when this one is asked for here: itself, or float32 where bf16 would be
     * slower (after passing {@link #slowerHereReason()} to {@code notice}).
     *
     * @throws EngineUnavailableException where this CPU cannot run it at all, saying why in one line
     */
    public Precision resolvedHere(java.util.function.Consumer<String> notice) {
        String unavailable = unavailableReason();
        if (unavailable != null) {
            throw EngineUnavailableException.namingItsOption(unavailable);
        }
        String slower = slowerHereReason();
        if (slower != null) {
            notice.accept(slower);
            return FP32;
        }
        return this;
    }

    /** Why this CPU cannot train in this precision, or null when it can. */
    public String unavailableReason() {
        if (this == BF16 && !Dnnl.hasBf16()) {
            return "--precision bf16 needs a CPU with AVX512_BF16 (oneDNN runs at " + Dnnl.isaName()
                    + " here): use --precision fp32";
        }
        return null;
    }
}
