package dev.convnet.app;

import dev.convnet.data.LabeledImages;
import dev.convnet.engine.Backend;
import dev.convnet.engine.UpdateRatio;
import dev.convnet.eval.EvaluationResult;
import dev.convnet.eval.Evaluator;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** The probe of a running session: the graph, synced from the training backend, and that backend for inference. */
record SessionProbe(ComputationGraph graph, Backend backend, LabeledImages test) implements TrainingProbe {

    @Override
    public List<LayerParameters> parameters() {
        backend.sync();
        List<LayerParameters> layers = new ArrayList<>();
        for (Layer layer : graph.getLayers()) {
            if (layer.numParams() == 0 || layer.getParam("W") == null) {
                continue;
            }
            layers.add(new LayerParameters(layer.conf().getLayer().getLayerName(),
                    layer.getParam("W").dup().data().asFloat(), layer.getParam("b").dup().data().asFloat()));
        }
        return layers;
    }

    @Override
    public void measureNextUpdate() {
        backend.measureNextUpdate();
    }

    @Override
    public List<UpdateRatio> updateRatios() {
        return backend.updateRatios();
    }

    @Override
    public EvaluationResult evaluate(LabeledImages images) {
        return new Evaluator(Evaluator.DEFAULT_BATCH).evaluate(backend, images);
    }

    @Override
    public LabeledImages testImages() {
        return test;
    }
}
