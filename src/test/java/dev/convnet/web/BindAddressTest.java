package dev.convnet.web;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/** serve's early refusal of a taken port, before the models load (a real socket holds the port). */
class BindAddressTest {
    @Test
    void aTakenPortIsRefusedInTheServersWordsAndAFreeOneOrPortZeroPass() throws Exception {
        int free;
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            ServerStartException e = assertThrows(ServerStartException.class,
                    () -> BindAddress.refuseTakenPort("127.0.0.1", taken.getLocalPort()));
            assertEquals("port " + taken.getLocalPort() + " on 127.0.0.1 is already in use; stop the other server or choose "
                    + "another with --port", e.getMessage());
            free = taken.getLocalPort();
        }
        assertDoesNotThrow(() -> BindAddress.refuseTakenPort("127.0.0.1", free)); // let go: free again
        assertDoesNotThrow(() -> BindAddress.refuseTakenPort("127.0.0.1", 0)); // any free port: nothing to check
    }
}
