"""Times the float32 PyTorch reference on a checkpoint, as the peer of the Java bench (ai.ominix.bench.AsrBench).

usage: /usr/bin/python3 qwen3asr_reference_bench.py MODEL_DIR WAV DECODE_TOKENS THREADS

Same work as the Java bench: log-mel, audio encoder, prefill of the whole prompt (in 512-token
chunks, logits for the last position only), then exactly DECODE_TOKENS greedy steps (stop tokens
ignored). Prints one JSON object: seconds per stage, prompt length, peak RSS.
"""

import json
import resource
import sys
import time
import wave

import numpy as np
import torch

import qwen3asr_reference as ref

PREFILL_CHUNK = 512


def peak_rss():
    """VmHWM of this process image (ru_maxrss would include the parent's peak: Linux keeps it across exec)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    return -1


def main(model_dir, wav_path, decode_tokens, threads):
    torch.set_num_threads(threads)
    t0 = time.perf_counter()
    W = ref.Weights(model_dir, torch.float32)
    tok = ref.Tokenizer(model_dir)
    load_s = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu0 = usage.ru_utime + usage.ru_stime
    with wave.open(wav_path, "rb") as w:
        samples = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64) / 32768.0
    with torch.no_grad():
        t = time.perf_counter()
        mel = ref.log_mel(samples).astype(np.float32)
        mel_s = time.perf_counter() - t
        t = time.perf_counter()
        audio = ref.encode_audio(W, mel)
        encoder_s = time.perf_counter() - t
        ids = ref.build_prompt(tok, audio.shape[0])
        t = time.perf_counter()
        dec = ref.Decoder(W)
        x = dec.embed[torch.tensor(ids)].clone()
        x[torch.tensor(ids) == W.config.audio_token_id] = audio
        for s in range(0, len(ids), PREFILL_CHUNK):
            hidden = dec.forward(x[s: s + PREFILL_CHUNK])
        token = int(torch.argmax(dec.logits(hidden)))
        prefill_s = time.perf_counter() - t
        t = time.perf_counter()
        for _ in range(decode_tokens):
            token = int(torch.argmax(dec.logits(dec.forward(dec.embed[token][None]))))
        decode_s = time.perf_counter() - t
    print(json.dumps({
        "load_s": load_s, "mel_s": mel_s, "encoder_s": encoder_s, "prefill_s": prefill_s,
        "prompt_tokens": len(ids), "decode_s": decode_s, "decode_tokens": decode_tokens,
        "peak_rss_bytes": peak_rss(),
        "cpu_s": sum(getattr(resource.getrusage(resource.RUSAGE_SELF), f) for f in ("ru_utime", "ru_stime")) - cpu0,
    }))


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
