package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.convnet.ConvNet;
import dev.convnet.TestData;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CLI as a user meets it: exit codes, one-line errors, and real train/evaluate runs. */
public class CliIT {
    @TempDir
    Path tmp;

    public record Run(int exit, String out, String err) {
    }

    public static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ConvNet.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    @Test
    void helpAndVersionSucceed() {
        Run help = run("--help");
        assertEquals(0, help.exit());
        assertTrue(help.out().contains("train") && help.out().contains("evaluate") && help.out().contains("summary"));
        for (String command : List.of("train", "evaluate", "summary")) {
            Run sub = run(command, "--help");
            assertEquals(0, sub.exit(), command);
            assertTrue(sub.out().startsWith("Usage: convnet " + command), sub.out());
        }
        Run version = run("--version");
        assertEquals(0, version.exit());
        assertTrue(version.out().startsWith("convnet "), version.out());
    }

    /**
     * {@code --batch-norm[=WHERE]} builds BatchNormalization where Keras models put it: before each
     * ReLU (alone), after it, or after the pooling; Keras counts 4 parameters a channel, 2 of them
     * non-trainable (35,210 and 192 for the keras.io network, as Keras' summary of the same layers).
     */
    @Test
    void batchNormGoesWhereAsked() {
        java.util.Map<String, List<String>> firstLayers = new java.util.LinkedHashMap<>();
        firstLayers.put("", List.of("conv2d", "batch_normalization", "activation", "max_pooling2d"));
        firstLayers.put("=before-relu", List.of("conv2d", "batch_normalization", "activation", "max_pooling2d"));
        firstLayers.put("=after-relu", List.of("conv2d", "batch_normalization", "max_pooling2d", "conv2d_1"));
        firstLayers.put("=after-pool", List.of("conv2d", "max_pooling2d", "batch_normalization", "conv2d_1"));
        firstLayers.forEach((where, expected) -> {
            Run summary = run("summary", "--filters", "32,64", "--pool-last", "--batch-norm" + where);
            assertEquals(0, summary.exit(), where + ": " + summary.err());
            List<String> layers = summary.out().lines().filter(l -> l.matches("\\w+ \\(\\w+\\) .*")).map(l -> l.split(" ")[0])
                    .filter(name -> !name.equals("Layer")).toList(); // input_1, conv2d, ...
            assertEquals(expected, layers.subList(1, 5), "--batch-norm" + where + ":\n" + summary.out());
            assertTrue(summary.out().contains("Total params: 35,210") && summary.out().contains("Non-trainable params: 192"),
                    summary.out());
        });
        Run noPooling = run("summary", "--batch-norm=after-pool");
        assertEquals(2, noPooling.exit());
        assertTrue(noPooling.err().startsWith("convnet summary: --batch-norm=after-pool needs a pooling after every convolution"),
                noPooling.err());
        Run unknown = run("summary", "--batch-norm=sideways");
        assertEquals(2, unknown.exit());
        assertTrue(unknown.err().contains("--batch-norm takes before-relu, after-relu or after-pool"), unknown.err());
    }

    @Test
    void summaryPrintsTheKerasTable() {
        Run summary = run("summary");
        assertEquals(0, summary.exit());
        assertTrue(summary.out().contains("conv2d_2 (Conv2D)"));
        assertTrue(summary.out().contains("flatten (Flatten)              (None, 1152)"));
        assertTrue(summary.out().contains("Total params: 104,202"));
        assertTrue(summary.out().contains("Trainable params: 104,202"));
        assertTrue(summary.out().contains("Non-trainable params: 0"));
    }

    @Test
    void aLimitBeyondTheTrainingImagesIsAUsageError() throws IOException {
        Path data = TestData.subset(tmp.resolve("data"), 640, 200, false); // was trained on all 640, recorded as 641
        assertUsageError(run("train", "--limit", "641", "--data", data.toString(), "-o", tmp.resolve("m.zip").toString()),
                "--limit 641 is more than the 640 training images there are; give at most 640, or 0 for all");
        assertFalse(Files.exists(tmp.resolve("m.zip")));
    }

    @Test
    void invalidValuesAreUsageErrorsOnOneLine() {
        assertUsageError(run("train", "--epochs", "0"), "--epochs must be between 1");
        assertUsageError(run("train", "--epochs", "1000000"), "--epochs must be between 1");
        assertUsageError(run("train", "--batch", "0"), "--batch must be between 1");
        assertUsageError(run("train", "--batch", "100000"), "--batch must be between 1");
        assertUsageError(run("train", "--lr", "1000"), "--lr must be greater than 0 and at most");
        assertUsageError(run("train", "--lr", "NaN"), "--lr must be greater than 0");
        assertUsageError(run("train", "--limit", "-5"), "--limit must be 0");
        assertUsageError(run("evaluate", "m.zip", "--batch", "0"), "--batch must be at least 1");
        assertUsageError(run("train", "--batch", "-3"), "--batch must be between 1");
        assertUsageError(run("train", "--lr", "0"), "--lr must be greater than 0");
        assertUsageError(run("train", "--epochs", "five"), "Invalid value for option '--epochs': 'five' is not a whole number");
        assertUsageError(run("train", "--lr", "1e-3x"), "Invalid value for option '--lr': '1e-3x' is not a number, e.g. 0.5 or 1e-3");
        assertUsageError(run("train", "--epochs", "99999999999"), "'99999999999' is out of range");
        assertUsageError(run("train", "--frobnicate"), "unknown option '--frobnicate' (convnet train --help lists the options)");
        // one line each, with what was probably meant
        assertUsageError(run("serve", "--prot", "8083"), "unknown option '--prot'; did you mean --port?");
        assertUsageError(run("train", "--epoch", "1"), "unknown option '--epoch'; did you mean --epochs? (convnet train --help");
        assertUsageError(run("trian"), "unknown command 'trian'; did you mean train? (convnet --help lists the commands)");
        assertUsageError(run("evaluate", "m.zip", "extra.zip"), "unexpected argument 'extra.zip' (convnet evaluate --help");
        for (String[] args : new String[][] {{"serve", "--prot", "8083"}, {"train", "--epochs", "0"}, {"trian"}}) {
            assertEquals(1, run(args).err().lines().count(), "errors are one line: " + run(args).err());
        }
        assertUsageError(run("evaluate", tmp.resolve("none.zip").toString()), "not found");
        try {
            Path fifo = tmp.resolve("fifo.zip"); // there, but no file: not "not found", and never read (it would block)
            assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor());
            assertUsageError(run("summary", fifo.toString()), "model file " + fifo + " is a FIFO, not a file");
            assertUsageError(run("train", "--resume", fifo.toString()), "checkpoint " + fifo + " is a FIFO, not a file");
            assertUsageError(run("import", "/dev/zero", "-o", tmp.resolve("z.zip").toString()), "/dev/zero is a device, not a file");
        } catch (IOException | InterruptedException e) {
            throw new AssertionError(e);
        }
        assertUsageError(run("train", "--data", tmp.resolve("nodata").toString()),
                "dataset folder " + tmp.resolve("nodata") + " does not exist; point --data at a folder with mnist's four IDX files");
        assertUsageError(run("train", "--output", tmp.resolve("no/such/dir/m.zip").toString()), "does not exist");
        assertUsageError(run(), "missing command");
        // output folders are judged before any work, and a file in the way is named as such
        Path aFile = tmp.resolve("notes.txt");
        try {
            Files.writeString(aFile, "not a folder");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertUsageError(run("evaluate", "m.zip", "--report", aFile.toString()),
                "--report " + aFile + ": it is a file, not a folder; give a folder (it is made if missing)");
        assertUsageError(run("activations", "m.zip", "--index", "1", "--out", aFile.resolve("maps").toString()),
                "--out " + aFile.resolve("maps") + ": " + aFile + " is a file, not a folder");
        assertUsageError(run("train", "--output", "/proc/m.zip"), "folder /proc is not writable (it takes no new files)");
        Path dangling = tmp.resolve("gone");
        try {
            Files.createSymbolicLink(dangling, tmp.resolve("nowhere"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        assertUsageError(run("evaluate", "m.zip", "--report", dangling.toString()), "--report " + dangling + ": it is a symbolic link to nothing");
        // options that would be silently ignored
        assertUsageError(run("summary", "--model", "dense", "--filters", "8,16"),
                "--filters applies to the convolutions of --model convnet, and --model dense has none");
        assertUsageError(run("train", "--model", "dense", "--kernel", "5", "--padding", "same"),
                "--kernel, --padding apply to the convolutions of --model convnet");
        assertUsageError(run("summary", tmp.resolve("m.zip").toString(), "--filters", "8", "--padding", "same"),
                "--filters, --padding describe a network to build, and " + tmp.resolve("m.zip") + " has its own");
    }

    @Test
    void missingCommandListsEveryRegisteredCommand() {
        Run none = run();
        assertUsageError(none, "missing command: choose train, evaluate, summary, history, predict, activations, import, export or serve");
        for (String name : ConvNet.commandLine().getSubcommands().keySet()) {
            if (!name.equals("help")) {
                assertTrue(none.err().contains(name), name + " is missing from: " + none.err());
            }
        }
    }

    @Test
    void aDirectoryGivenAsModelSaysSoAndWhatToPass() throws IOException {
        Path models = Files.createDirectory(tmp.resolve("models"));
        for (String command : List.of("evaluate", "summary", "history")) {
            Run run = run(command, models.toString());
            assertUsageError(run, "model file " + models + " is a directory: pass a model .zip, .keras or .h5 file in it (e.g. "
                    + models.resolve("model.zip") + ")");
            assertTrue(run.err().contains("'convnet serve' is the command that takes a folder of models"), run.err());
            assertFalse(run.err().contains("not found"), run.err());
        }
        Files.writeString(models.resolve("book.keras"), "the example is a model file that is there");
        assertUsageError(run("evaluate", models.toString()), "(e.g. " + models.resolve("book.keras") + ")");
    }

    @Test
    void corruptModelIsOneLineFailureWithoutStackTrace() throws IOException {
        Path bad = Files.writeString(tmp.resolve("bad.zip"), "this is not a model");
        Run result = run("evaluate", bad.toString(), "--data", TestData.mnist().toString());
        assertEquals(1, result.exit());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().contains("bad.zip is not a convnet model file"), result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace");

        Run verbose = run("evaluate", bad.toString(), "--verbose");
        assertTrue(verbose.err().contains("\tat "), "--verbose shows the stack trace");
    }

    @Test
    void corruptDatasetIsOneLineFailure() throws IOException {
        Path data = TestData.subset(tmp.resolve("data"), 200, 100, false);
        Files.write(data.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3, 0, 0});
        Run result = run("train", "--data", data.toString(), "--output", tmp.resolve("m.zip").toString());
        assertEquals(1, result.exit());
        assertTrue(result.err().contains("train-images-idx3-ubyte: file is truncated"), result.err());
        assertFalse(Files.exists(tmp.resolve("m.zip")));
    }

    @Test
    void trainThenEvaluatePrintTheSameTestFigures() throws IOException {
        Path data = TestData.subset(tmp.resolve("data"), 1_000, 500, true);
        Path model = tmp.resolve("out/model.zip");
        Files.createDirectories(model.getParent());

        Run train = run("train", "--epochs", "2", "--batch", "32", "--seed", "3",
                "--data", data.toString(), "--output", model.toString());
        assertEquals(0, train.exit(), train.err());
        assertTrue(train.out().contains("Total params: 104,202"), "summary first");
        assertTrue(train.out().contains("Epoch 1/2") && train.out().contains("Epoch 2/2"));
        assertTrue(Pattern.compile("32/32 \\[=+\\] - \\d+s \\d+ms/step - loss: \\d\\.\\d{4} - accuracy: \\d\\.\\d{4}")
                .matcher(train.out()).find(), train.out());
        assertTrue(Files.isRegularFile(model));
        List<String> history = Files.readAllLines(tmp.resolve("out/model.history.csv"));
        assertEquals("epoch,loss,accuracy,seconds", history.get(0));
        assertEquals(3, history.size());

        Run evaluate = run("evaluate", model.toString(), "--data", data.toString());
        assertEquals(0, evaluate.exit(), evaluate.err());
        assertEquals(testFigures(train.out()), testFigures(evaluate.out()));
        assertTrue(evaluate.out().contains("Confusion matrix"));
        assertTrue(evaluate.out().contains("precision") && evaluate.out().contains("macro avg"));

        Run summary = run("summary", model.toString());
        assertEquals(0, summary.exit());
        assertTrue(summary.out().contains("Total params: 104,202"));

        // Left out, MODEL is models/model.zip in convnet's folder (what scripts/convnet passes as convnet.home).
        Path home = tmp.resolve("home");
        String before = System.getProperty("convnet.home");
        System.setProperty("convnet.home", home.toString());
        try {
            assertUsageError(run("evaluate", "--data", data.toString()), "no MODEL given, and " + home.resolve("models/model.zip")
                    + " (where 'convnet train' saves) does not exist yet");
            Files.createDirectories(home.resolve("models"));
            Files.copy(model, home.resolve("models/model.zip"));
            Run byDefault = run("evaluate", "--data", data.toString());
            assertEquals(0, byDefault.exit(), byDefault.err());
            assertEquals(testFigures(train.out()), testFigures(byDefault.out()));
            Run exportByDefault = run("export", "-o", tmp.resolve("default.onnx").toString()); // as evaluate: no MODEL, the default
            assertEquals(0, exportByDefault.exit(), exportByDefault.err());
            assertTrue(Files.size(tmp.resolve("default.onnx")) > 400_000, "the book's 104,202 float32 parameters");
            Run historyByDefault = run("history"); // as evaluate: the model train saved last
            assertEquals(0, historyByDefault.exit(), historyByDefault.err());
            assertTrue(historyByDefault.out().startsWith("        model.zip\nepoch "), historyByDefault.out());
            // a relative MODEL that is in convnet's folder but not in the current directory: the path to give
            // (a name of its own: the working directory may hold a models/model.zip of the README's first command)
            String name = "models/cli-it-" + java.util.UUID.randomUUID() + ".zip";
            Files.copy(model, home.resolve(name));
            assertUsageError(run("evaluate", name), "model file " + name + " not found in this directory; "
                    + "convnet's folder has " + home.resolve(name) + ": give that path");
            assertUsageError(run("serve", name, "--port", "0"), "model file " + name + " not found in this directory; "
                    + "convnet's folder has " + home.resolve(name) + ": give that path");
            assertUsageError(run("summary", ""), "the model file name is empty: give a model .zip, .keras or .h5 file");
            Path picture = tmp.resolve("seven.png");
            float[] digit = new float[28 * 28];
            new dev.convnet.data.MnistLoader(data).load(dev.convnet.data.Split.TEST, 1).pixels().get(0, digit);
            javax.imageio.ImageIO.write(TestData.darkInkOnWhite(digit, 4, 20, 20, java.awt.Color.WHITE), "png", picture.toFile());
            Run predict = run("predict", picture.toString(), "--data", data.toString());
            assertEquals(0, predict.exit(), predict.err());
            assertTrue(predict.out().startsWith(picture.toString()), "a picture first is a picture, not the model: " + predict.out());
            // the model named after the pictures, or a picture as the model of --index: the order is wrong, not the files
            assertUsageError(run("predict", picture.toString(), model.toString(), "--data", data.toString()),
                    model + " is a model file, not a picture: name the model first, then the pictures");
            assertUsageError(run("predict", "--index", "0", picture.toString(), "--data", data.toString()),
                    picture + " is a picture, and --index N predicts test image N");
            // a folder's pictures by name (other files left alone), and - for standard input
            Path folder = Files.createDirectories(tmp.resolve("pictures"));
            Files.copy(picture, folder.resolve("b.png"));
            Files.copy(picture, folder.resolve("a.png"));
            Files.writeString(folder.resolve("notes.txt"), "not a picture");
            Files.copy(picture, Files.createDirectories(folder.resolve("more")).resolve("c.png")); // not read, and said
            java.io.InputStream stdin = System.in;
            Run several;
            try {
                System.setIn(new java.io.ByteArrayInputStream(Files.readAllBytes(picture)));
                several = run("predict", folder.toString(), "-", "--data", data.toString());
            } finally {
                System.setIn(stdin);
            }
            assertEquals(0, several.exit(), several.err());
            List<String> lines = several.out().lines().toList();
            assertEquals(3, lines.size(), several.out());
            String seven = predict.out().substring(picture.toString().length()).strip();
            assertTrue(lines.get(0).startsWith(folder.resolve("a.png").toString()) && lines.get(0).endsWith(seven), several.out());
            assertTrue(lines.get(1).startsWith(folder.resolve("b.png").toString()), several.out());
            assertTrue(lines.get(2).startsWith("- ") && lines.get(2).endsWith(seven), several.out());
            assertTrue(several.err().contains("convnet predict: 1 other file in " + folder + " ignored (not .png, .jpg, .jpeg, .gif"
                    + " or .bmp, e.g. notes.txt)"), several.err());
            assertTrue(several.err().contains("convnet predict: 1 subfolder of " + folder + " not read (e.g. more): give it to read"
                    + " its pictures"), several.err());
            // models/ holds the training charts beside the models: still a wrong MODEL, not a folder of pictures
            Files.copy(picture, home.resolve("models/model.history.png"));
            assertUsageError(run("predict", home.resolve("models").toString(), picture.toString()),
                    "model file " + home.resolve("models") + " is a directory");
            assertUsageError(run("predict", "-", "-"), "- (standard input) given twice; a file named - is ./-");
            // a lone argument that is no model by name or content is the picture: what is wrong with it is said
            Run heic = run("predict", tmp.resolve("photo.heic").toString(), "--data", data.toString());
            assertEquals(1, heic.exit(), heic.err());
            assertTrue(heic.err().contains(tmp.resolve("photo.heic") + ": no such file"), heic.err());
            Path unnamed = Files.copy(picture, tmp.resolve("seven-without-ending"));
            Run bare = run("predict", unnamed.toString(), "--data", data.toString());
            assertEquals(0, bare.exit(), bare.err());
            assertTrue(bare.out().startsWith(unnamed.toString()) && bare.out().strip().endsWith(seven), bare.out());
            Path webp = Files.write(tmp.resolve("seven.webp"), "RIFF\0\0\0\0WEBPVP8 ".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            Run webpRun = run("predict", webp.toString(), "--data", data.toString());
            assertTrue(webpRun.err().contains("a WebP image, not a PNG, JPEG, GIF or BMP image"), webpRun.err());
            // a first file that exists and is no model is a picture too: what is wrong with it is said, the rest answered
            Run tiffFirst = run("predict", webp.toString(), picture.toString(), "--data", data.toString());
            assertEquals(1, tiffFirst.exit(), tiffFirst.err());
            assertTrue(tiffFirst.err().contains("a WebP image, not a PNG, JPEG, GIF or BMP image"), tiffFirst.err());
            assertTrue(tiffFirst.out().startsWith(picture.toString()) && tiffFirst.out().strip().endsWith(seven), tiffFirst.out());
            assertUsageError(run("predict", tmp.resolve("mistyped-model").toString(), picture.toString()),
                    "model file " + tmp.resolve("mistyped-model")); // a missing one is still the model
            // a folder of pictures with a stray zip beside them is still pictures
            Files.writeString(folder.resolve("notes.zip"), "not a model");
            Run withZip = run("predict", folder.toString(), "--data", data.toString());
            assertEquals(0, withZip.exit(), withZip.err());
            assertEquals(2, withZip.out().lines().count(), withZip.out());
            // activations takes --index N, not pictures
            assertUsageError(run("activations", picture.toString(), "--out", tmp.resolve("maps").toString()),
                    picture + " is a picture: activations shows a test image's feature maps (--index N)");
            Path modelWithoutEnding = Files.copy(model, tmp.resolve("my-model"));
            assertUsageError(run("predict", modelWithoutEnding.toString()), "give IMAGE files or --index N (one of the two)");
            assertUsageError(run("predict", home.resolve("models/model.zip").toString(), home.toString()), "folder " + home
                    + " holds no .png, .jpg, .jpeg, .gif or .bmp file");
            Path classes = Files.createDirectories(tmp.resolve("classes/7"));
            Files.copy(picture, classes.resolve("a.png"));
            assertUsageError(run("predict", home.resolve("models/model.zip").toString(), classes.getParent().toString()), "folder "
                    + classes.getParent() + " holds no .png, .jpg, .jpeg, .gif or .bmp file; its sub-folders 7 do: give them ("
                    + classes.getParent().resolve("*") + "), or evaluate a folder of one sub-folder per class with "
                    + "'convnet evaluate MODEL --images " + classes.getParent() + "'");
            // a TensorFlow SavedModel folder given first stays the (wrong) model and is named as one
            Run saved = run("predict", Path.of("src/test/resources/keras/savedmodel").toString(), picture.toString(),
                    "--data", data.toString());
            assertEquals(1, saved.exit(), saved.err());
            assertTrue(saved.err().contains("a TensorFlow SavedModel directory"), saved.err());
            // the same folder alone (no model files in it) is the pictures, for the default model: told the same
            assertUsageError(run("predict", classes.getParent().toString()), "folder " + classes.getParent()
                    + " holds no .png, .jpg, .jpeg, .gif or .bmp file; its sub-folders 7 do");
        } finally {
            if (before == null) {
                System.clearProperty("convnet.home");
            } else {
                System.setProperty("convnet.home", before);
            }
        }
    }

    @Test
    void dl4jEngineRemainsAvailable() throws IOException {
        Path data = TestData.subset(tmp.resolve("data"), 640, 200, false);
        Run train = run("train", "--engine", "dl4j", "--epochs", "1", "--seed", "2",
                "--data", data.toString(), "--output", tmp.resolve("m.zip").toString());
        assertEquals(0, train.exit(), train.err());
        assertTrue(train.out().contains("\nEngine DL4J"), train.out());
        assertTrue(train.out().contains("10/10 [=============================="), train.out());
        assertUsageError(run("train", "--engine", "tpu"), "Invalid value for option '--engine'");
    }

    private static String testFigures(String output) {
        Matcher m = Pattern.compile("Test loss: \\d\\.\\d{4}\\RTest accuracy: \\d\\.\\d{3}").matcher(output);
        assertTrue(m.find(), output);
        return m.group();
    }

    /**
     * A new user's findings: a fresh run to an -o whose interrupted run left X.checkpoint.zip would
     * have overwritten it at its first epoch and deleted it at its end (now refused, the checkpoint
     * untouched); --augment none switched the weights' average on, as --augment does.
     */
    @Test
    void aFreshRunKeepsAnInterruptedRunsCheckpointAndAugmentNoneIsAPlainRun() throws IOException {
        String data = TestData.mnist().toString();
        Path notes = Files.writeString(tmp.resolve("m.checkpoint.zip"), "not a checkpoint");
        Run notesKept = run("train", "--epochs", "1", "--limit", "256", "-o", tmp.resolve("m.zip").toString(), "--data", data);
        assertUsageError(notesKept, "cannot save to " + notes + ": it is a file that is not a convnet checkpoint, left as it is");
        assertEquals("not a checkpoint", Files.readString(notes));
        assertFalse(Files.exists(tmp.resolve("m.zip")));
        Run plain = run("train", "--epochs", "1", "--limit", "256", "--augment", "none", "-o", tmp.resolve("n.zip").toString(),
                "--data", data);
        assertEquals(0, plain.exit(), plain.err());
        Path checkpoint = Files.copy(tmp.resolve("n.zip"), tmp.resolve("p.checkpoint.zip")); // as an interrupted run leaves it
        byte[] interrupted = Files.readAllBytes(checkpoint);
        Run refused = run("train", "--epochs", "1", "--limit", "256", "-o", tmp.resolve("p.zip").toString(), "--data", data);
        assertUsageError(refused, checkpoint + " holds an interrupted run that would be lost: resume it with 'convnet train --resume "
                + checkpoint + "'");
        assertArrayEquals(interrupted, Files.readAllBytes(checkpoint));
        assertFalse(Files.exists(tmp.resolve("p.zip")));
        assertTrue(plain.out().contains("Training on 256 mnist images") && !plain.out().contains("EMA"), plain.out());
    }

    private static void assertUsageError(Run result, String expected) {
        assertEquals(2, result.exit(), result.err());
        assertTrue(result.err().lines().findFirst().orElse("").contains(expected), result.err());
        assertFalse(result.err().contains("\tat "), "no stack trace");
        assertTrue(result.out().isEmpty(), result.out());
    }
}
