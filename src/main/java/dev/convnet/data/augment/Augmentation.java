package dev.convnet.data.augment;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Which random changes training applies to each image, and how strong they are, with the
 * semantics of Keras' preprocessing layers where Keras has one:
 * <ul>
 *   <li>{@code rotation}: {@code RandomRotation(factor)}: an angle drawn from
 *       [-factor·2π, factor·2π], positive counter-clockwise;</li>
 *   <li>{@code zoom}: {@code RandomZoom(height_factor=zoom)} with the width following: a factor
 *       drawn from [1-zoom, 1+zoom] by which the picture's coordinates are scaled (above 1 the
 *       digit comes out smaller);</li>
 *   <li>{@code shear}: {@code RandomShear(x_factor=shear)}: a horizontal shear drawn from
 *       [-shear, shear] (Keras draws [0, shear] and a sign), as a slant of the writing: the pixel
 *       {@code y} rows below the centre moves {@code -shear·y} to the side; about the centre, not
 *       Keras' corner;</li>
 *   <li>{@code translation}: {@code RandomTranslation(t, t)}: a shift drawn from [-t, t] of the
 *       height and, independently, of the width;</li>
 *   <li>{@code stroke}: grey-level dilation or erosion by a radius drawn from [-stroke, stroke]
 *       pixels (at 28×28; positive thickens), the lever measured on real handwriting;</li>
 *   <li>{@code blur}: a Gaussian blur whose sigma is drawn from [0, blur] pixels;</li>
 *   <li>{@code elastic}, {@code elastic-sigma}: elastic distortion as Simard, Steinkraus and Platt,
 *       "Best practices for convolutional neural networks applied to visual document analysis"
 *       (ICDAR 2003): a uniform random displacement field smoothed by a Gaussian of
 *       {@code elastic-sigma} pixels and scaled by {@code elastic} (they used 34 and 4); 0 is off.</li>
 * </ul>
 * Pixels moved in from outside the picture are background (Keras' {@code fill_mode="constant"}).
 */
public record Augmentation(double rotation, double zoom, double shear, double translation, double stroke, double blur,
                           double elastic, double elasticSigma) {

    /** No change at all: the book's training. */
    public static final Augmentation NONE = new Augmentation(0, 0, 0, 0, 0, 0, 0, 4);

    /** What {@code --augment} alone uses: measured on the generated real-handwriting set (see README). */
    public static final Augmentation DEFAULTS = new Augmentation(0.03, 0.12, 0.3, 0.08, 1.5, 1.0, 0, 4);

    /** {@link #DEFAULTS} as text, a constant for the command line's help (a test checks they agree). */
    public static final String DEFAULTS_TEXT = "rotation=0.03,zoom=0.12,shear=0.3,translation=0.08,stroke=1.5,blur=1,elastic=0";

    private static final double MAX_STROKE = 3;
    private static final double MAX_BLUR = 3;
    private static final double MAX_ELASTIC = 100;

    public Augmentation {
        check("rotation", rotation, 0, 0.5);
        check("zoom", zoom, 0, 0.9);
        check("shear", shear, 0, 1);
        check("translation", translation, 0, 0.5);
        check("stroke", stroke, 0, MAX_STROKE);
        check("blur", blur, 0, MAX_BLUR);
        check("elastic", elastic, 0, MAX_ELASTIC);
        if (!(elasticSigma >= 0.5 && elasticSigma <= 10)) {
            throw new IllegalArgumentException("elastic-sigma must be between 0.5 and 10 pixels, got " + format(elasticSigma));
        }
    }

    /** True when nothing changes: training takes the plain path. */
    public boolean isNone() {
        return rotation == 0 && zoom == 0 && shear == 0 && translation == 0 && stroke == 0 && blur == 0 && elastic == 0;
    }

    /**
     * Reads {@code --augment}'s value: empty or {@code default} for {@link #DEFAULTS}, {@code none}
     * for {@link #NONE}, or {@code key=value} pairs separated by commas, each overriding the default
     * (e.g. {@code rotation=0.1,zoom=0.1,stroke=1}; {@code rotation=0} turns rotation off).
     *
     * @throws IllegalArgumentException naming the bad key or value and what is allowed
     */
    public static Augmentation parse(String text) {
        return parse(text, DEFAULTS);
    }

    /**
     * Reads a run record's {@code augment} ({@link #toString()}'s text): as {@link #parse}, except
     * that a record without {@code shear} did not shear, whatever {@link #DEFAULTS} says now
     * ({@link #toString()} names shear only when it is on, and every other key always; records
     * written before shear existed do not name it).
     *
     * @throws IllegalArgumentException as {@link #parse}
     */
    public static Augmentation parseRecord(String text) {
        return parse(text, new Augmentation(DEFAULTS.rotation, DEFAULTS.zoom, 0, DEFAULTS.translation, DEFAULTS.stroke,
                DEFAULTS.blur, DEFAULTS.elastic, DEFAULTS.elasticSigma));
    }

    private static Augmentation parse(String text, Augmentation base) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty() || t.equalsIgnoreCase("default")) {
            return DEFAULTS;
        }
        if (t.equalsIgnoreCase("none")) {
            return NONE;
        }
        Map<String, Double> values = base.asMap();
        java.util.Set<String> given = new java.util.HashSet<>();
        for (String pair : t.split(",", -1)) {
            int eq = pair.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("'" + pair.trim() + "' is not key=value: use e.g. rotation=0.1,zoom=0.1,stroke=1 (keys: "
                        + String.join(", ", values.keySet()) + ")");
            }
            String key = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = pair.substring(eq + 1).trim();
            if (!values.containsKey(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' (keys: " + String.join(", ", values.keySet()) + ")");
            }
            if (!given.add(key)) {
                throw new IllegalArgumentException(key + " is given twice; give each key once");
            }
            double number;
            try {
                number = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(key + " must be a number, got '" + value + "'");
            }
            values.put(key, number);
        }
        if (given.contains("elastic-sigma") && values.get("elastic") == 0) {
            throw new IllegalArgumentException("elastic-sigma smooths the elastic distortion, which is off (elastic=0): "
                    + "give elastic too, e.g. elastic=34,elastic-sigma=4");
        }
        return new Augmentation(values.get("rotation"), values.get("zoom"), values.get("shear"), values.get("translation"),
                values.get("stroke"), values.get("blur"), values.get("elastic"), values.get("elastic-sigma"));
    }

    /** Every setting by its key, in {@link #parse}'s order. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("rotation", rotation);
        m.put("zoom", zoom);
        m.put("shear", shear);
        m.put("translation", translation);
        m.put("stroke", stroke);
        m.put("blur", blur);
        m.put("elastic", elastic);
        m.put("elastic-sigma", elasticSigma);
        return m;
    }

    /** The text {@link #parse} reads back to this value, as the run record stores it; {@code none} for {@link #NONE}. */
    @Override
    public String toString() {
        if (isNone()) {
            return "none";
        }
        StringBuilder s = new StringBuilder();
        asMap().forEach((k, v) -> {
            if ((!k.equals("elastic-sigma") || elastic > 0) && (!k.equals("shear") || shear > 0)) {
                s.append(s.length() == 0 ? "" : ",").append(k).append('=').append(format(v));
            }
        });
        return s.toString();
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e9 ? String.valueOf((long) v) : String.valueOf(v);
    }

    private static void check(String key, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(key + " must be between " + format(min) + " and " + format(max) + ", got " + format(value));
        }
    }
}
