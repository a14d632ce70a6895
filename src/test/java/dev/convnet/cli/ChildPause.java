package dev.convnet.cli;

import dev.convnet.data.LabeledImages;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.CopyOption;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.ProtectionDomain;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * A Java agent, from the test classes only, that stops a convnet JVM at an exact moment of saving
 * or evaluating, so that a test can send a signal there instead of guessing with delays; convnet
 * itself ships no hook for it. Started with {@code -javaagent:} the jar {@link #writeAgentJar}
 * makes, it redirects two calls as their classes load (with ASM, which convnet's dependencies
 * bring): {@code Files.move} in {@code data/AtomicFile} (the rename of a whole temporary file over
 * its target) and {@code Evaluator.evaluate} in {@code app/TrainingSession} (the final evaluation).
 *
 * <p>It does nothing unless the system property {@code convnet.pause} is {@code MOMENT} or
 * {@code MOMENT:NAME} (a file name the moment's target ends with): {@code write} or {@code rename}
 * (both: a file is written whole and is about to be renamed over its target) or {@code evaluate}
 * (training is over; the final evaluation on the test set starts). Then it creates the file named
 * by {@code convnet.pause.signal} (if set), which the test waits for, and sleeps
 * {@code convnet.pause.millis} (default 3000) on the thread that got there. Only the first matching
 * moment pauses: the file exists from then on.
 */
public final class ChildPause {
    private static final String FILES = "java/nio/file/Files";
    private static final String ATOMIC_FILE = "dev/convnet/data/AtomicFile";
    private static final String TRAINING_SESSION = "dev/convnet/app/TrainingSession";
    private static final String EVALUATOR = "dev/convnet/eval/Evaluator";
    private static final String SELF = "dev/convnet/cli/ChildPause";

    private ChildPause() {
    }

    /** The agent's entry point: redirects the calls as their classes load. */
    public static void premain(String args, Instrumentation instrumentation) {
        instrumentation.addTransformer(new Transformer());
    }

    /** {@code Files.move}, after the pause when {@code target} is the moment's file. */
    public static Path move(Path source, Path target, CopyOption... options) throws IOException {
        at(Set.of("write", "rename"), target);
        return Files.move(source, target, options);
    }

    /** {@code evaluator.evaluate(graph, data)}, after the pause when the moment is {@code evaluate}. */
    public static EvaluationResult evaluate(Evaluator evaluator, ComputationGraph graph, LabeledImages data) {
        at(Set.of("evaluate"), null);
        return evaluator.evaluate(graph, data);
    }

    private static void at(Set<String> moments, Path file) {
        String wanted = System.getProperty("convnet.pause");
        if (wanted == null) {
            return;
        }
        int colon = wanted.indexOf(':');
        String moment = colon < 0 ? wanted : wanted.substring(0, colon);
        boolean match = moments.contains(moment)
                && (colon < 0 || file != null && file.toString().endsWith(wanted.substring(colon + 1)));
        if (!match) {
            return;
        }
        String signal = System.getProperty("convnet.pause.signal");
        try {
            if (signal != null) {
                Files.writeString(Path.of(signal), moment + " " + file + "\n", StandardOpenOption.CREATE_NEW);
            }
            Thread.sleep(Long.getLong("convnet.pause.millis", 3000));
        } catch (FileAlreadyExistsException e) {
            // paused once already: the test has had its moment
        } catch (IOException e) {
            throw new UncheckedIOException("convnet.pause.signal: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends the two classes' calls here as they load. */
    private static final class Transformer implements ClassFileTransformer {
        @Override
        public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
            if (!ATOMIC_FILE.equals(name) && !TRAINING_SESSION.equals(name)) {
                return null;
            }
            ClassReader reader = new ClassReader(bytes);
            ClassWriter writer = new ClassWriter(reader, 0);
            reader.accept(new RedirectClass(writer), 0);
            return writer.toByteArray();
        }
    }

    private static final class RedirectClass extends ClassVisitor {
        RedirectClass(ClassVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature, String[] exceptions) {
            return new RedirectCalls(super.visitMethod(access, name, descriptor, signature, exceptions));
        }
    }

    /** {@code Files.move(...)} and {@code evaluator.evaluate(graph, data)} become calls of this class' methods (same stack). */
    private static final class RedirectCalls extends MethodVisitor {
        RedirectCalls(MethodVisitor next) {
            super(Opcodes.ASM9, next);
        }

        @Override
        public void visitMethodInsn(int opcode, String owner, String method, String desc, boolean isInterface) {
            if (opcode == Opcodes.INVOKESTATIC && owner.equals(FILES) && method.equals("move")) {
                super.visitMethodInsn(opcode, SELF, method, desc, false);
            } else if (opcode == Opcodes.INVOKEVIRTUAL && owner.equals(EVALUATOR) && method.equals("evaluate")
                    && desc.startsWith("(Lorg/deeplearning4j/nn/graph/ComputationGraph;")) {
                super.visitMethodInsn(Opcodes.INVOKESTATIC, SELF, method, "(L" + EVALUATOR + ";" + desc.substring(1), false);
            } else {
                super.visitMethodInsn(opcode, owner, method, desc, isInterface);
            }
        }
    }

    /** Writes the agent jar: this class and a manifest naming it ({@code Premain-Class}). */
    public static Path writeAgentJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(new Attributes.Name("Premain-Class"), ChildPause.class.getName());
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Class<?> type : new Class<?>[] {ChildPause.class, Transformer.class, RedirectClass.class, RedirectCalls.class}) {
                String entry = type.getName().replace('.', '/') + ".class";
                try (InputStream in = ChildPause.class.getResourceAsStream("/" + entry)) {
                    out.putNextEntry(new JarEntry(entry));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }

    /** {@code ChildPause AGENT.jar}: writes the agent jar (for scripts/hostile-table). */
    public static void main(String[] args) throws IOException {
        writeAgentJar(Path.of(args[0]));
    }
}
