package dev.convnet.app;

/** The settings of a training plan, so that a front end can name them its own way (CLI flag, form field). */
public enum Setting {
    EPOCHS, BATCH, LEARNING_RATE, LIMIT, VALIDATION_SPLIT, EARLY_STOPPING,
    /** The momentum of the weights' moving average (Keras' {@code ema_momentum}). */
    EMA_MOMENTUM,
    /** The dataset folder (e.g. its files differ from those a resumed run was trained on). */
    DATA
}
