package ai.ominix.audio.decode;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;

/**
 * Wraps the caller's stream: counts bytes (the watchdog's progress signal), remembers an
 * {@link IOException} thrown by the underlying source (so a failing disk or a dropped upload is
 * not reported as a bad file), and stops a decode that the watchdog abandoned.
 */
public final class GuardedInput extends FilterInputStream {

    private volatile long bytesRead;
    private volatile IOException sourceFailure;
    private volatile boolean cancelled;

    public GuardedInput(InputStream in) {
        super(in);
    }

    public long bytesRead() {
        return bytesRead;
    }

    /** The I/O error of the underlying stream, if one happened. */
    public IOException sourceFailure() {
        return sourceFailure;
    }

    public void cancel() {
        cancelled = true;
    }

    private void check() throws IOException {
        if (cancelled) {
            throw new InterruptedIOException("decode abandoned");
        }
    }

    @Override
    public int read() throws IOException {
        check();
        try {
            int b = super.read();
            if (b >= 0) {
                bytesRead++;
            }
            return b;
        } catch (IOException e) {
            sourceFailure = e;
            throw e;
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        check();
        try {
            int n = super.read(b, off, len);
            if (n > 0) {
                bytesRead += n;
            }
            return n;
        } catch (IOException e) {
            sourceFailure = e;
            throw e;
        }
    }

    @Override
    public long skip(long n) throws IOException {
        check();
        try {
            long s = super.skip(n);
            bytesRead += Math.max(0, s);
            return s;
        } catch (IOException e) {
            sourceFailure = e;
            throw e;
        }
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}
