package ai.ominix.server.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.x over a plain socket, byte for byte as the test writes it: for the framings that
 * high-level clients do not let a test choose (HTTP/1.0, {@code Expect: 100-continue} answered
 * before the body is sent, several requests on one connection, chunked uploads). Reads responses
 * framed by Content-Length, chunked encoding, or the connection's close.
 */
public final class RawHttp implements AutoCloseable {
    public record Response(String version, int status, Map<String, String> headers, String body, boolean chunked) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttp(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(20_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public RawHttp send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    public RawHttp send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** A request head with CRLF line ends; {@code headers} are "Name: value" lines. */
    public static String head(String requestLine, String... headers) {
        StringBuilder sb = new StringBuilder(requestLine).append("\r\n");
        for (String h : headers) sb.append(h).append("\r\n");
        return sb.append("\r\n").toString();
    }

    /** One chunk of a chunked body ({@code ""} is the last chunk). */
    public static String chunk(String data) {
        byte[] b = data.getBytes(StandardCharsets.UTF_8);
        return Integer.toHexString(b.length) + "\r\n" + data + "\r\n" + (b.length == 0 ? "\r\n" : "");
    }

    /** Reads one response; an interim 1xx response is returned as it is (with an empty body). */
    public Response read() throws IOException {
        String status = line();
        String[] parts = status.split(" ", 3);
        int code = Integer.parseInt(parts[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            headers.put(h.substring(0, colon).strip().toLowerCase(Locale.ROOT), h.substring(colon + 1).strip());
        }
        if (code / 100 == 1) return new Response(parts[0], code, headers, "", false);
        boolean chunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
        byte[] body;
        if (chunked) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(line().split(";", 2)[0].strip(), 16);
                if (size == 0) {
                    while (!line().isEmpty()) { } // trailers
                    break;
                }
                b.write(in.readNBytes(size));
                line();
            }
            body = b.toByteArray();
        } else if (headers.containsKey("content-length")) {
            body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        } else {
            body = in.readAllBytes();
        }
        return new Response(parts[0], code, headers, new String(body, StandardCharsets.UTF_8), chunked);
    }

    /** True when the server closed the connection (the next read sees the end of the stream). */
    public boolean closedByServer() throws IOException {
        return in.read() < 0;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') b.write(c);
        if (c < 0 && b.size() == 0) throw new IOException("connection closed by the server");
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
