package dev.convnet.app;

import dev.convnet.data.Dataset;
import dev.convnet.data.augment.Augmentation;
import dev.convnet.model.Architecture;
import dev.convnet.model.Optimizer;

/**
 * What a new training run is asked to do; checked on construction.
 *
 * @param epochs passes over the training set, in all
 * @param limit train on the first {@code limit} training images only; 0 means all
 * @param validationSplit the last fraction of the training images held out for validation, or 0
 * @param patience early stopping's patience in epochs, or 0 for none
 * @param augmentation random changes to each training image ({@link Augmentation#NONE}: the book's training)
 * @param emaMomentum Keras' {@code ema_momentum}: the model saved is the moving average of the
 *     weights over the steps (Keras' {@code use_ema}), in (0, 1); 0 for the weights of the last step
 */
public record TrainingSettings(Architecture architecture, Optimizer optimizer, int epochs, int batch,
                               double learningRate, long seed, Dataset dataset, int limit, double validationSplit,
                               int patience, Augmentation augmentation, double emaMomentum) {
    public static final int MAX_EPOCHS = 10_000;
    public static final int MAX_BATCH = 60_000;
    public static final double MAX_LEARNING_RATE = 100;

    /** Settings without augmentation. */
    public TrainingSettings(Architecture architecture, Optimizer optimizer, int epochs, int batch, double learningRate,
                            long seed, Dataset dataset, int limit, double validationSplit, int patience) {
        this(architecture, optimizer, epochs, batch, learningRate, seed, dataset, limit, validationSplit, patience,
                Augmentation.NONE, 0);
    }

    public TrainingSettings {
        java.util.Objects.requireNonNull(augmentation, "augmentation (Augmentation.NONE for none)");
        checkEpochs(epochs);
        if (batch < 1 || batch > MAX_BATCH) {
            throw new InvalidSettingException(Setting.BATCH, "must be between 1 and " + MAX_BATCH + ", got " + batch);
        }
        if (!(learningRate > 0) || learningRate > MAX_LEARNING_RATE) {
            throw new InvalidSettingException(Setting.LEARNING_RATE,
                    "must be greater than 0 and at most " + MAX_LEARNING_RATE + ", got " + learningRate);
        }
        if (limit < 0) {
            throw new InvalidSettingException(Setting.LIMIT, "must be 0 (all images) or positive, got " + limit);
        }
        if (!(validationSplit >= 0 && validationSplit < 1)) {
            throw new InvalidSettingException(Setting.VALIDATION_SPLIT, "must be at least 0 and below 1, got " + validationSplit);
        }
        if (patience < 0) {
            throw new InvalidSettingException(Setting.EARLY_STOPPING, "must be a positive number of epochs, got " + patience);
        }
        if (!(emaMomentum == 0 || emaMomentum > 0 && emaMomentum < 1)) {
            throw new InvalidSettingException(Setting.EMA_MOMENTUM, "must be above 0 and below 1 (Keras' default: 0.99), got "
                    + emaMomentum);
        }
        if (patience > 0 && validationSplit == 0) {
            throw new InvalidSettingException(Setting.EARLY_STOPPING, "watches val_loss: it needs a validation split, e.g. 0.2");
        }
    }

    /** The book's batch size for a network: 128 for the chapter-2 dense network, 64 for convnets. */
    public static int defaultBatch(Architecture architecture) {
        return architecture.isDense() ? 128 : 64;
    }

    static void checkEpochs(int epochs) {
        if (epochs < 1 || epochs > MAX_EPOCHS) {
            throw new InvalidSettingException(Setting.EPOCHS, "must be between 1 and " + MAX_EPOCHS + ", got " + epochs);
        }
    }
}
