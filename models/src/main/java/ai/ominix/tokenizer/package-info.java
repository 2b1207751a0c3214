/**
 * Tokenizers of the served models, in pure Java, token-identical to Hugging Face {@code tokenizers}
 * (checked against transformers.js goldens on a multilingual corpus). Decoding matches too, except
 * for SentencePiece byte runs that mix valid characters with invalid bytes ({@link
 * ai.ominix.tokenizer.ByteRun}: the characters are kept, so that they can stream at once).
 *
 * <pre>{@code
 * Tokenizer tok = Tokenizers.load(modelDir);        // tokenizer.json, or vocab.json + merges.txt
 * int[] prompt = tok.encodeWithSpecial(rendered);   // MiniCPM: <s> first; Qwen: nothing added
 * int[] plain = tok.encode("<|im_start|>user\n");   // added tokens matched literally, no BOS
 * StreamDecoder out = tok.streamDecoder(true);      // skip special tokens
 * for (int id : generated) sink.accept(out.push(id)); // only complete characters
 * sink.accept(out.flush());
 * }</pre>
 *
 * <p>{@link ai.ominix.tokenizer.ByteLevelBpeTokenizer} serves Qwen3-ASR (qwen3-asr.md §8.5),
 * {@link ai.ominix.tokenizer.SentencePieceBpeTokenizer} MiniCPM-SALA (minicpm-sala.md §6); both share
 * one BPE merge core. {@link ai.ominix.tokenizer.TinyTokenizerFiles} writes small tokenizers in the
 * same on-disk formats for tiny test checkpoints and benchmark weights.
 */
package ai.ominix.tokenizer;
