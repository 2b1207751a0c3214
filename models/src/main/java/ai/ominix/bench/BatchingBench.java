package ai.ominix.bench;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.engine.ChatEngine.Request;
import ai.ominix.engine.ChatEngine.Result;
import ai.ominix.kernel.Backend;
import ai.ominix.kernel.Backends;
import ai.ominix.models.sala.SalaChatEngine;
import ai.ominix.models.sala.SalaConfig;
import ai.ominix.tokenizer.Tokenizer;
import ai.ominix.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Continuous batching, in one process on one engine: each client's request alone (one after the
 * other), then all of them at once; aggregate decode throughput while all clients decode against
 * one client's, per-client time between tokens (p50/p99), and every concurrent answer checked
 * against its run alone (text, token count, every logprob bit for bit). EOS is banned by a logit
 * bias so that random weights decode exactly {@code --new-tokens}.
 *   BatchingBench --model DIR [--clients 4] [--prompt-words 24] [--new-tokens 32] [--prefill-chunk 256]
 *                 [--backend cpu] [--threads T]
 */
public final class BatchingBench {
    private BatchingBench() {}

    /** One request's answer and the time each of its tokens arrived (ns). */
    private record Run(Result result, long[] arrivals) {
        double decodeRate() {
            int n = arrivals.length;
            return n < 2 ? 0 : (n - 1) / ((arrivals[n - 1] - arrivals[0]) / 1e9);
        }
    }

    private static Run run(ChatEngine engine, Request request) {
        List<Long> times = new ArrayList<>();
        Result r = engine.generate(request, Cancellation.none(), new ChatEngine.TextSink() {
            @Override
            public void accept(String piece) {}

            @Override
            public void logprob(ChatEngine.TokenLogprob t) {
                synchronized (times) {
                    times.add(System.nanoTime());
                }
            }
        });
        return new Run(r, times.stream().mapToLong(Long::longValue).toArray());
    }

    public static void main(String[] args) throws Exception {
        Path model = null;
        int clients = 4, promptWords = 24, newTokens = 32, chunk = SalaChatEngine.Options.DEFAULT_PREFILL_CHUNK;
        int threads = Runtime.getRuntime().availableProcessors();
        String kind = "cpu";
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--model" -> model = Path.of(v);
                case "--clients" -> clients = Integer.parseInt(v);
                case "--prompt-words" -> promptWords = Integer.parseInt(v);
                case "--new-tokens" -> newTokens = Integer.parseInt(v);
                case "--prefill-chunk" -> chunk = Integer.parseInt(v);
                case "--backend" -> kind = v;
                case "--threads" -> threads = Integer.parseInt(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (model == null) throw new IllegalArgumentException("--model DIR is required");
        Map<Integer, Double> noEos = visibleTokensOnly(model);
        System.err.printf(Locale.ROOT, "%d token ids banned (EOS, and ids that stream no text at once)%n", noEos.size());
        List<Request> requests = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            requests.add(new Request(List.of(new Message("user", PromptCacheBench.words(promptWords, 40 + i))), i % 2 == 0 ? 0 : 0.8, 1, newTokens,
                    List.of(), 7L + i, true, new ChatEngine.Sampling(0, 0, 0, 0, 1, noEos, 1), null));
        }
        SalaChatEngine.Options options = new SalaChatEngine.Options(32768, 0).withParallel(clients, chunk);
        try (Backend backend = Backends.open(kind, threads); SalaChatEngine engine = SalaChatEngine.load(model, backend, options)) {
            run(engine, new Request(List.of(new Message("user", "warm up")), 0, 1, 4, List.of(), 1L, true,
                    new ChatEngine.Sampling(0, 0, 0, 0, 1, noEos, 1), null));
            List<Run> alone = new ArrayList<>();
            for (Request r : requests) {
                alone.add(run(engine, r));
                System.err.printf(Locale.ROOT, "alone %d: %d tokens, %.3f tok/s%n", alone.size(), alone.getLast().arrivals().length,
                        alone.getLast().decodeRate());
            }
            List<Run> together = new ArrayList<>();
            try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
                List<Future<Run>> futures = new ArrayList<>();
                for (Request r : requests) futures.add(pool.submit(() -> run(engine, r)));
                for (Future<Run> f : futures) together.add(f.get());
            }
            report(alone, together, clients, threads, model);
        }
    }

    /**
     * A logit bias that leaves only tokens whose text streams at once: random weights would
     * otherwise pick ids that decode to nothing (unused or special ids), to half a UTF-8 character
     * or to a {@code <} the think-block splitter holds back, and the client would see no token times.
     * EOS is banned with them, so every answer is exactly {@code --new-tokens} long.
     */
    private static Map<Integer, Double> visibleTokensOnly(Path model) {
        Tokenizer tokenizer = Tokenizers.load(model);
        Map<Integer, Double> bias = new HashMap<>();
        for (int id = 0; id < SalaConfig.load(model).vocabSize(); id++) {
            String text = id < tokenizer.vocabSize() ? tokenizer.decode(new int[] {id}, true) : "";
            if (text.isEmpty() || text.indexOf('\uFFFD') >= 0 || text.indexOf('<') >= 0) bias.put(id, -1e4);
        }
        for (int id : SalaConfig.load(model).eosTokenIds()) bias.put(id, -1e4);
        int imEnd = tokenizer.tokenId("<|im_end|>");
        if (imEnd >= 0) bias.put(imEnd, -1e4);
        return bias;
    }

    private static void report(List<Run> alone, List<Run> together, int clients, int threads, Path model) {
        for (int i = 0; i < alone.size(); i++) {
            Result a = alone.get(i).result(), b = together.get(i).result();
            boolean same = a.text().equals(b.text()) && a.completionTokens() == b.completionTokens()
                    && a.logprobs().size() == b.logprobs().size();
            for (int t = 0; same && t < a.logprobs().size(); t++) same = a.logprobs().get(t).logprob() == b.logprobs().get(t).logprob();
            if (!same) throw new IllegalStateException("client " + i + ": the concurrent answer differs from its run alone");
        }
        double single = alone.stream().mapToDouble(Run::decodeRate).average().orElse(0);
        // the window in which every client decodes: from the last one's first token to the first one's last token
        long from = together.stream().mapToLong(r -> r.arrivals()[0]).max().orElseThrow();
        long to = together.stream().mapToLong(r -> r.arrivals()[r.arrivals().length - 1]).min().orElseThrow();
        long tokens = 0;
        List<Double> gapsTogether = new ArrayList<>(), gapsAlone = new ArrayList<>();
        for (Run r : together) {
            long[] t = r.arrivals();
            for (int k = 0; k < t.length; k++) {
                if (t[k] > from && t[k] <= to) tokens++;
                if (k > 0 && t[k - 1] >= from && t[k] <= to) gapsTogether.add((t[k] - t[k - 1]) / 1e6);
            }
        }
        for (Run r : alone) {
            long[] t = r.arrivals();
            for (int k = 1; k < t.length; k++) gapsAlone.add((t[k] - t[k - 1]) / 1e6);
        }
        double aggregate = tokens / ((to - from) / 1e9);
        System.out.printf(Locale.ROOT, "model %s, %d clients, %d threads%n", model.getFileName(), clients, threads);
        System.out.printf(Locale.ROOT, "one client alone: %.3f tok/s (mean of %d runs); time between tokens p50 %.0f ms, p99 %.0f ms%n",
                single, alone.size(), percentile(gapsAlone, 50), percentile(gapsAlone, 99));
        System.out.printf(Locale.ROOT, "%d clients at once: %.3f tok/s aggregate over %.1f s in which all decode = %.2fx one client;"
                        + " per client time between tokens p50 %.0f ms, p99 %.0f ms%n",
                clients, aggregate, (to - from) / 1e9, aggregate / single, percentile(gapsTogether, 50), percentile(gapsTogether, 99));
        System.out.println("every concurrent answer equals its run alone (text, tokens, logprobs bit for bit)");
    }

    private static double percentile(List<Double> xs, double p) {
        if (xs.isEmpty()) return Double.NaN;
        double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return s[(int) Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)];
    }
}
