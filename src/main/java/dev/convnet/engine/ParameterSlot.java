package dev.convnet.engine;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;

/**
 * A layer's parameters, shared by the plans of every batch size: the first plan creates them in
 * the layout its primitives chose, later plans must use that layout.
 */
final class ParameterSlot {
    private Parameters parameters;

    /** The layout the weights already have, or {@code fallback} before the first plan. */
    memory.desc weightLayoutOr(memory.desc fallback) {
        return parameters != null ? parameters.weightDesc() : fallback;
    }

    boolean isBound() {
        return parameters != null;
    }

    Parameters get() {
        return parameters;
    }

    Parameters bind(engine eng, memory.desc chosen, memory.desc plain, memory.desc biasDesc) {
        if (parameters == null) {
            parameters = new Parameters(eng, chosen, plain, biasDesc);
        } else {
            requireSame(chosen, parameters.weightDesc(), "weight layout");
        }
        return parameters;
    }

    static void requireSame(memory.desc actual, memory.desc expected, String what) {
        if (!actual.equals(expected)) {
            throw new IllegalStateException("oneDNN chose a different " + what + " for another batch size");
        }
    }
}
