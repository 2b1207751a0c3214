package ai.ominix.server.http;

import ai.ominix.engine.AsrEngine;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Locale;

/** The {@code response_format}s of a transcription. */
public enum TranscriptFormats {
    JSON("application/json"), TEXT("text/plain; charset=utf-8"), VERBOSE_JSON("application/json"),
    SRT("application/x-subrip; charset=utf-8"), VTT("text/vtt; charset=utf-8");

    private final String contentType;

    TranscriptFormats(String contentType) {
        this.contentType = contentType;
    }

    public String contentType() {
        return contentType;
    }

    public static TranscriptFormats parse(String name) {
        if (name == null || name.isBlank()) return JSON;
        for (TranscriptFormats f : values()) {
            if (f.name().toLowerCase(Locale.ROOT).equals(name.strip())) return f;
        }
        throw Fields.invalid("response_format", "must be one of json, text, verbose_json, srt, vtt; got '"
                + Fields.echo(name) + "'");
    }

    public String render(AsrEngine.Transcript t) {
        return switch (this) {
            case JSON -> Json.write(Json.object().put("text", t.text()));
            case TEXT -> t.text() + "\n";
            case VERBOSE_JSON -> Json.write(verbose(t));
            case SRT -> subtitles(t.segments(), false);
            case VTT -> subtitles(t.segments(), true);
        };
    }

    private static ObjectNode verbose(AsrEngine.Transcript t) {
        ObjectNode o = Json.object();
        o.put("task", "transcribe");
        o.put("language", t.language());
        o.put("duration", t.durationSeconds());
        o.put("text", t.text());
        ArrayNode segs = o.putArray("segments");
        for (AsrEngine.Segment s : t.segments()) {
            segs.addObject().put("id", s.id()).put("start", s.start()).put("end", s.end()).put("text", s.text());
        }
        return o;
    }

    private static String subtitles(List<AsrEngine.Segment> segments, boolean vtt) {
        StringBuilder sb = new StringBuilder(vtt ? "WEBVTT\n\n" : "");
        int n = 1;
        for (AsrEngine.Segment s : segments) {
            if (!vtt) sb.append(n).append('\n');
            n++;
            sb.append(timestamp(s.start(), vtt)).append(" --> ").append(timestamp(s.end(), vtt)).append('\n');
            // A blank line ends a cue in both formats: keep the text on non-empty lines.
            sb.append(s.text().strip().replaceAll("\n\\s*\n", "\n")).append("\n\n");
        }
        return sb.toString();
    }

    /** {@code HH:MM:SS,mmm} (SRT) or {@code HH:MM:SS.mmm} (WebVTT). */
    static String timestamp(double seconds, boolean vtt) {
        long ms = Math.round(Math.max(0, seconds) * 1000);
        return String.format(Locale.ROOT, "%02d:%02d:%02d%s%03d",
                ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, vtt ? "." : ",", ms % 1000);
    }
}
