package ai.ominix.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.models.qwen3asr.Qwen3AsrConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ominix bench asr|chat} end to end on tiny random checkpoints: the work done is exactly
 * what was asked (token counts, audio length, runs), every metric is measured, and the derived
 * figures agree with the raw ones. No timing is asserted.
 */
class ModelSpeedTest {

    @TempDir
    static Path dir;

    private static final RunOptions ONE_THREAD = new RunOptions("cpu", 1, 1, 2, 8 << 20);

    @BeforeAll
    static void writeCheckpoints() throws Exception {
        RandomWeights.write(RandomWeightsTest.TINY_ASR, 8, 1, dir.resolve("asr"), false);
        RandomWeights.write(RandomWeightsTest.TINY_SALA, 8, 1, dir.resolve("sala"), false);
    }

    @Test
    void asrDecodesExactlyTheAskedTokensAndReportsEveryMetric() {
        List<String> events = new ArrayList<>();
        BenchResult r = AsrSpeed.measure(new AsrSpeed.Options(dir.resolve("asr"), null, 2.5, 6, ONE_THREAD), "cmd",
                (warmup, i, of, v) -> events.add((warmup ? "warm-up " : "run ") + i + "/" + of));
        System.out.println(BenchTable.render(r));
        assertEquals(List.of("warm-up 1/1", "run 1/2", "run 2/2"), events);
        Runs runs = r.runs();
        assertEquals(2, runs.count());
        assertEquals(AsrSpeed.METRICS, runs.metrics());
        for (int i = 0; i < runs.count(); i++) {
            var run = runs.run(i);
            assertEquals(6, run.get("decode_tokens"), "EOS is ignored: exactly --new-tokens steps");
            assertEquals(2.5, run.get("audio_s"), 1e-9);
            // 250 mel frames: two full 100-frame chunks (13 tokens each) and a 50-frame tail (7)
            assertEquals(33, run.get("audio_tokens"));
            assertTrue(run.get("prompt_tokens") > 33, "prompt = audio tokens + the chat template around them");
            assertEquals(run.get("prompt_tokens") / run.get("prefill_s"), run.get("prefill_tok_s"), 1e-6 * run.get("prefill_tok_s"));
            assertEquals(6 / run.get("decode_s"), run.get("decode_tok_s"), 1e-6 * run.get("decode_tok_s"));
            assertEquals(run.get("total_s") / 2.5, run.get("rtf"), 1e-9);
            assertTrue(run.get("total_s") >= run.get("mel_s") + run.get("encoder_s") + run.get("prefill_s") + run.get("decode_s") - 1e-3);
            assertTrue(run.get("cpu_s_per_token") > 0 && run.get("cpu_s_per_token") * 6 < run.get("cpu_s"), run.toString());
            assertTrue(run.get("peak_rss_bytes") > 1 << 20);
            for (var e : run.entrySet()) assertTrue(Double.isFinite(e.getValue()) && e.getValue() > 0, e.toString());
        }
        assertEquals("asr", r.info().bench());
        assertEquals("cpu", r.info().backend());
        assertEquals(1, r.info().threads());
        assertEquals(8, r.model().get("quantization_bits"));
        assertEquals(AsrSpeed.decoderBytes(dir.resolve("asr")), r.model().get("decode_bytes_per_token"));
        assertEquals("synthetic", r.settings().get("audio"));
        assertEquals(6, r.settings().get("new_tokens"));
        assertTrue(r.ceilings().get("read_bandwidth_gb_s") > 0 && r.ceilings().get("fma_peak_gflop_s") > 0);
    }

    @Test
    void chatPrefillsThePromptLengthAndDecodesPastEos() {
        BenchResult r = ChatSpeed.measure(new ChatSpeed.Options(dir.resolve("sala"), 600, 5, ONE_THREAD), "cmd",
                (warmup, i, of, v) -> {});
        System.out.println(BenchTable.render(r));
        assertEquals(ChatSpeed.METRICS, r.runs().metrics());
        for (int i = 0; i < r.runs().count(); i++) {
            var run = r.runs().run(i);
            assertEquals(600, run.get("prompt_tokens"), "beyond the tiny model's dense_len 512: the sparse path runs");
            assertEquals(5, run.get("decode_tokens"));
            assertTrue(run.get("ttft_s") >= run.get("prefill_s"));
            assertTrue(run.get("total_s") >= run.get("ttft_s") + run.get("decode_s") - 1e-3);
            for (var e : run.entrySet()) assertTrue(Double.isFinite(e.getValue()) && e.getValue() > 0, e.toString());
        }
        assertTrue((long) r.model().get("weight_bytes_per_token") < (long) r.model().get("weight_bytes"),
                "one embedding row per token, not the table");
        assertThrows(IllegalArgumentException.class, () -> ChatSpeed.measure(
                new ChatSpeed.Options(dir.resolve("sala"), 4000, 100, ONE_THREAD), "cmd", (w, i, o, v) -> {}),
                "longer than the model's 4096 positions");
    }

    @Test
    void flopCountsMatchTheParameterCounts() {
        // decoder linears of Qwen3-ASR-0.6B: 28 × 15.73 M weights; with the 155.6 M embedding ≈ 0.6 B
        Qwen3AsrConfig.Text t = RealShapes.qwen3Asr06b().text();
        assertEquals(28 * 15.73e6, AsrSpeed.decoderFlopsPerToken(t) / 2, 0.01e6 * 28);
        // the 1.7B decoder: 28 × 50.33 M
        assertEquals(28 * 50.33e6, AsrSpeed.decoderFlopsPerToken(RealShapes.qwen3Asr17b().text()) / 2, 0.01e6 * 28);
        // one 100-frame chunk of the 0.6B encoder (13 tokens): the stem's three convs dominate next to 18 layers
        Qwen3AsrConfig.Audio a = RealShapes.qwen3Asr06b().audio();
        double conv = 2.0 * 9 * 480 * (64 * 50 + 480.0 * (32 * 25 + 16 * 13));
        double layers = 13 * (2 * 896 * 480 * 16 + 18 * (2 * (4.0 * 896 * 896 + 2.0 * 896 * 3584) + 4 * 13 * 896)
                + 2 * (896.0 * 896 + 896.0 * 1024));
        assertEquals(conv + layers, AsrSpeed.encoderFlops(a, 100, 13), 1e-6 * (conv + layers));
    }

    @Test
    void asrOptionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new AsrSpeed.Options(dir, null, 0, 5, ONE_THREAD));
        assertThrows(IllegalArgumentException.class, () -> new AsrSpeed.Options(dir, null, 3, 0, ONE_THREAD));
        assertThrows(IllegalArgumentException.class, () -> new RunOptions("cpu", 1, 0, 0, 8 << 20));
        assertThrows(IllegalArgumentException.class, () -> new RunOptions("cpu", -1, 0, 1, 8 << 20));
    }
}
