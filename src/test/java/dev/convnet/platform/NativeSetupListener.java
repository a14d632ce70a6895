package dev.convnet.platform;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Configures ND4J the way the CLI does, once, before any test class loads it. */
public final class NativeSetupListener implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        NativeRuntime.configure();
    }
}
