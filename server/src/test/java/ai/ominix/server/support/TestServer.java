package ai.ominix.server.support;

import ai.ominix.engine.ModelLoadException;
import ai.ominix.kernel.Backend;
import ai.ominix.server.OminixEnv;
import ai.ominix.server.OminixServer;
import ai.ominix.server.ServerOptions;
import ai.ominix.server.engine.EngineLoaders;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Proxy;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real server on a random port with fake engines behind the real loader path: the model
 * directories are written with a config.json whose model_type selects the (fake) loader.
 */
public final class TestServer implements AutoCloseable {
    public static final ObjectMapper JSON = new ObjectMapper();

    public final Path root;
    public final Path home;
    public final Path modelsDir;
    public final Path userHome;
    public final FakeAsrEngine asr;
    public final FakeChatEngine chat;
    /** The fake engine of each model directory loaded so far (the two above for the configured names). */
    public final Map<String, FakeAsrEngine> asrs = new java.util.concurrent.ConcurrentHashMap<>();
    public final Map<String, FakeChatEngine> chats = new java.util.concurrent.ConcurrentHashMap<>();
    /** Model directory names whose load fails (with this message), and per-name gates a load waits on. */
    public final Map<String, String> failLoads = new java.util.concurrent.ConcurrentHashMap<>();
    public final Map<String, CountDownLatch> loadGates = new java.util.concurrent.ConcurrentHashMap<>();
    /** Loads per model directory name. */
    public final Map<String, java.util.concurrent.atomic.AtomicInteger> loads = new java.util.concurrent.ConcurrentHashMap<>();
    public final OminixServer server;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(Builder b) throws IOException {
        root = b.root;
        home = root.resolve("ominix-home");
        modelsDir = home.resolve("models");
        userHome = root.resolve("user");
        asr = new FakeAsrEngine(b.asrName);
        chat = new FakeChatEngine(b.chatName);
        asrs.put(b.asrName, asr);
        chats.put(b.chatName, chat);
        Files.createDirectories(userHome);
        if (b.withAsr) writeModel(modelsDir.resolve(b.asrName), "qwen3_asr", true);
        if (b.withChat) writeModel(modelsDir.resolve(b.chatName), b.chatModelType, false);
        Map<String, String> env = new HashMap<>(b.env);
        env.put("OMINIX_HOME", home.toString());
        env.putIfAbsent("HF_HOME", root.resolve("hf").toString());
        env.putIfAbsent("HF_ENDPOINT", "http://127.0.0.1:9"); // nothing listens there
        OminixEnv oenv = new OminixEnv(env, userHome);
        CountDownLatch gate = b.loadGate;
        EngineLoaders loaders = EngineLoaders.builder()
                .asr("qwen3_asr", (dir, backend) -> {
                    await(gate);
                    String name = loaded(dir);
                    return asrs.computeIfAbsent(name, FakeAsrEngine::new);
                })
                .chat("minicpm_sala", (dir, backend) -> {
                    await(gate);
                    String name = loaded(dir);
                    return chats.computeIfAbsent(name, FakeChatEngine::new);
                })
                .build();
        ServerOptions opt = ServerOptions.defaults(oenv).withPort(0)
                .withModels(b.asrSpec != null ? b.asrSpec : b.withAsr ? b.asrName : null, b.withChat ? b.chatName : null)
                .withLimits(b.uploadMb, b.queue)
                .withAllowFilePaths(b.allowFilePaths)
                .withSecurity(b.apiKey, b.corsOrigins)
                .withRegistry(new ServerOptions.Registry(b.maxMemory, b.maxLoaded, b.keepAlive, b.loadWait));
        server = OminixServer.start(opt, oenv, new OminixServer.Parts(loaders, kind -> fakeBackend(), TestAudio::decode), null);
    }

    private String loaded(Path dir) {
        String name = dir.getFileName().toString();
        loads.computeIfAbsent(name, k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
        CountDownLatch gate = loadGates.get(name);
        if (gate != null) await(gate);
        String failure = failLoads.get(name);
        if (failure != null) throw new ModelLoadException(failure);
        return name;
    }

    public static Builder builder(Path root) {
        return new Builder(root);
    }

    public static void writeModel(Path dir, String modelType, boolean quantized) {
        try {
            Files.createDirectories(dir);
            String q = quantized ? ", \"quantization\": {\"group_size\": 64, \"bits\": 8}" : "";
            Files.writeString(dir.resolve("config.json"), "{\"model_type\": \"" + modelType + "\"" + q + "}");
            Files.write(dir.resolve("model.safetensors"), new byte[1234]);
            Files.writeString(dir.resolve("tokenizer.json"), "{}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void await(CountDownLatch gate) {
        try {
            if (!gate.await(30, TimeUnit.SECONDS)) throw new ModelLoadException("test load gate timed out");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A backend that only has a name: the fake engines never compute. */
    public static Backend fakeBackend() {
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "name" -> "test-backend";
                    case "close" -> null;
                    case "toString" -> "test-backend";
                    case "hashCode" -> 1;
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    public void awaitReady() throws InterruptedException {
        server.registry().awaitLoaded();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The {@code /health} entry of a model, or a missing node. */
    public JsonNode healthOf(String id) throws IOException, InterruptedException {
        for (JsonNode m : json(get("/health")).path("models")) if (m.path("id").asText().equals(id)) return m;
        return JSON.missingNode();
    }

    /** The {@code /v1/models} entry of a model, or a missing node. */
    public JsonNode listed(String id) throws IOException, InterruptedException {
        for (JsonNode m : json(get("/v1/models")).path("data")) if (m.path("id").asText().equals(id)) return m;
        return JSON.missingNode();
    }

    public HttpResponse<String> delete(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> post(String path, String contentType, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) b.header("Content-Type", contentType);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Sends a JSON POST over a plain socket and returns it open, for tests that leave in the middle
     * of a request (java.net.http gives no control over when the connection closes).
     */
    public Socket rawPostJson(String path, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Socket sock = new Socket("127.0.0.1", server.port());
        sock.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        sock.getOutputStream().write(body);
        sock.getOutputStream().flush();
        return sock;
    }

    public HttpResponse<String> postJson(String path, String json) throws IOException, InterruptedException {
        return post(path, "application/json", json.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static JsonNode json(HttpResponse<String> res) throws IOException {
        return JSON.readTree(res.body());
    }

    /** Files left in the upload folder (must be none after every request). */
    public List<Path> leftoverUploads() throws IOException {
        try (Stream<Path> s = Files.list(server.uploads().dir())) {
            return s.toList();
        }
    }

    @Override
    public void close() {
        server.close();
    }

    public static final class Builder {
        private final Path root;
        private boolean withAsr = true;
        private boolean withChat = true;
        private String chatModelType = "minicpm_sala";
        private String asrName = "tiny-asr";
        private String chatName = "tiny-chat";
        private String asrSpec;
        private long uploadMb = 1024;
        private int queue = 8;
        private List<Path> allowFilePaths;
        private String apiKey;
        private List<String> corsOrigins = List.of();
        private CountDownLatch loadGate = new CountDownLatch(0);
        private long maxMemory = 1L << 40;
        private int maxLoaded;
        private ai.ominix.server.engine.KeepAlive keepAlive = ai.ominix.server.engine.KeepAlive.NEVER;
        private Duration loadWait = Duration.ofSeconds(10);
        private final Map<String, String> env = new HashMap<>();

        Builder(Path root) {
            this.root = root;
        }

        public Builder models(boolean asr, boolean chat) {
            withAsr = asr;
            withChat = chat;
            return this;
        }

        /** The directory names (model ids) of the two models in the models dir. */
        public Builder modelNames(String asr, String chat) {
            asrName = asr;
            chatName = chat;
            return this;
        }

        /** The model_type written into the chat model's config.json. */
        public Builder chatModelType(String type) {
            chatModelType = type;
            return this;
        }

        /** What --asr-model names (default: the tiny-asr directory written by the harness). */
        public Builder asrSpec(String spec) {
            asrSpec = spec;
            return this;
        }

        public Builder uploadMb(long mb) {
            uploadMb = mb;
            return this;
        }

        public Builder queue(int n) {
            queue = n;
            return this;
        }

        public Builder allowFilePaths(List<Path> dirs) {
            allowFilePaths = dirs;
            return this;
        }

        public Builder apiKey(String key) {
            apiKey = key;
            return this;
        }

        public Builder cors(List<String> origins) {
            corsOrigins = origins;
            return this;
        }

        public Builder loadGate(CountDownLatch gate) {
            loadGate = gate;
            return this;
        }

        /** --max-memory in bytes (default 1 TiB: no eviction unless a test asks for it). */
        public Builder maxMemory(long bytes) {
            maxMemory = bytes;
            return this;
        }

        public Builder maxLoadedModels(int n) {
            maxLoaded = n;
            return this;
        }

        /** --keep-alive (default: never, so that tests see no unload they did not ask for). */
        public Builder keepAlive(String spec) {
            keepAlive = ai.ominix.server.engine.KeepAlive.parse(spec, "keep-alive");
            return this;
        }

        /** How long a request waits for its model to load (default 10 s; 0 answers 503 at once while loading). */
        public Builder loadWait(Duration d) {
            loadWait = d;
            return this;
        }

        public Builder env(String k, String v) {
            env.put(k, v);
            return this;
        }

        public TestServer start() throws IOException {
            return new TestServer(this);
        }
    }
}
