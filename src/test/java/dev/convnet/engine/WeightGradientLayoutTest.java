package dev.convnet.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.platform.NativeRuntime;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A bf16 weight gradient is never given an NHWC input ({@link ConvStage#withoutNhwcInput}): on an
 * AMX CPU, oneDNN 2.7.1 offers NHWC to its AMX weight-gradient kernel, whose primitive descriptor
 * reads past an array's end (a SIGSEGV in CI). The forward pass on such a CPU chooses NHWC, so
 * here the forward layout is NHWC by hand, which shows the choice on every CPU: the input is
 * another layout, oneDNN's implementation is not its {@code brgconv_bwd_w} and, where the CPU
 * has AVX512_BF16, not its reference code either.
 */
class WeightGradientLayoutTest {
    private static final engine ENG = new engine(engine.kind.cpu, 0);

    @BeforeAll
    static void start() {
        NativeRuntime.start();
    }

    /** Listing 8-1's conv2 and conv3, a padded one, one of 8 input channels, a strided one. */
    @ParameterizedTest
    @CsvSource({"64,32,13,64,3,1,0", "64,64,5,128,3,1,0", "1,32,14,64,3,1,1", "64,8,13,16,4,1,0", "37,16,14,32,5,2,2"})
    void anNhwcForwardLayoutIsNotPassedOn(int n, int ic, int size, int oc, int kernel, int stride, int pad) {
        int out = (size + 2 * pad - kernel) / stride + 1;
        int padAfter = Math.max(0, (out - 1) * stride + kernel - size - pad);
        long[] strides = {stride, stride};
        long[] before = {pad, pad};
        long[] after = {padAfter, padAfter};
        memory.data_type bf16 = memory.data_type.bf16;
        memory.desc nhwc = Dnnl.desc(bf16, memory.format_tag.nhwc, n, ic, size, size);
        memory.desc weights = Dnnl.desc(bf16, memory.format_tag.any, oc, ic, kernel, kernel);
        memory.desc bias = Dnnl.desc(memory.format_tag.x, oc);
        memory.desc dst = Dnnl.desc(bf16, memory.format_tag.any, n, oc, out, out);
        convolution_forward.primitive_desc fwd = new convolution_forward.primitive_desc(new convolution_forward.desc(
                prop_kind.forward_training, algorithm.convolution_direct, nhwc, weights, bias, dst, strides, before, after), ENG);
        memory.desc weightGradient = Dnnl.desc(memory.format_tag.any, oc, ic, kernel, kernel);

        convolution_backward_weights.primitive_desc bw = ConvStage.withoutNhwcInput(source -> new convolution_backward_weights.primitive_desc(
                new convolution_backward_weights.desc(algorithm.convolution_direct, source, weightGradient, bias, dst, strides, before, after),
                ENG, fwd), nhwc, n, new ActivationShape(ic, size, size));

        String implementation = bw.impl_info_str().getString();
        assertTrue(fwd.src_desc().equals(nhwc), "the forward pass takes NHWC, as on an AMX CPU");
        assertFalse(bw.src_desc().equals(nhwc), "the weight gradient's input is NHWC (" + implementation + ")"); // oneDNN's operator==
        assertFalse(new Kernel("", "", implementation).isUnsafe(), implementation);
        assertEquals(Dnnl.hasBf16(), !Kernel.isReference(implementation), implementation);
    }
}
