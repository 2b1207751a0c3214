"""Generates the Qwen3-ASR golden files from the independent reference.

usage: /usr/bin/python3 qwen3asr_goldens.py EXPORT_DIR GOLDEN_DIR

EXPORT_DIR is what the Java GoldenExport wrote (tiny checkpoints, WAV clips, manifest.json).
Normally run through regenerate_qwen3asr_goldens.sh. Writes, in float32 from a float64 run:
  audio-<clip>.safetensors      mel (selected frames), encoder output
  <variant>-<case>.safetensors  prompt ids, first-step logits, first 32 greedy tokens, margins
with the checkpoint / clip hashes and case parameters in the metadata.
"""

import json
import os
import sys
import wave

import numpy as np
import torch

import qwen3asr_reference as ref

GREEDY_TOKENS = 32
# the long clip's mel is stored at every 7th frame to keep the files small
MEL_STRIDE_LONG = 7
MIN_MARGIN = 1e-2


def read_wav(path):
    with wave.open(path, "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2 and w.getframerate() == 16000
        pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2")
    return pcm.astype(np.float64) / 32768.0


def main(export_dir, golden_dir):
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    with open(os.path.join(export_dir, "manifest.json")) as f:
        manifest = json.load(f)
    os.makedirs(golden_dir, exist_ok=True)
    clips = {name: read_wav(os.path.join(export_dir, "clips", name)) for name in manifest["clips"]}
    encoded = {}
    low_margin = []
    for variant, ckpt_hash in manifest["variants"].items():
        model_dir = os.path.join(export_dir, variant)
        W = ref.Weights(model_dir, torch.float64)
        tok = ref.Tokenizer(model_dir)
        stop = {tok.token_id("<|im_end|>"), tok.token_id("<|endoftext|>")}
        for clip, samples in clips.items():
            mel = ref.log_mel(samples)
            with torch.no_grad():
                enc = ref.encode_audio(W, mel)
            if clip in encoded:
                # every variant holds the same audio tower
                assert torch.equal(encoded[clip][1], enc), "audio towers differ between variants"
                continue
            encoded[clip] = (mel, enc)
            stride = MEL_STRIDE_LONG if mel.shape[1] > 200 else 1
            frames = np.arange(0, mel.shape[1], stride, dtype=np.int32)
            ref.write_safetensors(os.path.join(golden_dir, "audio-%s.safetensors" % clip[:-4]), {
                "mel": mel[:, frames].astype(np.float32),
                "mel_frames": frames,
                "encoder": enc.numpy().astype(np.float32),
            }, {"clip_sha256": manifest["clips"][clip], "checkpoint_sha256": ckpt_hash, "frames": mel.shape[1]})
        for case in manifest["cases"]:
            mel, enc = encoded[case["clip"]]
            lang, ctx = case.get("language"), case.get("context")
            with torch.no_grad():
                dec, ids, logits = ref.prefill(W, tok, enc, ctx or "", lang)
                tokens, margins = ref.greedy(dec, logits, stop, GREEDY_TOKENS)
            raw = tok.decode(tokens)
            language, text = ref.parse_asr_output(raw, lang)
            if min(margins) < MIN_MARGIN:
                low_margin.append("%s/%s: %.3g" % (variant, case["name"], min(margins)))
            ref.write_safetensors(os.path.join(golden_dir, "%s-%s.safetensors" % (variant, case["name"])), {
                "prompt": np.array(ids, dtype=np.int32),
                "logits": logits.numpy().astype(np.float32),
                "tokens": np.array(tokens, dtype=np.int32),
                "margins": np.array(margins, dtype=np.float32),
            }, {"checkpoint_sha256": ckpt_hash, "clip_sha256": manifest["clips"][case["clip"]],
                "clip": case["clip"], "language": lang or "", "context": ctx or "",
                "raw": raw, "parsed_language": language, "parsed_text": text})
            print("%-5s %-7s prompt %4d tokens %2d min margin %.3f  %r"
                  % (variant, case["name"], len(ids), len(tokens), min(margins), raw[:60]))
    if low_margin:
        sys.exit("top-1 margins too small for a stable greedy comparison (choose another seed): " + ", ".join(low_margin))


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
