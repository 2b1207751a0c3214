package ai.ominix.bench;

/**
 * The metrics both model benchmarks report for a generation: a prefill of the prompt, then a fixed
 * number of decode steps, with process CPU time and peak memory. Keys are the JSON field names.
 */
public final class GenerationMetrics {

    public static final Metric PROMPT_TOKENS = new Metric("prompt_tokens", "prompt (prefill) tokens", "tokens");
    public static final Metric PREFILL_S = new Metric("prefill_s", "prefill", "s");
    public static final Metric PREFILL_RATE = new Metric("prefill_tok_s", "prefill", "tok/s");
    public static final Metric PREFILL_OF_PEAK = new Metric("prefill_of_fma_peak", "prefill of FMA peak", "%", 100);
    public static final Metric DECODE_TOKENS = new Metric("decode_tokens", "decode steps", "tokens");
    public static final Metric DECODE_S = new Metric("decode_s", "decode", "s");
    public static final Metric DECODE_RATE = new Metric("decode_tok_s", "decode", "tok/s");
    public static final Metric DECODE_BOUND = new Metric("decode_bound_tok_s", "decode bandwidth bound", "tok/s");
    public static final Metric DECODE_OF_BOUND = new Metric("decode_of_bound", "decode of bandwidth bound", "%", 100);
    public static final Metric TOTAL_S = new Metric("total_s", "total", "s");
    public static final Metric CPU_S = new Metric("cpu_s", "process CPU time", "s");
    public static final Metric CPU_PER_TOKEN = new Metric("cpu_s_per_token", "CPU per decoded token", "s");
    public static final Metric PEAK_RSS = new Metric("peak_rss_bytes", "peak RSS", "GiB", 1.0 / (1L << 30));

    private GenerationMetrics() {}
}
