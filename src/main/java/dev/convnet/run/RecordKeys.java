package dev.convnet.run;

import java.util.Map;

/** Writing a run record's optional keys: a null value is left out, as older records left it out. */
final class RecordKeys {
    private RecordKeys() {
    }

    static void put(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
