package dev.convnet.live;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The history files ({@code *.history.csv}, as {@code train} writes them) of earlier runs in the
 * model's folder, as JSON for the page to draw under the live curves. Bounded: at most
 * {@link #MAX_RUNS} files of at most {@link #MAX_BYTES} each, newest first; a file that cannot be
 * read or parsed is left out (it is someone else's file, not this run's problem).
 */
final class EarlierRuns {
    static final int MAX_RUNS = 8;
    static final long MAX_BYTES = 1 << 20;

    private EarlierRuns() {
    }

    static String json(Path folder) {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(folder, "*.history.csv")) {
            dir.forEach(files::add);
        } catch (IOException | RuntimeException e) {
            return "[]";
        }
        files.sort((a, b) -> Long.compare(modified(b), modified(a)));
        List<Map<String, Object>> runs = new ArrayList<>();
        for (Path file : files) {
            if (runs.size() == MAX_RUNS) {
                break;
            }
            List<Map<String, Double>> epochs = read(file);
            if (!epochs.isEmpty()) {
                String name = file.getFileName().toString();
                runs.add(Map.of("name", name.substring(0, name.length() - ".history.csv".length()), "epochs", epochs));
            }
        }
        try {
            return new ObjectMapper().writeValueAsString(runs);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Whether a history value can be drawn beside this run's: finite, an accuracy in [0, 1], a loss
     * in [0, 1000] (a hand-edited or foreign file's 1e308 or -5 would stretch the axes until this
     * run's own line lay flat). A value that is not is left out of its row.
     */
    static boolean plausible(String column, double v) {
        if (!Double.isFinite(v)) {
            return false;
        }
        if (column.contains("accuracy")) {
            return v >= 0 && v <= 1;
        }
        if (column.contains("loss")) {
            return v >= 0 && v <= 1000;
        }
        return true;
    }

    /** Rows of a header-named CSV of numbers; empty when the file is too big or not such a file. */
    static List<Map<String, Double>> read(Path file) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                return List.of();
            }
            List<String> lines = Files.readAllLines(file);
            if (lines.isEmpty() || !lines.get(0).startsWith("epoch,")) {
                return List.of();
            }
            String[] columns = lines.get(0).strip().split(",");
            List<Map<String, Double>> rows = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                String[] cells = line.strip().split(",");
                if (cells.length != columns.length) {
                    continue;
                }
                Map<String, Double> row = new LinkedHashMap<>();
                for (int i = 0; i < cells.length; i++) {
                    double v = Double.parseDouble(cells[i]);
                    if (plausible(columns[i], v)) {
                        row.put(columns[i], v);
                    }
                }
                rows.add(row);
            }
            return rows;
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
