package dev.convnet.engine;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;

/**
 * A layer's parameters, shared by the plans of every batch size: the first plan creates them in
 * the layout its forward primitive chose; a later plan whose primitives choose another one reorders
 * the weights in and the weight gradient out (see {@link StageContext#converted}).
 */
final class ParameterSlot {
    private Parameters parameters;

    boolean isBound() {
        return parameters != null;
    }

    Parameters get() {
        return parameters;
    }

    Parameters bind(engine eng, memory.desc chosen, memory.desc plain, memory.desc biasDesc) {
        if (parameters == null) {
            parameters = new Parameters(eng, chosen, plain, biasDesc);
        }
        return parameters;
    }
}
