package ai.ominix.audio.decode;

import ai.ominix.audio.AudioFormatException;
import ai.ominix.audio.AudioInfo;

import java.io.IOException;

/**
 * Ogg Opus (RFC 7845): our {@link OggReader} plus {@link OpusPackets}. Decodes at 48 kHz (Opus's
 * native rate; the pipeline resamples), drops the pre-skip and ends at the last page's granule
 * position.
 */
final class OggOpusDecoder implements Decoder {

    private static final String NAME = "Ogg Opus";

    @Override
    public AudioInfo probe(Source source) throws IOException {
        OpusPackets.Head head = head(new OggReader(source.stream(), NAME));
        return new AudioInfo("ogg/opus", OpusPackets.RATE, head.channels(), Double.NaN);
    }

    @Override
    public void decode(Source source, PcmSink out) throws IOException {
        OggReader ogg = new OggReader(source.stream(), NAME);
        OpusPackets.Head head = head(ogg);
        OggReader.Packet tags = ogg.next();
        if (tags == null || !FormatSniffer.startsWith(tags.data(), 0, "OpusTags")) {
            throw new AudioFormatException("corrupt Ogg Opus stream: missing OpusTags header");
        }
        TrimmingSink sink = new TrimmingSink(out, head.preSkip());
        sink.format(OpusPackets.RATE, head.channels());
        OpusPackets opus = new OpusPackets(head, NAME);
        for (OggReader.Packet p; (p = ogg.next()) != null; ) {
            if (p.onLastPage() && p.granule() >= 0) {
                sink.limit(p.granule() - head.preSkip());
            }
            if (p.length() > 0) {
                sink.write(opus.samples(), 0, opus.decode(p.data(), 0, p.length(), p.number()));
            }
        }
    }

    private static OpusPackets.Head head(OggReader ogg) throws IOException {
        OggReader.Packet p = ogg.next();
        if (p == null) {
            throw new AudioFormatException("empty Ogg Opus stream");
        }
        return OpusPackets.Head.parse(p.data(), p.length(), NAME);
    }
}
