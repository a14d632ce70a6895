package dev.convnet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The run record keeps a run's augmentation, and records written before it existed read as none. */
class RunStateAugmentTest {

    @Test
    void augmentationIsRecordedAndReadBack() {
        RunState state = RunState.fresh(new RunSettings(5, 7, 64, 0.001, 0), new RunData("mnist", 0, 0, "rotation=0.1,stroke=1"),
                Provenance.NONE);
        String text = state.toText();
        assertTrue(text.contains("augment=rotation\\=0.1,stroke\\=1"), text);
        assertEquals("rotation=0.1,stroke=1", RunState.fromText(text).data().augment());
    }

    @Test
    void olderRecordsHaveNoAugmentation() {
        String text = RunState.fresh(new RunSettings(5, 7, 64, 0.001, 0), RunData.of("mnist", 0), Provenance.NONE).toText()
                .lines().filter(line -> !line.startsWith("augment=")).reduce("", (a, b) -> a + b + "\n");
        assertEquals("none", RunState.fromText(text).data().augment());
    }
}
