package dev.convnet.app;

import dev.convnet.data.Dataset;
import dev.convnet.data.MnistLoader;

/**
 * Where a front end keeps each dataset: the CLI's {@code --data} or {@code data/<dataset>}, a
 * server's configured folder. It checks the files are there and says what to do if not.
 */
@FunctionalInterface
public interface DataSource {
    MnistLoader loader(Dataset dataset);
}
