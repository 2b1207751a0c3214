package ai.ominix.audio;

import ai.ominix.audio.decode.PcmSink;
import ai.ominix.audio.dsp.Resampler;

import java.util.ArrayList;
import java.util.List;

/**
 * The decode pipeline's end: mixes each frame down to mono (channel mean), resamples to the target
 * rate on the fly and stores the result, never the native-rate PCM. When the container states the
 * length, the result array is allocated once at its final size (heap ≈ 1× the 16 kHz floats);
 * otherwise samples go to fixed-size blocks that are joined at the end (≈ 2×).
 */
final class MonoCollector implements PcmSink {

    private static final int BLOCK = 1 << 16;
    /** Java arrays are int-indexed: at 16 kHz this is about 37 hours. */
    private static final long MAX_SAMPLES = Integer.MAX_VALUE - 16;

    private final int targetRate;
    private final List<float[]> blocks = new ArrayList<>();
    private float[] block = new float[BLOCK];
    private int blockLen;
    private long total;
    private int channels;
    private int sampleRate;
    private float[] mono = new float[0];
    private Resampler resampler;
    /** The result, allocated up front when the length is announced; blocks take any excess. */
    private float[] direct;
    private int directLen;
    private volatile long framesIn;

    MonoCollector(int targetRate) {
        this.targetRate = targetRate;
    }

    @Override
    public void format(int sampleRate, int channels) {
        if (this.channels != 0) {
            if (sampleRate != this.sampleRate || channels != this.channels) {
                throw new AudioFormatException("stream changes format mid-way (" + this.sampleRate + " Hz "
                        + this.channels + " ch -> " + sampleRate + " Hz " + channels + " ch)");
            }
            return;
        }
        if (sampleRate < 1000 || sampleRate > 768_000) {
            throw new AudioFormatException("unsupported sample rate " + sampleRate + " Hz");
        }
        if (channels < 1 || channels > 255) {
            throw new AudioFormatException("unsupported channel count " + channels);
        }
        this.sampleRate = sampleRate;
        this.channels = channels;
        if (sampleRate != targetRate) {
            resampler = new Resampler(sampleRate, targetRate, this::append);
        }
    }

    @Override
    public void expectFrames(long frames) {
        long expected = resampler == null ? frames : Resampler.outputLength(frames, sampleRate, targetRate);
        if (direct != null || total > 0 || expected <= 0 || expected > MAX_SAMPLES) {
            return;
        }
        try {
            direct = new float[(int) expected];
        } catch (OutOfMemoryError e) {
            direct = null; // a header claiming more than the heap holds: collect in blocks instead
        }
    }

    @Override
    public void write(float[] samples, int offset, int frames) {
        if (channels == 0) {
            throw new IllegalStateException("format() not called");
        }
        if (mono.length < frames) {
            mono = new float[Math.max(frames, 4096)];
        }
        if (channels == 1) {
            System.arraycopy(samples, offset, mono, 0, frames);
        } else {
            float inv = 1f / channels;
            for (int f = 0, i = offset; f < frames; f++) {
                float s = 0;
                for (int c = 0; c < channels; c++) {
                    s += samples[i++];
                }
                mono[f] = s * inv;
            }
        }
        framesIn += frames;
        if (resampler != null) {
            resampler.process(mono, 0, frames);
        } else {
            append(mono, 0, frames);
        }
    }

    /** Frames received so far (native rate): the watchdog's second progress signal. */
    long framesIn() {
        return framesIn;
    }

    int sampleRate() {
        return sampleRate;
    }

    int channels() {
        return channels;
    }

    private void append(float[] x, int off, int n) {
        if (total + n > MAX_SAMPLES) {
            throw new AudioFormatException("audio longer than " + MAX_SAMPLES / targetRate / 3600 + " hours");
        }
        total += n;
        if (direct != null && directLen < direct.length) {
            int c = Math.min(n, direct.length - directLen);
            System.arraycopy(x, off, direct, directLen, c);
            directLen += c;
            off += c;
            n -= c;
        }
        while (n > 0) {
            int c = Math.min(n, BLOCK - blockLen);
            System.arraycopy(x, off, block, blockLen, c);
            blockLen += c;
            off += c;
            n -= c;
            if (blockLen == BLOCK) {
                blocks.add(block);
                block = new float[BLOCK];
                blockLen = 0;
            }
        }
    }

    /**
     * Ends the stream and returns the samples, normalised as upstream does: if the peak |x| exceeds
     * 1 everything is divided by the peak, then clipped to [-1, 1] (NaN becomes 0).
     */
    float[] finish() {
        if (resampler != null) {
            resampler.flush();
        }
        float[] result;
        if (direct != null && total == direct.length) {
            result = direct;
        } else {
            result = direct == null ? new float[(int) total] : java.util.Arrays.copyOf(direct, (int) total);
            int at = directLen;
            for (float[] b : blocks) {
                System.arraycopy(b, 0, result, at, BLOCK);
                at += BLOCK;
            }
            System.arraycopy(block, 0, result, at, blockLen);
        }
        blocks.clear();
        block = null;
        direct = null;
        normalise(result);
        return result;
    }

    static void normalise(float[] x) {
        float peak = 0;
        for (float v : x) {
            float a = Math.abs(v);
            if (a > peak) { // NaN never compares greater
                peak = a;
            }
        }
        float scale = peak > 1f && Float.isFinite(peak) ? 1f / peak : 1f;
        for (int i = 0; i < x.length; i++) {
            float v = x[i] * scale;
            x[i] = v != v ? 0f : Math.max(-1f, Math.min(1f, v));
        }
    }
}
