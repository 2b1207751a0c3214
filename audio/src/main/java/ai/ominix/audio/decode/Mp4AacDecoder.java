package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;
import ai.ominix.audio.AudioInfo;
import net.sourceforge.jaad.mp4.MP4Container;
import net.sourceforge.jaad.mp4.MP4InputStream;
import net.sourceforge.jaad.mp4.api.AudioTrack;
import net.sourceforge.jaad.mp4.api.Frame;
import net.sourceforge.jaad.mp4.api.Track;
import net.sourceforge.jaad.mp4.api.Type;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * MP4/M4A with AAC (LC, HE-AAC, HE-AACv2) through javasound-aac's JAAD API, called directly
 * (its javax.sound SPI only offers big-endian 16-bit output). The MP4 index may sit at the end of
 * the file, so the demuxer needs random access: a stream without a file behind it is first copied
 * to a temporary file (compressed AAC is ~1/4 of the 16 kHz float size). JAAD ignores the edit
 * list ({@link Mp4EditList}), so we apply it: drop the encoder priming (usually 1024 samples) and
 * stop at the presentation length, without the end padding. Mono AAC comes out of JAAD as two
 * identical channels; the channel mean undoes that.
 */
final class Mp4AacDecoder implements Decoder {

    @Override
    public AudioInfo probe(Source source) throws IOException {
        return withFile(source, file -> {
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                AudioTrack track = audioTrack(new MP4Container(MP4InputStream.open(raf)));
                Mp4EditList edit = Mp4EditList.read(file);
                return new AudioInfo("m4a/aac", track.getSampleRate(), track.getChannelCount(), edit.seconds());
            }
        });
    }

    @Override
    public void decode(Source source, PcmSink out) throws IOException {
        withFile(source, file -> {
            Mp4EditList edit = Mp4EditList.read(file);
            try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
                AudioTrack track = audioTrack(new MP4Container(MP4InputStream.open(raf)));
                byte[] config = track.getDecoderSpecificInfo() == null ? null : track.getDecoderSpecificInfo().getData();
                if (config == null || config.length == 0) {
                    throw new AudioFormatException("corrupt M4A: the AAC track has no decoder configuration");
                }
                net.sourceforge.jaad.aac.Decoder aac = net.sourceforge.jaad.aac.Decoder.create(config);
                new FrameLoop(track, aac, edit, out).run();
            }
            return null;
        });
    }

    /**
     * Decodes frame by frame. JAAD throws on some valid frames (e.g. an ArrayIndexOutOfBounds at a
     * spectral value of 8191, the largest AAC allows: 2 of 25,841 frames in a 10-minute ffmpeg
     * encode), so an undecodable frame is concealed with silence of the same length, as FFmpeg
     * does; more than 1 % of them (at least 2) means the file is corrupt.
     */
    private static final class FrameLoop {
        private final AudioTrack track;
        private final net.sourceforge.jaad.aac.Decoder aac;
        private final Mp4EditList edit;
        private final PcmSink out;
        private TrimmingSink sink;
        private int rate, channels, frameLength;
        private float[] buf = new float[0];
        private long frames, failures, pendingSilence;

        FrameLoop(AudioTrack track, net.sourceforge.jaad.aac.Decoder aac, Mp4EditList edit, PcmSink out) {
            this.track = track;
            this.aac = aac;
            this.edit = edit;
            this.out = out;
        }

        void run() throws IOException {
            while (track.hasMoreFrames()) {
                Frame frame = track.readNextFrame();
                if (frame == null) {
                    break;
                }
                frames++;
                try {
                    aac.decodeFrame(frame.getData(), this::accept);
                } catch (AudioFormatException e) {
                    throw e;
                } catch (RuntimeException e) {
                    failures++;
                    if (failures > 1 && failures * 100 > Math.max(frames, 200)) {
                        throw new AudioFormatException("corrupt M4A: " + failures + " of the first " + frames
                                + " AAC frames are undecodable (" + e + ")", e);
                    }
                    if (sink == null) {
                        pendingSilence++;
                    } else {
                        silence(1);
                    }
                }
            }
            if (sink == null) {
                throw new AudioFormatException("corrupt M4A: none of its " + frames + " AAC frames decodes");
            }
            if (failures > 1 && failures * 100 > frames) {
                throw new AudioFormatException("corrupt M4A: " + failures + " of " + frames + " AAC frames are undecodable");
            }
        }

        private void accept(List<float[]> pcm, int length, int frameRate) {
            int nc = pcm.size();
            if (sink == null) {
                rate = frameRate;
                channels = nc;
                frameLength = length;
                sink = new TrimmingSink(out, edit.skipFrames(rate));
                sink.format(rate, nc);
                if (edit.frames(rate) >= 0) {
                    sink.limit(edit.frames(rate));
                    sink.expectFrames(edit.frames(rate));
                }
                silence(pendingSilence);
            } else if (rate != frameRate || channels != nc) {
                throw new AudioFormatException("AAC stream changes format mid-way");
            }
            ensure(length * nc);
            for (int c = 0; c < nc; c++) {
                float[] ch = pcm.get(c);
                for (int i = 0, j = c; i < length; i++, j += nc) {
                    // JAAD's channel arrays may be longer than the frame; index as its SampleBuffer does
                    buf[j] = ch[(int) ((long) ch.length * i / length)] / 32768f;
                }
            }
            sink.write(buf, 0, length);
        }

        private void silence(long count) {
            ensure(frameLength * channels);
            java.util.Arrays.fill(buf, 0, frameLength * channels, 0f);
            for (long k = 0; k < count; k++) {
                sink.write(buf, 0, frameLength);
            }
        }

        private void ensure(int n) {
            if (buf.length < n) {
                buf = new float[n];
            }
        }
    }

    private static AudioTrack audioTrack(MP4Container container) {
        List<Track> tracks = container.getMovie().getTracks(Type.AUDIO);
        if (tracks.isEmpty()) {
            throw new AudioFormatException("MP4 file without an audio track");
        }
        for (Track t : tracks) {
            if (t.getCodec() == AudioTrack.AudioCodec.AAC) {
                return (AudioTrack) t;
            }
        }
        throw new AudioFormatException("MP4 audio codec " + tracks.getFirst().getCodec() + " is not supported (only AAC)");
    }

    @FunctionalInterface
    private interface FileTask<T> {
        T run(Path file) throws IOException;
    }

    private static <T> T withFile(Source source, FileTask<T> task) throws IOException {
        if (source.file().isPresent()) {
            return task.run(source.file().get());
        }
        Path tmp = Files.createTempFile("ominix-audio-", ".m4a");
        try {
            Files.copy(source.stream(), tmp, StandardCopyOption.REPLACE_EXISTING); // the caller owns the stream
            return task.run(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
