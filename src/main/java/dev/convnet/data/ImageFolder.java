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
 * As Keras does, only files named as pictures ({@code .png}, {@code .jpg}, {@code .jpeg},
 * {@code .gif}, {@code .bmp}, any case) are listed, readable or not (the caller says which could not
 * be read); other files ({@code Thumbs.db}, {@code notes.txt}) are listed apart as ignored, and
 * files whose names start with a dot are skipped.
 */
public final class ImageFolder {
    /** More pictures than this are refused before any is read: each costs a 28×28 input in memory. */
    public static final int MAX_PICTURES = 100_000;

    /** Names a picture has (Keras' {@code ALLOWLIST_FORMATS} in {@code image_dataset_from_directory}). */
    private static final List<String> PICTURE_SUFFIXES = List.of(".png", ".jpg", ".jpeg", ".gif", ".bmp");

    /** One picture and its class. */
    public record Picture(Path file, int label) {
    }

    /**
     * What a folder holds: its pictures, sorted by class then path, and the files beside them that
     * are not named as pictures, sorted by path.
     */
    public record Listing(List<Picture> pictures, List<Path> ignored) {
    }

    /** The folder is not laid out as one sub-folder per class: the user's to fix, not a damaged file. */
    public static final class LayoutException extends DataFormatException {
        LayoutException(String message) {
            super(message);
        }
    }

    private ImageFolder() {
    }

    /**
     * The pictures under {@code dir}, and the other files there.
     *
     * @param classNames the model's classes, by index
     * @throws LayoutException when {@code dir} is not a folder, holds no class folder, a sub-folder
     *     names no class, or there are more than {@link #MAX_PICTURES} pictures
     * @throws DataFormatException when a folder cannot be listed
     */
    public static Listing list(Path dir, List<String> classNames) {
        if (Files.notExists(dir)) { // surely absent; a folder behind one without search permission is "not a folder" below
            throw new LayoutException(dir + " does not exist: give a folder with one sub-folder per class "
                    + "(0, 1, ... or class names), as Keras' image_dataset_from_directory reads");
        }
        if (!Files.isDirectory(dir)) {
            throw new LayoutException(dir + " is not a folder: give a folder with one sub-folder per class "
                    + "(0, 1, ... or class names), as Keras' image_dataset_from_directory reads");
        }
        List<Picture> pictures = new ArrayList<>();
        List<Path> ignored = new ArrayList<>();
        List<Path> classFolders;
        try (Stream<Path> children = Files.list(dir)) {
            classFolders = children.filter(Files::isDirectory).filter(p -> !hidden(p)).sorted().toList();
        } catch (IOException e) {
            throw new DataFormatException("cannot list " + dir + " (" + e.getMessage() + ")", e);
        }
        // MNIST's class names are its indices: naming both would say the same thing twice
        boolean numbered = java.util.stream.IntStream.range(0, classNames.size())
                .allMatch(i -> classNames.get(i).equals(String.valueOf(i)));
        if (classFolders.isEmpty()) {
            throw new LayoutException(dir + " has no class folders: put each class's pictures in a sub-folder named "
                    + "by its index, 0 to " + (classNames.size() - 1)
                    + (numbered ? "" : ", or its name (" + String.join(", ", classNames) + ")"));
        }
        for (Path folder : classFolders) {
            int label = classOf(folder.getFileName().toString(), classNames);
            if (label < 0) {
                throw new LayoutException("folder " + folder + " names no class: use 0 to " + (classNames.size() - 1)
                        + (numbered ? "" : " or one of " + String.join(", ", classNames)));
            }
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : (Iterable<Path>) files.filter(p -> !Files.isDirectory(p)).filter(p -> !hidden(p)).sorted()::iterator) {
                    if (!namedAsPicture(file)) {
                        ignored.add(file);
                        continue;
                    }
                    if (pictures.size() == MAX_PICTURES) {
                        throw new LayoutException(dir + " holds more than " + MAX_PICTURES + " pictures: evaluate a part of it");
                    }
                    pictures.add(new Picture(file, label));
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new DataFormatException("cannot list " + folder + " (" + e.getMessage() + ")", e);
            }
        }
        pictures.sort(Comparator.comparingInt(Picture::label).thenComparing(Picture::file));
        ignored.sort(Comparator.naturalOrder());
        return new Listing(List.copyOf(pictures), List.copyOf(ignored));
    }

    /** Whether {@code file}'s name ends as a picture's does (.png, .jpg, .jpeg, .gif, .bmp; any case). */
    public static boolean namedAsPicture(Path file) {
        Path name = file.getFileName();
        return name != null && PICTURE_SUFFIXES.stream().anyMatch(name.toString().toLowerCase(Locale.ROOT)::endsWith);
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
