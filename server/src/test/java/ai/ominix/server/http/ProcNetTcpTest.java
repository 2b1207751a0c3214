package ai.ominix.server.http;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Parsing Linux's TCP tables (the lines below are the format proc(5) documents, as a little-endian host prints them). */
class ProcNetTcpTest {
    private static InetSocketAddress at(String host, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(host), port);
    }

    @Test
    void endpointsInHostByteOrder() throws Exception {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the sample lines are from a little-endian host");
        assertEquals(at("127.0.0.1", 8080), ProcNetTcp.endpoint("0100007F:1F90"));
        assertEquals(at("192.168.1.20", 443), ProcNetTcp.endpoint("1401A8C0:01BB"));
        assertEquals(at("::1", 80), ProcNetTcp.endpoint("00000000000000000000000001000000:0050"));
        // An IPv4 client on a dual-stack socket: ::ffff:127.0.0.1, which Java's sockets report as 127.0.0.1.
        assertEquals(at("127.0.0.1", 54690), ProcNetTcp.endpoint("0000000000000000FFFF00000100007F:D5A2"));
        assertEquals(at("2001:db8::5", 8080), ProcNetTcp.endpoint("B80D0120000000000000000005000000:1F90"));
        assertNull(ProcNetTcp.endpoint("garbage"));
        assertNull(ProcNetTcp.endpoint("0100007G:1F90"));
    }

    @Test
    void tableLinesOfTheWatchedPortsOnly() throws Exception {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the sample lines are from a little-endian host");
        String v4 = """
                  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1 0 100 0 0 10 0
                   1: 0100007F:1F90 0100007F:D5A2 01 00000000:00000000 00:00000000 00000000  1000        0 2 1 0 20 4 30 10 -1
                   2: 0100007F:1F90 0100007F:D5A4 08 00000000:00000000 00:00000000 00000000  1000        0 3 1 0 20 4 30 10 -1
                   3: 0100007F:0016 0100007F:D5A6 01 00000000:00000000 00:00000000 00000000     0        0 4 1 0 20 4 30 10 -1
                """;
        String v6 = """
                  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
                   0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:D5A8 01 00000000:00000000 00:00000000 00000000  1000        0 5 1 0 20 4 30 10 -1
                """;
        Map<ProcNetTcp.Connection, Integer> table = new HashMap<>();
        ProcNetTcp.parse(v4, Set.of(8080), table);
        ProcNetTcp.parse(v6, Set.of(8080), table);
        InetSocketAddress server = at("127.0.0.1", 8080);
        assertEquals(ProcNetTcp.ESTABLISHED, table.get(new ProcNetTcp.Connection(server, at("127.0.0.1", 54690))));
        assertEquals(ProcNetTcp.CLOSE_WAIT, table.get(new ProcNetTcp.Connection(server, at("127.0.0.1", 54692))));
        assertEquals(ProcNetTcp.ESTABLISHED, table.get(new ProcNetTcp.Connection(server, at("127.0.0.1", 54696))));
        assertEquals(0x0A, table.get(new ProcNetTcp.Connection(server, at("0.0.0.0", 0))));
        assertEquals(4, table.size(), "port 22 is not watched: " + table);
    }
}
