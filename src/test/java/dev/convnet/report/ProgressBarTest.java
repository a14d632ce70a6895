package dev.convnet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.convnet.run.EpochRecord;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
    @Test
    void printsOneKerasLinePerEpochWhenNotATerminal() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), false);
        bar.epochStarted(1, 5, 938);
        for (int step = 1; step <= 938; step++) {
            bar.batchFinished(step, 0.2, 0.9);
        }
        bar.epochFinished(new EpochRecord(1, 0.15234, 0.95321, 41.3, 938));
        assertEquals("Epoch 1/5\n938/938 [==============================] - 41s 44ms/step - loss: 0.1523 - accuracy: 0.9532\n",
                text.toString());
    }

    @Test
    void redrawsInPlaceOnATerminal() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), true);
        bar.epochStarted(2, 5, 100);
        bar.batchFinished(50, 0.5, 0.75);
        String drawn = text.toString();
        assertEquals(true, drawn.contains("\r 50/100 [==============>...............] - ETA: "), drawn);
        assertEquals(true, drawn.contains("- loss: 0.5000 - accuracy: 0.7500"), drawn);
    }

    @Test
    void narrowsTheBarToFitAnEightyColumnTerminal() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), true, 80);
        bar.epochStarted(1, 5, 938);
        bar.batchFinished(469, 0.1234, 0.9876);
        String drawn = text.toString();
        String line = drawn.substring(drawn.lastIndexOf('\r') + 1).replace("\u001B[K", "");
        assertEquals(true, line.startsWith("469/938 [=========>..........] - ETA: "), line);
        assertEquals(true, line.length() < 80, line.length() + " characters would wrap on 80 columns: " + line);
        bar.epochFinished(new EpochRecord(1, 0.15234, 0.95321, 41.3, 938));
        assertEquals(true, text.toString().endsWith("\r938/938 [====================] - 41s 44ms/step - loss: 0.1523 - accuracy: 0.9532"
                + "\u001B[K\n"), text.toString());
    }

    @Test
    void keepsKerasThirtyCharacterBarOnAWideTerminal() {
        StringWriter text = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(text), true, 200);
        bar.epochStarted(1, 5, 938);
        bar.epochFinished(new EpochRecord(1, 0.15234, 0.95321, 41.3, 938));
        assertEquals(true, text.toString().contains("938/938 [==============================] - 41s"), text.toString());
    }

    @Test
    void redrawsOnlyOnATerminalThatKnowsEscapesAndIsWideEnough() {
        assertEquals(true, ProgressBar.canRedraw(true, "xterm-256color", 120));
        assertEquals(true, ProgressBar.canRedraw(true, "xterm", 0), "width unknown: assume a usual terminal");
        assertEquals(false, ProgressBar.canRedraw(true, "dumb", 120), "TERM=dumb shows escape codes literally");
        assertEquals(false, ProgressBar.canRedraw(true, null, 120), "no TERM at all");
        assertEquals(true, ProgressBar.canRedraw(true, "xterm", 80), "the usual 80 columns: a narrower bar");
        assertEquals(false, ProgressBar.canRedraw(true, "xterm", 60), "a 60-column terminal would wrap every redraw");
        assertEquals(false, ProgressBar.canRedraw(false, "xterm", 120), "a pipe or a log");
    }

    @Test
    void anArabicDefaultLocaleStillPrintsAsciiDigits() {
        java.util.Locale before = java.util.Locale.getDefault();
        java.util.Locale.setDefault(java.util.Locale.forLanguageTag("ar-EG"));
        try {
            StringWriter text = new StringWriter();
            ProgressBar bar = new ProgressBar(new PrintWriter(text), false);
            bar.epochStarted(1, 5, 938);
            bar.epochFinished(new EpochRecord(1, 0.15234, 0.95321, 41.3, 938));
            assertEquals(true, text.toString().startsWith("Epoch 1/5\n938/938 ["), text.toString());
            assertEquals("convnet 32,64,128 k3 s1 valid", dev.convnet.model.Architecture.BOOK.describe());
        } finally {
            java.util.Locale.setDefault(before);
        }
    }

    @Test
    void formatsTimesAsKerasDoes() {
        assertEquals("44ms/step", ProgressBar.perStep(0.044));
        assertEquals("2s/step", ProgressBar.perStep(1.6));
        assertEquals("850us/step", ProgressBar.perStep(0.00085));
        assertEquals("41s", ProgressBar.duration(41.2));
        assertEquals("2:05", ProgressBar.duration(125));
        assertEquals("1:00:00", ProgressBar.duration(3600));
    }
}
