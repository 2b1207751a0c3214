package ai.ominix.server.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * The kernel's table of this network namespace's TCP sockets, as Linux prints it in
 * {@code /proc/net/tcp} and {@code /proc/net/tcp6} (proc(5)): one line per socket with the local
 * and remote address and the TCP state. Reading it touches no socket, so it tells whether a peer
 * has closed a connection without reading from (or writing to) that connection.
 */
final class ProcNetTcp {
    /** {@code st} of a socket whose connection is open both ways. */
    static final int ESTABLISHED = 0x01;
    /** {@code st} of a socket whose peer has closed its side (sent FIN). */
    static final int CLOSE_WAIT = 0x08;

    static final Path IPV4 = Path.of("/proc/net/tcp");
    static final Path IPV6 = Path.of("/proc/net/tcp6");

    /** One TCP connection as the server sees it. */
    record Connection(InetSocketAddress local, InetSocketAddress remote) {}

    private ProcNetTcp() {}

    /** True where the table can be read (Linux). */
    static boolean available() {
        return Files.isReadable(IPV4);
    }

    /**
     * The state of every connection whose local port is one of {@code localPorts} (only those are
     * parsed: the table may list thousands of sockets).
     */
    static Map<Connection, Integer> read(Set<Integer> localPorts) throws IOException {
        Map<Connection, Integer> out = new HashMap<>();
        parse(Files.readString(IPV4), localPorts, out);
        if (Files.isReadable(IPV6)) parse(Files.readString(IPV6), localPorts, out);
        return out;
    }

    /**
     * Parses one table. Lines look like
     * {@code "  0: 0100007F:1F90 0100007F:D5A2 01 00000000:00000000 ..."}: addresses are the
     * in-memory bytes of the kernel's address words printed as hex numbers in host byte order,
     * ports are plain hex.
     */
    static void parse(String table, Set<Integer> localPorts, Map<Connection, Integer> out) {
        for (String line : table.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":")) continue; // the header, or a blank line
            InetSocketAddress local = endpoint(f[1]);
            if (local == null || !localPorts.contains(local.getPort())) continue;
            InetSocketAddress remote = endpoint(f[2]);
            if (remote == null) continue;
            try {
                out.put(new Connection(local, remote), Integer.parseInt(f[3], 16));
            } catch (NumberFormatException e) {
                // not a line of the table
            }
        }
    }

    /** {@code "0100007F:1F90"} to 127.0.0.1:8080; an IPv4-mapped IPv6 address becomes IPv4, as in Java's sockets. */
    static InetSocketAddress endpoint(String field) {
        int colon = field.indexOf(':');
        if (colon != 8 && colon != 32) return null;
        try {
            byte[] words = HexFormat.of().parseHex(field, 0, colon);
            if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                for (int w = 0; w < words.length; w += 4) {
                    swap(words, w, w + 3);
                    swap(words, w + 1, w + 2);
                }
            }
            int port = Integer.parseInt(field.substring(colon + 1), 16);
            return new InetSocketAddress(InetAddress.getByAddress(words), port);
        } catch (IllegalArgumentException | UnknownHostException e) {
            return null;
        }
    }

    private static void swap(byte[] b, int i, int j) {
        byte t = b[i];
        b[i] = b[j];
        b[j] = t;
    }
}
