package ai.ominix.models.sala;

import ai.ominix.engine.ChatEngine.Message;
import ai.ominix.tokenizer.Tokenizer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The prompts the golden files cover (issue 7 item 4): chat prompts rendered and tokenized as the
 * engine does, random-token prompts around {@code dense_len} (512 in the tiny config), and a
 * repetitive prompt whose layer-0 compressed keys tie exactly.
 *
 * @param calls sizes of the forward calls over the prompt (one call = prefill at once)
 */
record SalaGoldenCases(String name, int[] prompt, int[] calls, int maxNewTokens) {

    static List<SalaGoldenCases> full(Tokenizer tok, TinySala.Written w) {
        List<SalaGoldenCases> out = new ArrayList<>();
        int[] hello = chat(tok, List.of(new Message("user", "Hello world, what is the weather like today?")));
        out.add(atOnce("short", hello, 16));
        out.add(new SalaGoldenCases("short_token_by_token", hello, ones(hello.length), 16));
        out.add(atOnce("multi_turn", chat(tok, List.of(new Message("system", "You are a helpful assistant."),
                new Message("user", "Can you tell me the time?"),
                new Message("assistant", "It's half past three in the afternoon."),
                new Message("user", "Thank you very much for your help!"))), 16));
        out.add(atOnce("cross_dense_len", random(w, 505, 1), 16));          // decode crosses N = 512 at its 7th call
        int[] long600 = random(w, 607, 2);
        out.add(atOnce("sparse_600", long600, 8));
        int[] split = new int[1 + long600.length - 512];
        split[0] = 512;                                                      // sparse from the first call on
        for (int i = 1; i < split.length; i++) split[i] = 1;
        out.add(new SalaGoldenCases("sparse_600_then_decode", long600, split, 8));
        out.add(atOnce("repetitive_ties", repetitive(w, 700, 48, 3), 8));
        return out;
    }

    /** The cases of the other weight formats: one chat prompt and one that crosses into the sparse regime. */
    static List<SalaGoldenCases> small(Tokenizer tok, TinySala.Written w) {
        return full(tok, w).stream().filter(c -> c.name.equals("short") || c.name.equals("cross_dense_len")).toList();
    }

    static int[] chat(Tokenizer tok, List<Message> messages) {
        return tok.encodeWithSpecial(SalaChatTemplate.render(messages, false));
    }

    /** BOS then uniformly random ordinary tokens (no special or EOS ids). */
    static int[] random(TinySala.Written w, int length, long seed) {
        Random r = new Random(seed);
        int[] ids = new int[length];
        ids[0] = w.bos();
        for (int i = 1; i < length; i++) ids[i] = 3 + r.nextInt(w.imEnd() - 3);
        return ids;
    }

    /**
     * BOS then a random pattern repeated. A period of 48 = 3 windows of stride 16 makes every block's
     * pooled windows equal in layer 0 (no positional signal there) while blocks of 64 tokens still
     * hold different tokens, so the tie rule decides which ones are attended.
     */
    static int[] repetitive(TinySala.Written w, int length, int period, long seed) {
        int[] pattern = random(w, period + 1, seed);
        int[] ids = new int[length];
        ids[0] = w.bos();
        for (int i = 1; i < length; i++) ids[i] = pattern[1 + (i - 1) % period];
        return ids;
    }

    private static SalaGoldenCases atOnce(String name, int[] prompt, int maxNew) {
        return new SalaGoldenCases(name, prompt, new int[] {prompt.length}, maxNew);
    }

    private static int[] ones(int n) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    static ObjectNode toJson(List<SalaGoldenCases> cases) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        ArrayNode list = root.putArray("cases");
        for (SalaGoldenCases c : cases) {
            ObjectNode n = list.addObject();
            n.put("name", c.name);
            ArrayNode p = n.putArray("prompt");
            for (int id : c.prompt) p.add(id);
            ArrayNode calls = n.putArray("calls");
            for (int s : c.calls) calls.add(s);
            n.put("max_new_tokens", c.maxNewTokens);
        }
        return root;
    }

    static List<Integer> boxed(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int x : a) l.add(x);
        return Collections.unmodifiableList(l);
    }
}
