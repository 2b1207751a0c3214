package ai.ominix.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What both BPE tokenizer kinds share: the vocabulary and merges, added tokens (split off first,
 * in the raw text for {@code normalized: false} tokens and in the normalised text for the
 * others, as {@code tokenizers} does), the normaliser, special-token ids and BOS/EOS insertion.
 * A subclass supplies pre-tokenisation, initial symbols and decoding.
 */
public abstract sealed class BpeTokenizer implements Tokenizer permits ByteLevelBpeTokenizer, SentencePieceBpeTokenizer {

    /**
     * Special-token roles and what {@link #encodeWithSpecial} adds.
     *
     * @param bos     BOS id or -1 (likewise eos, pad, unk)
     * @param prefix  ids put before the text by {@code encodeWithSpecial}
     * @param suffix  ids put after it
     */
    record Specials(int bos, int eos, int pad, int unk, int[] prefix, int[] suffix, String chatTemplate) {}

    final BpeModel model;
    final TextNormalizer normalizer;
    private final Map<Integer, AddedToken> addedById = new HashMap<>();
    private final Map<String, Integer> addedIds = new HashMap<>();
    private final AddedTokenMatcher rawMatcher;
    private final AddedTokenMatcher normalizedMatcher;
    private final Specials specials;
    private final int vocabSize;

    BpeTokenizer(BpeModel model, List<AddedToken> added, TextNormalizer normalizer, Specials specials) {
        this.model = model;
        this.normalizer = normalizer;
        this.specials = specials;
        int maxId = model.size() - 1;
        List<AddedToken> raw = added.stream().filter(t -> !t.normalized()).toList();
        List<AddedToken> normalized = added.stream().filter(AddedToken::normalized).toList();
        for (AddedToken t : added) {
            addedById.put(t.id(), t);
            addedIds.putIfAbsent(t.content(), t.id());
            maxId = Math.max(maxId, t.id());
        }
        this.vocabSize = maxId + 1;
        rawMatcher = new AddedTokenMatcher(raw, raw.stream().map(AddedToken::content).toList());
        normalizedMatcher = new AddedTokenMatcher(normalized,
                normalized.stream().map(t -> normalizer.apply(t.content())).toList());
    }

    /** Encodes normalised text that contains no added token; {@code atStart}: it begins the input. */
    abstract void encodeNormalized(String text, boolean atStart, IntArray out);

    @Override
    public final int[] encode(String text) {
        IntArray out = new IntArray(text.length() / 3 + 4);
        encodeInto(text, out);
        return out.toArray();
    }

    @Override
    public final int[] encodeOrdinary(String text) {
        IntArray out = new IntArray(text.length() / 3 + 4);
        String normalized = normalizer.apply(text);
        if (!normalized.isEmpty()) encodeNormalized(normalized, true, out);
        return out.toArray();
    }

    @Override
    public final int[] encodeWithSpecial(String text) {
        IntArray out = new IntArray(text.length() / 3 + 4 + specials.prefix.length + specials.suffix.length);
        out.addAll(specials.prefix);
        encodeInto(text, out);
        out.addAll(specials.suffix);
        return out.toArray();
    }

    private void encodeInto(String text, IntArray out) {
        rawMatcher.split(text, new AddedTokenMatcher.Sink() {
            @Override
            public void text(String segment, int start) {
                encodeSegment(segment, start == 0, out);
            }

            @Override
            public void token(int id) {
                out.add(id);
            }
        });
    }

    private void encodeSegment(String segment, boolean atStart, IntArray out) {
        String normalized = normalizer.apply(segment);
        if (normalizedMatcher.isEmpty()) {
            if (!normalized.isEmpty()) encodeNormalized(normalized, atStart, out);
            return;
        }
        normalizedMatcher.split(normalized, new AddedTokenMatcher.Sink() {
            @Override
            public void text(String piece, int start) {
                encodeNormalized(piece, atStart && start == 0, out);
            }

            @Override
            public void token(int id) {
                out.add(id);
            }
        });
    }

    @Override
    public final String decode(int[] ids, boolean skipSpecialTokens) {
        StreamDecoder d = streamDecoder(skipSpecialTokens);
        StringBuilder sb = new StringBuilder();
        for (int id : ids) sb.append(d.push(id));
        return sb.append(d.flush()).toString();
    }

    /** The added token with this id, or null. */
    final AddedToken addedToken(int id) {
        return addedById.get(id);
    }

    /** All added tokens, in no particular order. */
    public final List<AddedToken> addedTokens() {
        return List.copyOf(addedById.values());
    }

    @Override
    public final int tokenId(String token) {
        Integer id = addedIds.get(token);
        return id != null ? id : model.id(token);
    }

    @Override
    public final String tokenString(int id) {
        AddedToken t = addedById.get(id);
        return t != null ? t.content() : model.token(id);
    }

    @Override
    public final boolean isSpecial(int id) {
        AddedToken t = addedById.get(id);
        return t != null && t.special();
    }

    @Override
    public final int vocabSize() {
        return vocabSize;
    }

    @Override
    public final OptionalInt bosId() {
        return optional(specials.bos);
    }

    @Override
    public final OptionalInt eosId() {
        return optional(specials.eos);
    }

    @Override
    public final OptionalInt padId() {
        return optional(specials.pad);
    }

    @Override
    public final OptionalInt unkId() {
        return optional(specials.unk);
    }

    @Override
    public final Optional<String> chatTemplate() {
        return Optional.ofNullable(specials.chatTemplate);
    }

    private static OptionalInt optional(int id) {
        return id >= 0 ? OptionalInt.of(id) : OptionalInt.empty();
    }
}
