package dev.convnet.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Run records written before provenance was typed must still read, and read the same. */
class RunStateTest {
    /** A run record as convnet 0.1.0 wrote it into a model zip (properties text, keys as then). */
    private static final String OLDER_RECORD = """
            #convnet run state
            #Sat Nov 28 05:17:18 UTC 2026
            epochs.done=2
            epochs.total=2
            seed=7
            batch=64
            lr=0.001
            limit=0
            dataset=mnist
            validation.split=0.0
            early.stopping.patience=0
            history=1,0.1581,0.9515,8.3,938,NaN,NaN;2,0.044,0.9868,7.1,938,NaN,NaN;
            run.architecture=convnet 32,64,128 k3 s1 valid
            run.command=convnet train --epochs 2 --batch 64 --seed 7
            run.convnet=0.1.0
            run.dl4j.nd4j=1.0.0-M2.1
            run.engine=oneDNN
            run.finished=2026-11-28T05\\:17\\:18Z
            run.java=17.0.15 (OpenJDK 64-Bit Server VM)
            run.native=linux-x86_64-onednn-avx512, oneDNN on, isa avx512_core_bf16, 2 threads
            run.optimizer=rmsprop
            run.sha256.t10k-images-idx3-ubyte=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
            run.started=2026-11-28T05\\:16\\:36Z
            run.test.accuracy=0.992400
            run.test.loss=0.025127
            run.imported.from=some future key
            """;

    @Test
    void olderRecordsReadIntoTypedProvenance() {
        RunState state = RunState.fromText(OLDER_RECORD);
        Provenance p = state.provenance();
        assertEquals(2, state.epochsDone());
        assertEquals(List.of(1, 2), state.history().stream().map(EpochRecord::epoch).toList());
        assertEquals("convnet train --epochs 2 --batch 64 --seed 7", p.command());
        assertEquals("convnet 32,64,128 k3 s1 valid", p.architecture());
        assertEquals("rmsprop", p.optimizer());
        assertEquals("0.1.0", p.software().convnet());
        assertEquals("1.0.0-M2.1", p.software().dl4j());
        assertEquals("oneDNN", p.software().engine());
        assertTrue(p.software().nativeBuild().startsWith("linux-x86_64-onednn-avx512"));
        assertEquals(OffsetDateTime.parse("2026-11-28T05:16:36Z"), p.outcome().started());
        assertEquals(0.9924, p.outcome().test().accuracy(), 1e-9);
        assertEquals(0.025127, p.outcome().test().loss(), 1e-9);
        assertEquals(Map.of("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
                p.datasetChecksums());
        assertEquals(Map.of("imported.from", "some future key"), p.other());
    }

    @Test
    void writingKeepsEveryKeyAndValueOfTheOlderRecord() {
        RunState state = RunState.fromText(OLDER_RECORD);
        RunState again = RunState.fromText(state.toText());
        assertEquals(state, again);
        assertEquals("2026-11-28T05:17:18Z", again.provenance().asMap().get("finished"));
        assertEquals("0.992400", again.provenance().asMap().get("test.accuracy"));
        assertEquals(14, again.provenance().asMap().size(), again.provenance().asMap().toString());
    }

    @Test
    void aHistoryLongerThanTheEpochsDoneIsAMalformedRecord() {
        String epochs = "1,0.1581,0.9515,8.3,938,NaN,NaN;".repeat(1 + new java.util.Random().nextInt(5_000));
        MalformedRunRecordException e = org.junit.jupiter.api.Assertions.assertThrows(MalformedRunRecordException.class,
                () -> RunState.fromText(OLDER_RECORD.replace("epochs.done=2", "epochs.done=0")
                        .replaceFirst("history=.*", "history=" + epochs)));
        assertTrue(e.getMessage().contains("history is " + epochs.split(";").length + " epochs for 0 done"), e.getMessage());
        assertEquals(2, RunState.fromText(OLDER_RECORD).history().size(), "a record as written still reads");
    }

    /** The epoch whose weights the model holds is one of those done; older records have none (the last epoch's). */
    @Test
    void theKeptEpochIsOneOfTheEpochsDone() {
        assertEquals(0, RunState.fromText(OLDER_RECORD).provenance().outcome().keptEpoch());
        String kept = OLDER_RECORD.replace("epochs.done=2", "epochs.done=2\nrun.kept.epoch=1");
        assertEquals(1, RunState.fromText(kept).provenance().outcome().keptEpoch());
        assertTrue(RunState.fromText(kept).toText().contains("run.kept.epoch=1"), "written back");
        MalformedRunRecordException e = org.junit.jupiter.api.Assertions.assertThrows(MalformedRunRecordException.class,
                () -> RunState.fromText(kept.replace("run.kept.epoch=1", "run.kept.epoch=3")));
        assertTrue(e.getMessage().contains("run.kept.epoch is 3, out of range"), e.getMessage());
        // a resumed run goes on: not finished, no test figures, no kept epoch; it started when it started
        Outcome finished = RunState.fromText(kept).provenance().outcome();
        Outcome going = RunState.fromText(kept).provenance().unfinished().outcome();
        assertTrue(finished.finished() != null && finished.test() != null, finished.toString());
        assertEquals(new Outcome(finished.started(), null, null, 0), going);
    }

    @Test
    void recordsWithoutProvenanceStillRead() {
        RunState bare = RunState.fromText("epochs.done=1\nepochs.total=3\nseed=1\nbatch=32\nlr=0.01\nlimit=100\n");
        assertEquals("mnist", bare.data().dataset());
        assertNull(bare.provenance().command());
        assertNull(bare.provenance().outcome().test());
        assertTrue(bare.provenance().asMap().isEmpty());
    }
}
