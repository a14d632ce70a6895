package dev.convnet.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.report.KerasSummary;
import java.util.List;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.RmsProp;

class ConvNetModelTest {
    private final ComputationGraph graph = ConvNetModel.create(new Hyperparameters(0.001, 1));

    @Test
    void hasTheBooksParameterCount() {
        assertEquals(104_202, graph.numParams());
    }

    @Test
    void listing8_1IsTheGraphTheVariantsBuilderMakesForTheBook() {
        Hyperparameters hp = new Hyperparameters(0.001, 1);
        assertEquals(ConvNetModel.anyArchitecture(Architecture.BOOK, hp).toJson(),
                ConvNetModel.configuration(Architecture.BOOK, hp).toJson());
    }

    @Test
    void layersHaveTheBooksOutputShapes() {
        List<KerasSummary.Row> rows = KerasSummary.rows(graph.getConfiguration(), InputType.convolutional(28, 28, 1));
        List<String> shapes = rows.stream().map(KerasSummary.Row::shape).toList();
        assertEquals(List.of("[(None, 28, 28, 1)]", "(None, 26, 26, 32)", "(None, 13, 13, 32)", "(None, 11, 11, 64)",
                "(None, 5, 5, 64)", "(None, 3, 3, 128)", "(None, 1152)", "(None, 10)"), shapes);
        assertEquals(List.of(0L, 320L, 0L, 18_496L, 0L, 73_856L, 0L, 11_530L),
                rows.stream().map(KerasSummary.Row::params).toList());
    }

    @Test
    void producesTenProbabilitiesPerImage() {
        INDArray out = graph.outputSingle(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 3, 1, 28, 28));
        assertArrayEquals(new long[] {3, 10}, out.shape());
        assertEquals(3.0, out.sumNumber().doubleValue(), 1e-4);
    }

    @Test
    void usesKerasRmsPropDefaultsAndGlorotUniform() {
        BaseLayer conv = (BaseLayer) graph.getLayer("conv2d").conf().getLayer();
        RmsProp rmsProp = (RmsProp) conv.getIUpdater();
        assertEquals(0.001, rmsProp.getLearningRate());
        assertEquals(0.9, rmsProp.getRmsDecay());
        assertEquals(1e-7, rmsProp.getEpsilon());
        assertEquals(WeightInit.XAVIER_UNIFORM.getWeightInitFunction(), conv.getWeightInitFn());
        assertEquals(0.0, graph.getLayer("conv2d").getParam("b").sumNumber().doubleValue());
    }

    @Test
    void convolutionAndPoolingRunOnOneDnn() {
        for (String name : new String[] {"conv2d", "conv2d_1", "conv2d_2"}) {
            ConvolutionLayer conv = (ConvolutionLayer) graph.getLayer(name);
            assertNotNull(conv.getHelper(), name + " has no oneDNN helper");
            assertTrue(conv.getHelper() instanceof MKLDNNConvHelper, name);
        }
        SubsamplingLayer pool = (SubsamplingLayer) graph.getLayer("max_pooling2d");
        assertTrue(pool.getHelper() instanceof MKLDNNSubsamplingHelper);
    }
}
