package dev.convnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TyposTest {
    @Test
    void countsInsertionsDeletionsSubstitutionsAndSwapsAsOneEditEach() {
        assertEquals(0, Typos.distance("--port", "--port"));
        assertEquals(1, Typos.distance("--prot", "--port"), "a swap of two neighbours");
        assertEquals(1, Typos.distance("--epoch", "--epochs"), "an insertion");
        assertEquals(1, Typos.distance("--batchh", "--batch"), "a deletion");
        assertEquals(1, Typos.distance("--lt", "--lr"), "a substitution");
        assertEquals(6, Typos.distance("", "--port"));
    }

    @Test
    void suggestsNamesATypoOrAPrefixAwayAndNothingFarther() {
        assertEquals(true, Typos.near("--prot", "--port"));
        assertEquals(false, Typos.near("--prot", "--precision"), "picocli's own suggestion here");
        assertEquals(true, Typos.near("trian", "train"));
        assertEquals(true, Typos.near("--val", "--validation-split"), "a prefix of three letters or more");
        assertEquals(false, Typos.near("--v", "--verbose"), "too short to say");
        assertEquals(true, Typos.near("--EPOCHS", "--epochs"), "case is ignored");
        assertEquals(false, Typos.near("--epochs", "--epochs"), "the same name is no typo");
        assertEquals(false, Typos.near("--frobnicate", "--format"));
        assertEquals(true, Typos.near("--learnig-rate", "--learning-rate"));
        assertEquals(false, Typos.near("x".repeat(100_000), "--port"), "bounded work for any argument");
    }
}
