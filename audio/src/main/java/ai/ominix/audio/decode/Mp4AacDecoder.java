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
                TrimmingSink[] sinkRef = new TrimmingSink[1];
                float[][] buf = {new float[0]};
                int[] format = new int[2];
                while (track.hasMoreFrames()) {
                    Frame frame = track.readNextFrame();
                    if (frame == null) {
                        break;
                    }
                    aac.decodeFrame(frame.getData(), (channels, length, rate) -> {
                        int nc = channels.size();
                        if (format[0] == 0) {
                            format[0] = rate;
                            format[1] = nc;
                            sinkRef[0] = new TrimmingSink(out, edit.skipFrames(rate));
                            sinkRef[0].format(rate, nc);
                            if (edit.frames(rate) >= 0) {
                                sinkRef[0].limit(edit.frames(rate));
                                sinkRef[0].expectFrames(edit.frames(rate));
                            }
                        } else if (format[0] != rate || format[1] != nc) {
                            throw new AudioFormatException("AAC stream changes format mid-way");
                        }
                        if (buf[0].length < length * nc) {
                            buf[0] = new float[length * nc];
                        }
                        float[] b = buf[0];
                        for (int c = 0; c < nc; c++) {
                            float[] ch = channels.get(c);
                            for (int i = 0, j = c; i < length; i++, j += nc) {
                                // JAAD's channel arrays may be longer than the frame; index as its SampleBuffer does
                                b[j] = ch[(int) ((long) ch.length * i / length)] / 32768f;
                            }
                        }
                        sinkRef[0].write(b, 0, length);
                    });
                }
            }
            return null;
        });
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
