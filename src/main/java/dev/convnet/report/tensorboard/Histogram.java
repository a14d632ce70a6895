package dev.convnet.report.tensorboard;

/**
 * Values counted in equal-width buckets between their minimum and maximum, as TensorFlow 2's
 * {@code tf.summary.histogram} does (30 buckets by default); {@link #bucketLimits()} are the right
 * edges, HistogramProto's {@code bucket_limit}.
 */
public record Histogram(double min, double max, long count, double sum, double sumOfSquares, double[] bucketLimits,
                        double[] bucketCounts) {
    public static final int BUCKETS = 30;

    /** @throws IllegalArgumentException when {@code values} is empty */
    public static Histogram of(float[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a histogram needs at least one value");
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        double squares = 0;
        for (float v : values) {
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            squares += (double) v * v;
        }
        int buckets = max > min ? BUCKETS : 1;
        double width = (max - min) / buckets;
        double[] limits = new double[buckets];
        for (int i = 0; i < buckets; i++) {
            limits[i] = i == buckets - 1 ? max : min + width * (i + 1);
        }
        double[] counts = new double[buckets];
        for (float v : values) {
            int i = buckets == 1 ? 0 : (int) Math.min(buckets - 1, Math.floor((v - min) / width));
            counts[i]++;
        }
        return new Histogram(min, max, values.length, sum, squares, limits, counts);
    }
}
