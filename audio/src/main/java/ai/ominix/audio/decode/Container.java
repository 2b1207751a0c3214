package ai.ominix.audio.decode;

import java.util.function.Supplier;

/** The formats we decode, each with its decoder. */
public enum Container {
    WAV("wav", WavDecoder::new),
    FLAC("flac", FlacDecoder::new),
    MP3("mp3", Mp3Decoder::new),
    MP4_AAC("m4a/aac", Mp4AacDecoder::new),
    OGG_VORBIS("ogg/vorbis", OggVorbisDecoder::new),
    OGG_OPUS("ogg/opus", OggOpusDecoder::new),
    WEBM_OPUS("webm/opus", WebmDecoder::new);

    private final String displayName;
    private final Supplier<Decoder> decoder;

    Container(String displayName, Supplier<Decoder> decoder) {
        this.displayName = displayName;
        this.decoder = decoder;
    }

    public String displayName() {
        return displayName;
    }

    public Decoder decoder() {
        return decoder.get();
    }
}
