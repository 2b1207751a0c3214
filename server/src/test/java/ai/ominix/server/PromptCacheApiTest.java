package ai.ominix.server;

import static ai.ominix.server.support.ChatServer.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.ominix.engine.Cancellation;
import ai.ominix.engine.ChatEngine;
import ai.ominix.server.support.ChatServer;
import ai.ominix.server.support.NodeClients;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The prompt cache seen from clients (official OpenAI Node SDK, Anthropic SDK): the later turns
 * of a conversation report the reused prompt tokens (chat {@code prompt_tokens_details.cached_tokens},
 * Responses {@code input_tokens_details.cached_tokens}, Messages {@code cache_read_input_tokens})
 * and answer exactly what an engine without a cache answers.
 */
class PromptCacheApiTest {
    static final String CHAT = ChatServer.CHAT;

    @TempDir
    static Path root;
    static ChatServer cs;

    @BeforeAll
    static void start() throws Exception {
        cs = ChatServer.start(root, null, null, 64L << 20);
    }

    @AfterAll
    static void stop() {
        if (cs != null) cs.close();
    }

    static String words(int n, long seed) {
        String[] w = "a long system prompt that every turn of the conversation shares and the cache keeps".split(" ");
        Random r = new Random(seed);
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < n; i++) s.append(i == 0 ? "" : " ").append(w[r.nextInt(w.length)]);
        return s.toString();
    }

    static String coldAnswer(List<Map<String, String>> messages, int maxTokens) {
        List<ChatEngine.Message> m = new ArrayList<>();
        for (Map<String, String> x : messages) m.add(new ChatEngine.Message(x.get("role"), x.get("content")));
        return cs.reference().generate(new ChatEngine.Request(m, 0, 1, maxTokens, List.of(), null, true), Cancellation.none(), null).text();
    }


    /** One client's conversation through the Node SDK: each turn's answer and its cached tokens. */
    static List<String[]> conversation(String base, String system, long seed, int turns) throws Exception {
        List<Map<String, String>> messages = new ArrayList<>(List.of(Map.of("role", "system", "content", system),
                Map.of("role", "user", "content", words(30, seed))));
        List<String[]> out = new ArrayList<>();
        for (int turn = 1; turn <= turns; turn++) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("model", CHAT);
            p.put("messages", List.copyOf(messages));
            p.put("max_tokens", 8);
            p.put("temperature", 0);
            p.put("reasoning_effort", "none");
            JsonNode v = value(NodeClients.run("openai-driver.mjs", base, null, List.of(NodeClients.call("chat", p))).get(0));
            String text = v.at("/choices/0/message/content").asText();
            out.add(new String[] {text, v.at("/usage/prompt_tokens_details/cached_tokens").asText(), TestServerJson.write(messages)});
            messages.add(Map.of("role", "assistant", "content", text));
            messages.add(Map.of("role", "user", "content", words(20, seed * 100 + turn)));
        }
        return out;
    }

    @Test
    void eightClientsAtOnceGetTheirSingleClientAnswers() throws Exception {
        String base = cs.base();
        String system = words(200, 77);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<List<String[]>>> clients = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                long seed = 1000 + c;
                clients.add(pool.submit(() -> conversation(base, system, seed, 3)));
            }
            int reused = 0;
            for (var f : clients) {
                for (String[] turn : f.get(5, java.util.concurrent.TimeUnit.MINUTES)) {
                    List<Map<String, String>> messages = TestServerJson.read(turn[2]);
                    assertEquals(coldAnswer(messages, 8), turn[0], "every answer is the client's own, as if alone");
                    if (Integer.parseInt(turn[1]) > 0) reused++;
                }
            }
            assertTrue(reused >= 16, "turns 2 and 3 of every client (and some first turns: the shared system prompt) reuse: " + reused);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Messages as JSON between the client threads and the checks. */
    static final class TestServerJson {
        static String write(List<Map<String, String>> m) throws Exception {
            return ai.ominix.server.support.TestServer.JSON.writeValueAsString(m);
        }

        static List<Map<String, String>> read(String s) throws Exception {
            return ai.ominix.server.support.TestServer.JSON.readValue(s,
                    new com.fasterxml.jackson.core.type.TypeReference<List<Map<String, String>>>() {});
        }
    }

    @Test
    void laterTurnsReportReuseAndAnswerAsACold() throws Exception {
        String system = words(260, 1);
        List<Map<String, String>> messages = new ArrayList<>(List.of(Map.of("role", "system", "content", system),
                Map.of("role", "user", "content", words(30, 2))));
        String base = cs.base();
        for (int turn = 1; turn <= 3; turn++) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("model", CHAT);
            p.put("messages", messages);
            p.put("max_tokens", 8);
            p.put("temperature", 0);
            p.put("reasoning_effort", "none");
            JsonNode v = value(NodeClients.run("openai-driver.mjs", base, null, List.of(NodeClients.call("chat", p))).get(0));
            String text = v.at("/choices/0/message/content").asText();
            assertEquals(coldAnswer(messages, 8), text, "turn " + turn);
            int cached = v.at("/usage/prompt_tokens_details/cached_tokens").asInt();
            if (turn == 1) assertEquals(0, cached);
            else assertTrue(cached >= 256, "turn " + turn + " reused " + cached + " of " + v.at("/usage/prompt_tokens").asInt());
            messages.add(Map.of("role", "assistant", "content", text));
            messages.add(Map.of("role", "user", "content", words(20, 10 + turn)));
        }
        // The Responses API continues from its stored conversation; Anthropic reports cache reads apart.
        Map<String, Object> r1 = new LinkedHashMap<>(Map.of("model", CHAT, "instructions", system, "input", words(30, 2),
                "max_output_tokens", 8, "temperature", 0, "reasoning", Map.of("effort", "none")));
        JsonNode first = value(NodeClients.run("openai-driver.mjs", base, null, List.of(NodeClients.call("responses", r1))).get(0));
        Map<String, Object> r2 = new LinkedHashMap<>(r1);
        r2.put("input", words(20, 11));
        r2.put("previous_response_id", first.path("id").asText());
        JsonNode second = value(NodeClients.run("openai-driver.mjs", base, null, List.of(NodeClients.call("responses", r2))).get(0));
        assertTrue(second.at("/usage/input_tokens_details/cached_tokens").asInt() >= 256, second.path("usage").toString());
        Map<String, Object> m = new LinkedHashMap<>(Map.of("model", CHAT, "max_tokens", 8, "system", system,
                "messages", List.of(Map.of("role", "user", "content", words(30, 2)))));
        JsonNode msg = value(NodeClients.run("anthropic-driver.mjs", base, null, List.of(NodeClients.call("messages", m))).get(0));
        int read = msg.at("/usage/cache_read_input_tokens").asInt();
        assertTrue(read >= 256, msg.path("usage").toString());
        assertTrue(msg.at("/usage/input_tokens").asInt() > 0);
    }
}
