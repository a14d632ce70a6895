package dev.convnet.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A folder of labelled pictures in the layout of Keras' {@code image_dataset_from_directory}: one
 * sub-folder per class, named by the class index ({@code 0} to {@code 9}) or by the class name
 * (e.g. {@code Ankle boot}; case, spaces and punctuation do not matter, so {@code ankle_boot} and
 * {@code T-shirt_top} match too), each holding that class's pictures, also in folders below it.
 * Files whose names start with a dot are skipped (as Keras does not list them either); anything
 * else is listed, readable or not: the caller says which could not be read.
 */
public final class ImageFolder {
    /** More pictures than this are refused before any is read: each costs a 28×28 input in memory. */
    public static final int MAX_PICTURES = 100_000;

    /** One picture and its class. */
    public record Picture(Path file, int label) {
    }

    private ImageFolder() {
    }

    /**
     * The pictures under {@code dir}, sorted by class then path.
     *
     * @param classNames the model's classes, by index
     * @throws DataFormatException when {@code dir} is not a folder, holds no class folder, a
     *     sub-folder names no class, or there are more than {@link #MAX_PICTURES} pictures
     */
    public static List<Picture> list(Path dir, List<String> classNames) {
        if (!Files.isDirectory(dir)) {
            throw new DataFormatException(dir + " is not a folder: give a folder with one sub-folder per class "
                    + "(0, 1, ... or class names), as Keras' image_dataset_from_directory reads");
        }
        List<Picture> pictures = new ArrayList<>();
        List<Path> classFolders;
        try (Stream<Path> children = Files.list(dir)) {
            classFolders = children.filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList();
        } catch (IOException e) {
            throw new DataFormatException("cannot list " + dir + " (" + e.getMessage() + ")", e);
        }
        if (classFolders.isEmpty()) {
            throw new DataFormatException(dir + " has no class folders: put each class's pictures in a sub-folder named "
                    + "by its index (0, 1, ...) or name (" + String.join(", ", classNames) + ")");
        }
        for (Path folder : classFolders) {
            int label = classOf(folder.getFileName().toString(), classNames);
            if (label < 0) {
                boolean numbered = java.util.stream.IntStream.range(0, classNames.size())
                        .allMatch(i -> classNames.get(i).equals(String.valueOf(i)));
                // MNIST's class names are its indices: naming both said the same thing twice
                throw new DataFormatException("folder " + folder + " names no class: use 0 to " + (classNames.size() - 1)
                        + (numbered ? "" : " or one of " + String.join(", ", classNames)));
            }
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : (Iterable<Path>) files.filter(p -> !Files.isDirectory(p)).filter(p -> !hidden(p)).sorted()::iterator) {
                    if (pictures.size() == MAX_PICTURES) {
                        throw new DataFormatException(dir + " holds more than " + MAX_PICTURES + " pictures: evaluate a part of it");
                    }
                    pictures.add(new Picture(file, label));
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new DataFormatException("cannot list " + folder + " (" + e.getMessage() + ")", e);
            }
        }
        pictures.sort(Comparator.comparingInt(Picture::label).thenComparing(Picture::file));
        return pictures;
    }

    /** The class a folder's name stands for, or -1: an index, or a class name compared loosely. */
    static int classOf(String name, List<String> classNames) {
        if (name.matches("\\d{1,3}")) {
            int index = Integer.parseInt(name);
            return index < classNames.size() ? index : -1;
        }
        String key = loose(name);
        for (int i = 0; i < classNames.size(); i++) {
            if (!key.isEmpty() && loose(classNames.get(i)).equals(key)) {
                return i;
            }
        }
        return -1;
    }

    private static String loose(String name) {
        return name.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}]", "");
    }

    private static boolean hidden(Path p) {
        return p.getFileName().toString().startsWith(".");
    }
}
