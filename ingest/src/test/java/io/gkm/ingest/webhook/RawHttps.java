package io.gkm.ingest.webhook;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A TLS socket speaking HTTP/1.1 by hand, for what a well-behaved client never does: stop sending
 * in the middle of a body, announce a body larger than it sends.
 */
final class RawHttps {
    /** The status line, the whole response text and how long it took from the first byte sent. */
    record Response(int status, String text, Duration took) {
    }

    private RawHttps() {
    }

    /**
     * Sends {@code head} (request line and headers, without the blank line) and {@code bodyPart},
     * then reads until the server closes the connection or {@code readTimeout} passes.
     */
    static Response send(SSLContext tls, int port, String head, byte[] bodyPart, Duration readTimeout) throws IOException {
        try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout((int) readTimeout.toMillis());
            socket.startHandshake();
            long start = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            out.write((head + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bodyPart);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    received.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // the server kept the connection open: what it sent so far is the answer
            }
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String text = received.toString(StandardCharsets.UTF_8);
            int status = text.startsWith("HTTP/1.1 ") ? Integer.parseInt(text.substring(9, 12)) : -1;
            return new Response(status, text, took);
        }
    }
}
