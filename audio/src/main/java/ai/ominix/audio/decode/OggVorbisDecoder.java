package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;
import ai.ominix.audio.AudioInfo;
import com.jcraft.jogg.Packet;
import com.jcraft.jorbis.Block;
import com.jcraft.jorbis.Comment;
import com.jcraft.jorbis.DspState;
import com.jcraft.jorbis.Info;

import java.io.IOException;

/**
 * Ogg Vorbis: our {@link OggReader} feeding jorbis's packet decoder (float output, no 16-bit
 * round trip). Ends at the last page's granule position, as libvorbisfile does.
 */
final class OggVorbisDecoder implements Decoder {

    @Override
    public AudioInfo probe(Source source) throws IOException {
        OggReader ogg = new OggReader(source.stream(), "Ogg Vorbis");
        Info info = new Info();
        info.init();
        headerIn(info, new Comment(), ogg.next(), 0);
        return new AudioInfo("ogg/vorbis", info.rate, info.channels, Double.NaN);
    }

    @Override
    public void decode(Source source, PcmSink out) throws IOException {
        OggReader ogg = new OggReader(source.stream(), "Ogg Vorbis");
        Info info = new Info();
        Comment comment = new Comment();
        info.init();
        comment.init();
        for (int i = 0; i < 3; i++) {
            headerIn(info, comment, ogg.next(), i);
        }
        int channels = info.channels;
        TrimmingSink sink = new TrimmingSink(out, 0);
        sink.format(info.rate, channels);
        DspState dsp = new DspState();
        if (dsp.synthesis_init(info) != 0) {
            throw new AudioFormatException("corrupt Ogg Vorbis stream: bad setup header");
        }
        Block block = new Block(dsp);
        float[][][] pcmRef = new float[1][][];
        int[] index = new int[channels];
        float[] buf = new float[0];
        for (OggReader.Packet p; (p = ogg.next()) != null; ) {
            if (p.onLastPage() && p.granule() >= 0) {
                sink.limit(p.granule());
            }
            if (block.synthesis(jorbisPacket(p)) != 0) {
                continue; // not an audio packet: skipped, as libvorbis does
            }
            dsp.synthesis_blockin(block);
            for (int n; (n = dsp.synthesis_pcmout(pcmRef, index)) > 0; dsp.synthesis_read(n)) {
                if (buf.length < n * channels) {
                    buf = new float[n * channels];
                }
                float[][] pcm = pcmRef[0];
                for (int c = 0; c < channels; c++) {
                    float[] ch = pcm[c];
                    for (int i = 0, j = c, k = index[c]; i < n; i++, j += channels) {
                        buf[j] = ch[k + i];
                    }
                }
                sink.write(buf, 0, n);
            }
        }
    }

    private static void headerIn(Info info, Comment comment, OggReader.Packet p, int i) {
        if (p == null) {
            throw new AudioFormatException("truncated Ogg Vorbis stream: header " + (i + 1) + " of 3 missing");
        }
        if (info.synthesis_headerin(comment, jorbisPacket(p)) < 0) {
            throw new AudioFormatException("corrupt Ogg Vorbis stream: bad header packet " + (i + 1));
        }
        if (i == 0 && (info.channels < 1 || info.rate <= 0)) {
            throw new AudioFormatException("corrupt Ogg Vorbis stream: " + info.channels + " channels, " + info.rate + " Hz");
        }
    }

    private static Packet jorbisPacket(OggReader.Packet p) {
        Packet jp = new Packet();
        jp.packet_base = p.data();
        jp.packet = 0;
        jp.bytes = p.length();
        jp.b_o_s = p.number() == 0 ? 1 : 0;
        jp.e_o_s = 0;
        jp.granulepos = p.granule();
        jp.packetno = p.number();
        return jp;
    }
}
