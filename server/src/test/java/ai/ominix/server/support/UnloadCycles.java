package ai.ominix.server.support;

import ai.ominix.engine.AsrEngine;
import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.kernel.Backends;
import ai.ominix.models.qwen3asr.TestClips;
import ai.ominix.server.engine.EngineLoaders;
import ai.ominix.server.engine.KeepAlive;
import ai.ominix.server.engine.ModelRegistry;
import ai.ominix.server.hub.Downloads;
import ai.ominix.server.hub.HubClient;
import ai.ominix.server.store.ModelMetadata;
import ai.ominix.server.store.ModelStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * Loads, uses and unloads an ASR and a chat model through the registry, cycle after cycle, in a
 * JVM of its own (a fixed, pre-touched heap, so that resident memory moves only with native
 * memory), and prints after each unload the process's resident memory and how many open files
 * and memory mappings still point into the models directory.
 *   UnloadCycles BACKEND MODELS_DIR ASR_ID CHAT_ID CYCLES
 */
public final class UnloadCycles {
    public static void main(String[] args) throws Exception {
        String backend = args[0];
        Path modelsDir = Path.of(args[1]).toRealPath();
        String asrId = args[2];
        String chatId = args[3];
        int cycles = Integer.parseInt(args[4]);
        ModelStore store = new ModelStore(modelsDir, modelsDir.resolve("no-hub-cache"), new ModelMetadata(modelsDir.resolve("none.json")));
        Downloads downloads = new Downloads(new HubClient("http://127.0.0.1:9", null), store);
        ModelRegistry registry = new ModelRegistry(EngineLoaders.standard(), kind -> Backends.open(kind, 2), backend,
                new ModelRegistry.Limits(4, 1L << 40, 0, KeepAlive.NEVER, Duration.ofMinutes(2)), store, downloads);
        registry.openBackend();
        float[] audio = TestClips.samples(TestClips.Clip.SHORT);
        var request = new ChatEngine.Request(List.of(new ChatEngine.Message("user", "Tell me a story.")), 0, 1, 8, List.of(), null, false);
        for (int c = 1; c <= cycles; c++) {
            try (ModelRegistry.Lease<AsrEngine> asr = registry.asr(asrId, null)) {
                asr.worker().submit(Cancellation.none(), () -> { },
                        () -> asr.engine().transcribe(audio, AsrEngine.Options.defaults(), Cancellation.none(), null)).get();
                if (c == 1) System.out.printf("loaded open_files=%d mappings=%d%n", openFiles(modelsDir), mappings(modelsDir));
            }
            try (ModelRegistry.Lease<ChatEngine> chat = registry.chat(chatId, null)) {
                chat.worker().submit(Cancellation.none(), () -> { },
                        () -> chat.engine().generate(request, Cancellation.none(), null)).get();
            }
            registry.unload(asrId);
            registry.unload(chatId);
            System.gc();
            System.out.printf("cycle %d rss_kib=%d open_files=%d mappings=%d%n", c, rssKib(), openFiles(modelsDir),
                    mappings(modelsDir));
        }
        registry.close();
        downloads.close();
    }

    private static long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
        return -1;
    }

    /** Open file descriptors whose target lies in {@code dir}. */
    private static long openFiles(Path dir) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith(dir.toString());
                } catch (IOException e) {
                    return false; // closed meanwhile
                }
            }).count();
        }
    }

    /** Memory mappings of files in {@code dir} (a mapped file keeps its disk space after deletion). */
    private static long mappings(Path dir) throws IOException {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.filter(l -> l.contains(dir.toString())).count();
        }
    }
}
