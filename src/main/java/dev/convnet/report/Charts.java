package dev.convnet.report;

import dev.convnet.eval.EvaluationResult;
import dev.convnet.run.EpochRecord;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.BitmapEncoder.BitmapFormat;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** PNG charts drawn with XChart: the training history and the confusion matrix. */
public final class Charts {
    public static final int HISTORY_WIDTH = 1200;
    public static final int HISTORY_HEIGHT = 450;
    public static final int HEATMAP_SIZE = 720;

    private Charts() {
    }

    /** Loss and accuracy per epoch, side by side, with validation curves when there are any. */
    public static void history(List<EpochRecord> epochs, Path png) throws IOException {
        XYChart loss = lineChart("Loss", "loss");
        XYChart accuracy = lineChart("Accuracy", "accuracy");
        accuracy.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE); // the curves rise to the top right
        List<Integer> x = epochs.stream().map(EpochRecord::epoch).toList();
        add(loss, "training loss", x, epochs.stream().map(EpochRecord::loss).toList());
        add(accuracy, "training accuracy", x, epochs.stream().map(EpochRecord::accuracy).toList());
        if (epochs.stream().allMatch(EpochRecord::hasValidation)) {
            add(loss, "validation loss", x, epochs.stream().map(EpochRecord::valLoss).toList());
            add(accuracy, "validation accuracy", x, epochs.stream().map(EpochRecord::valAccuracy).toList());
        }
        List<XYChart> charts = List.of(loss, accuracy);
        padFlatRange(loss, 0, Double.POSITIVE_INFINITY);
        padFlatRange(accuracy, 0, 1);
        // Atomically, and not via a File (see Gallery.writePng): a full disk leaves no truncated PNG.
        dev.convnet.data.AtomicFile.writeStream(png, out -> BitmapEncoder.saveBitmap(charts, 1, 2, out, BitmapFormat.PNG));
    }

    /** The confusion matrix as a heat map, true classes down, predictions across. */
    public static void confusionHeatMap(EvaluationResult result, List<String> classNames, Path png) throws IOException {
        HeatMapChart chart = new HeatMapChartBuilder().width(HEATMAP_SIZE).height(HEATMAP_SIZE)
                .title("Confusion matrix").xAxisTitle("predicted").yAxisTitle("true").build();
        // The darkest blue stays light enough for the black counts on the diagonal to be read (1,128
        // on 0x08306B was not); counts get thousands separators as everywhere else.
        chart.getStyler().setShowValue(true).setMin(0).setHeatMapValueDecimalPattern("#,##0")
                .setRangeColors(new Color[] {new Color(0xF7FBFF), new Color(0x9ECAE1), new Color(0x4292C6)});
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        // XChart sizes the cells from 92 % of the plot (its default content size) but draws them from its
        // top-left corner: an empty band was left right of the last column and under the last row
        chart.getStyler().setPlotContentSize(1.0);
        int k = result.classes();
        List<String> labels = classNames.size() == k ? classNames : java.util.stream.IntStream.range(0, k).mapToObj(String::valueOf).toList();
        if (labels.stream().anyMatch(l -> l.length() > 3)) {
            chart.getStyler().setXAxisLabelRotation(45); // Fashion-MNIST's names side by side ran into each other
        }
        List<Number[]> cells = new java.util.ArrayList<>();
        for (int actual = 0; actual < k; actual++) {
            for (int predicted = 0; predicted < k; predicted++) {
                // HeatMapChart puts y index 0 at the bottom: flip so the first class is on top.
                cells.add(new Number[] {predicted, k - 1 - actual, result.confusion()[actual][predicted]});
            }
        }
        chart.addSeries("confusion", labels, reversed(labels), cells);
        dev.convnet.data.AtomicFile.writeStream(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapFormat.PNG));
    }

    private static List<String> reversed(List<String> labels) {
        List<String> copy = new java.util.ArrayList<>(labels);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private static XYChart lineChart(String title, String yTitle) {
        XYChart chart = new XYChartBuilder().width(HISTORY_WIDTH / 2).height(HISTORY_HEIGHT)
                .title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setXAxisDecimalPattern("#0");
        chart.getStyler().setYAxisDecimalPattern("0.0#####"); // XChart's default wrote 0.08 as ".08"; six places for close ticks
        return chart;
    }

    /**
     * A chart whose values are all one number (a single epoch) gets a y range around it, within
     * [{@code lowest}, {@code highest}] (a loss is not negative, an accuracy at most 1): XChart
     * otherwise draws one tick labelled with the value's every digit (2.255196).
     */
    static void padFlatRange(XYChart chart, double lowest, double highest) {
        java.util.DoubleSummaryStatistics y = chart.getSeriesMap().values().stream()
                .flatMapToDouble(series -> java.util.Arrays.stream(series.getYData())).summaryStatistics();
        if (y.getCount() > 0 && y.getMax() - y.getMin() < 1e-9) {
            double pad = Math.max(Math.abs(y.getMax()) * 0.05, 0.001);
            double step = Math.pow(10, Math.floor(Math.log10(pad))); // round bounds: 2.0 to 2.3 around 2.19
            chart.getStyler().setYAxisMin(Math.max(lowest, Math.floor((y.getMin() - pad) / step) * step))
                    .setYAxisMax(Math.min(highest, Math.ceil((y.getMax() + pad) / step) * step));
        }
    }

    private static void add(XYChart chart, String name, List<Integer> x, List<Double> y) {
        chart.addSeries(name, x, y).setMarker(SeriesMarkers.CIRCLE);
    }
}
