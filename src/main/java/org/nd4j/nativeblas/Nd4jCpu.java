package org.nd4j.nativeblas;

import java.lang.reflect.Method;

/**
 * Bridge that lets DL4J 1.0.0-M2.1 find its oneDNN layer helpers.
 *
 * <p>DL4J's {@code BaseMKLDNNHelper.mklDnnEnabled()} looks up {@code org.nd4j.nativeblas.Nd4jCpu$Environment}
 * by name and calls {@code getInstance().isUseMKLDNN()}. The M2.1 jars moved that class to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu.Environment} and renamed the method
 * {@code isUseONEDNN()}, so the lookup fails and every convolution and pooling layer silently falls
 * back to libnd4j's generic code (about 5x slower). This class answers the old name by asking the
 * real binding, found by reflection so that builds with the CUDA backend compile too. Remove it
 * once DL4J looks up the right class.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    /** The old name of libnd4j's environment, as DL4J M2.1 looks it up. */
    public static final class Environment {
        private static final Environment INSTANCE = new Environment();
        private static final String REAL = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** Whether libnd4j uses oneDNN; false where the CPU backend is absent. */
        public boolean isUseMKLDNN() {
            try {
                Class<?> real = Class.forName(REAL);
                Object environment = real.getMethod("getInstance").invoke(null);
                Method useOneDnn = real.getMethod("isUseONEDNN");
                return (boolean) useOneDnn.invoke(environment);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
