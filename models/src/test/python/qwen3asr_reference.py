"""Independent reference implementation of Qwen3-ASR (PyTorch, float64 or float32).

Written from the model's published semantics (see /work/shared/docs/qwen3-asr.md and the
upstream modeling code it cites), not from the Java code it checks. It reads a checkpoint
directory in the mlx-community layout (or the original Hugging Face layout), parses
safetensors with numpy (no `safetensors` package), dequantizes MLX affine weights, and runs
log-mel -> audio encoder -> prompt splice -> Qwen3 decoder -> greedy decoding.

Run with Debian's interpreter: /usr/bin/python3 (python3-torch, python3-numpy).
"""

import json
import math
import os
import struct
import unicodedata

import numpy as np
import torch

# --------------------------------------------------------------------------- safetensors

_NP_DTYPES = {"F32": np.float32, "F16": np.float16, "U32": np.uint32, "I32": np.int32,
              "F64": np.float64, "I64": np.int64, "U8": np.uint8}


def read_safetensors(path):
    """Returns ({name: np.ndarray}, metadata). BF16 is widened exactly to float32."""
    with open(path, "rb") as f:
        raw = f.read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n].decode("utf-8"))
    meta = header.pop("__metadata__", {}) or {}
    base = 8 + n
    out = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        buf = raw[base + start: base + end]
        shape = info["shape"]
        if info["dtype"] == "BF16":
            bits = np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16
            arr = bits.view(np.float32)
        else:
            arr = np.frombuffer(buf, dtype=np.dtype(_NP_DTYPES[info["dtype"]]).newbyteorder("<"))
        out[name] = arr.reshape(shape)
    return out, meta


def write_safetensors(path, tensors, metadata=None):
    """Writes F32 / I32 numpy arrays (used for golden files)."""
    header = {}
    blobs = []
    offset = 0
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name])
        if a.dtype == np.float32:
            dt = "F32"
        elif a.dtype == np.int32:
            dt = "I32"
        else:
            raise ValueError("unsupported golden dtype %s for %s" % (a.dtype, name))
        b = a.astype(a.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": dt, "shape": list(a.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    if metadata:
        header["__metadata__"] = {k: str(v) for k, v in metadata.items()}
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def load_checkpoint_tensors(model_dir):
    index = os.path.join(model_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = sorted(p for p in os.listdir(model_dir) if p.endswith(".safetensors"))
    tensors = {}
    for fn in files:
        t, _ = read_safetensors(os.path.join(model_dir, fn))
        tensors.update(t)
    return tensors


def dequantize(packed, scales, biases, bits, group_size, dtype=np.float64):
    """MLX affine: w[r, c] = scales[r, c // g] * q[r, c] + biases[r, c // g]; q packed LSB-first."""
    out = packed.shape[0]
    in_features = packed.shape[1] * 32 // bits
    as_bytes = packed.astype("<u4").view(np.uint8).reshape(out, -1)
    if bits == 8:
        q = as_bytes
    elif bits in (2, 4):
        per = 8 // bits
        q = np.empty((out, in_features), dtype=np.uint8)
        for k in range(per):  # element k of each byte sits in its bits k*bits .. k*bits+bits-1
            q[:, k::per] = (as_bytes >> (k * bits)) & ((1 << bits) - 1)
    else:
        bitstream = np.unpackbits(as_bytes, axis=1, bitorder="little")[:, : in_features * bits]
        weights = (1 << np.arange(bits, dtype=np.int64))
        q = (bitstream.reshape(out, in_features, bits).astype(np.int64) * weights).sum(-1)
    groups = in_features // group_size
    assert scales.shape == (out, groups), (scales.shape, out, groups)
    w = q.reshape(out, groups, group_size).astype(dtype)
    w *= scales.astype(dtype)[:, :, None]
    w += biases.astype(dtype)[:, :, None]
    return w.reshape(out, in_features)


# --------------------------------------------------------------------------- config

class Config:
    """Parses config.json in the nested (thinker_config) or flat layout."""

    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "config.json")) as f:
            raw = json.load(f)
        thinker = raw.get("thinker_config", raw)
        self.audio = thinker["audio_config"]
        self.text = thinker["text_config"]
        self.audio_token_id = thinker.get("audio_token_id", 151676)
        self.quant = raw.get("quantization") or raw.get("quantization_config")

    def quant_for(self, module):
        if not self.quant:
            raise ValueError("quantized tensor %s but config has no quantization" % module)
        override = self.quant.get(module)
        if isinstance(override, dict):
            return override["bits"], override["group_size"]
        return self.quant["bits"], self.quant["group_size"]


class Weights:
    """Dense float weights by module path, dequantized where the checkpoint is quantized."""

    def __init__(self, model_dir, dtype):
        np_dtype = np.float64 if dtype == torch.float64 else np.float32
        self.config = Config(model_dir)
        raw = load_checkpoint_tensors(model_dir)
        hf_layout = any(k.startswith("thinker.") for k in raw)
        if hf_layout:
            raw = {k[len("thinker."):]: v for k, v in raw.items() if k.startswith("thinker.")}
        self.dtype = dtype
        self.t = {}
        for name, arr in raw.items():
            if name.endswith(".scales") or name.endswith(".biases"):
                continue
            module = name[: -len(".weight")] if name.endswith(".weight") else None
            if module is not None and (module + ".scales") in raw:
                bits, g = self.config.quant_for(module)
                w = dequantize(arr, raw[module + ".scales"], raw[module + ".biases"], bits, g, np_dtype)
            else:
                w = arr.astype(np_dtype)
            if name.startswith("audio_tower.conv2d") and name.endswith(".weight") and not hf_layout:
                w = np.transpose(w, (0, 3, 1, 2))  # channels-last [out, kh, kw, in] -> [out, in, kh, kw]
            self.t[name] = torch.from_numpy(np.ascontiguousarray(w)).to(dtype)

    def __getitem__(self, name):
        return self.t[name]

    def get(self, name):
        return self.t.get(name)


# --------------------------------------------------------------------------- log-mel (Whisper)

def _hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    logstep = 27.0 / np.log(6.4)
    return np.where(f >= 1000.0, 15.0 + np.log(np.maximum(f, 1e-300) / 1000.0) * logstep, 3.0 * f / 200.0)


def _mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    logstep = np.log(6.4) / 27.0
    return np.where(m >= 15.0, 1000.0 * np.exp(logstep * (m - 15.0)), 200.0 * m / 3.0)


def mel_filters(n_mels=128, n_fft=400, sr=16000):
    n_bins = n_fft // 2 + 1
    fft_freqs = np.linspace(0.0, sr / 2.0, n_bins)
    pts = _mel_to_hz(np.linspace(_hz_to_mel(0.0), _hz_to_mel(sr / 2.0), n_mels + 2))
    fb = np.zeros((n_bins, n_mels))
    for m in range(n_mels):
        lo, c, hi = pts[m], pts[m + 1], pts[m + 2]
        up = (fft_freqs - lo) / (c - lo)
        down = (hi - fft_freqs) / (hi - c)
        fb[:, m] = np.maximum(0.0, np.minimum(up, down)) * (2.0 / (hi - lo))
    return fb


def log_mel(samples, n_mels=128):
    """Whisper log-mel [n_mels, n // 160] in float64 (center reflect pad, periodic Hann, slaney)."""
    x = np.asarray(samples, dtype=np.float64)
    n_fft, hop = 400, 160
    if len(x) <= n_fft // 2:
        raise ValueError("audio too short for the reflect padding: %d samples" % len(x))
    padded = np.pad(x, n_fft // 2, mode="reflect")
    n_frames = 1 + len(x) // hop
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(n_fft) / n_fft)
    idx = np.arange(n_fft)[None, :] + hop * np.arange(n_frames)[:, None]
    frames = padded[idx] * window
    power = np.abs(np.fft.rfft(frames, axis=1)) ** 2  # [frames, 201]
    power = power[:-1]  # Whisper drops the last frame
    mel = power @ mel_filters(n_mels, n_fft)  # [T, n_mels]
    logm = np.log10(np.maximum(mel, 1e-10))
    logm = np.maximum(logm, logm.max() - 8.0)
    return ((logm + 4.0) / 4.0).T


# --------------------------------------------------------------------------- audio encoder

def conv_out_len(n):
    return (n - 1) // 2 + 1


def encoder_tokens(frames, n_window=50):
    """Audio tokens for `frames` mel frames (floor division as upstream)."""
    chunk = 2 * n_window
    r = frames % chunk
    tail = conv_out_len(conv_out_len(conv_out_len(r))) if r > 0 else 0
    full = conv_out_len(conv_out_len(conv_out_len(chunk)))
    return full * (frames // chunk) + tail


def sinusoids(length, channels, dtype):
    inc = math.log(10000.0) / (channels // 2 - 1)
    inv = torch.exp(-inc * torch.arange(channels // 2, dtype=torch.float64))
    t = torch.arange(length, dtype=torch.float64)[:, None] * inv[None, :]
    return torch.cat([torch.sin(t), torch.cos(t)], dim=1).to(dtype)


def layer_norm(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdim=True)
    var = ((x - mu) ** 2).mean(-1, keepdim=True)
    return (x - mu) / torch.sqrt(var + eps) * w + b


def gelu(x):
    return 0.5 * x * (1.0 + torch.erf(x / math.sqrt(2.0)))


def linear(x, w, b=None):
    y = x @ w.T
    return y + b if b is not None else y


CONV_BATCH = 64


def encode_audio(W, mel):
    """mel [n_mels, T] -> [N, output_dim]."""
    cfg = W.config.audio
    dt = W.dtype
    n_window = cfg.get("n_window", 50)
    chunk = 2 * n_window
    T = mel.shape[1]
    k = (T + chunk - 1) // chunk
    lens = [chunk] * (k - 1) + [T - chunk * (k - 1)]
    longest = max(lens)
    batch = torch.zeros((k, 1, mel.shape[0], longest), dtype=dt)
    m = torch.as_tensor(mel, dtype=dt)
    for i, n in enumerate(lens):
        batch[i, 0, :, :n] = m[:, i * chunk: i * chunk + n]
    outs = []
    for start in range(0, k, CONV_BATCH):  # batching bounds memory only (upstream: conv_chunksize)
        x = batch[start: start + CONV_BATCH]
        for j in (1, 2, 3):
            x = gelu(torch.nn.functional.conv2d(x, W["audio_tower.conv2d%d.weight" % j],
                                                W["audio_tower.conv2d%d.bias" % j], stride=2, padding=1))
        outs.append(x)
    x = torch.cat(outs, dim=0)
    b, c, f, t = x.shape
    x = x.permute(0, 3, 1, 2).reshape(b, t, c * f)  # feature index = channel * f + freq
    x = linear(x, W["audio_tower.conv_out.weight"])
    x = x + sinusoids(t, x.shape[-1], dt)[None]
    kept = [x[i, : conv_out_len(conv_out_len(conv_out_len(n)))] for i, n in enumerate(lens)]
    h = torch.cat(kept, dim=0)
    n_tokens = h.shape[0]
    window = conv_out_len(conv_out_len(conv_out_len(longest))) * (cfg.get("n_window_infer", 800) // chunk)
    bounds = list(range(0, n_tokens, window)) + [n_tokens]
    heads = cfg["encoder_attention_heads"]
    d = h.shape[-1]
    hd = d // heads
    for li in range(cfg["encoder_layers"]):
        p = "audio_tower.layers.%d." % li
        y = layer_norm(h, W[p + "self_attn_layer_norm.weight"], W[p + "self_attn_layer_norm.bias"])
        q = linear(y, W[p + "self_attn.q_proj.weight"], W[p + "self_attn.q_proj.bias"])
        kk = linear(y, W[p + "self_attn.k_proj.weight"], W[p + "self_attn.k_proj.bias"])
        v = linear(y, W[p + "self_attn.v_proj.weight"], W[p + "self_attn.v_proj.bias"])
        att = torch.zeros_like(q)
        for s, e in zip(bounds[:-1], bounds[1:]):
            qs = q[s:e].reshape(e - s, heads, hd).transpose(0, 1)
            ks = kk[s:e].reshape(e - s, heads, hd).transpose(0, 1)
            vs = v[s:e].reshape(e - s, heads, hd).transpose(0, 1)
            a = torch.softmax(qs @ ks.transpose(1, 2) * hd ** -0.5, dim=-1) @ vs
            att[s:e] = a.transpose(0, 1).reshape(e - s, d)
        h = h + linear(att, W[p + "self_attn.out_proj.weight"], W[p + "self_attn.out_proj.bias"])
        y = layer_norm(h, W[p + "final_layer_norm.weight"], W[p + "final_layer_norm.bias"])
        h = h + linear(gelu(linear(y, W[p + "fc1.weight"], W[p + "fc1.bias"])), W[p + "fc2.weight"], W[p + "fc2.bias"])
    h = layer_norm(h, W["audio_tower.ln_post.weight"], W["audio_tower.ln_post.bias"])
    h = gelu(linear(h, W["audio_tower.proj1.weight"], W["audio_tower.proj1.bias"]))
    return linear(h, W["audio_tower.proj2.weight"], W["audio_tower.proj2.bias"])


# --------------------------------------------------------------------------- text decoder

def rms_norm(x, w, eps):
    return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * w


def rope(x, positions, theta):
    """Rotate-half RoPE on x [heads, L, hd] at integer positions [L]."""
    hd = x.shape[-1]
    inv = theta ** (-torch.arange(0, hd, 2, dtype=torch.float64) / hd)
    ang = positions.to(torch.float64)[:, None] * inv[None, :]
    ang = torch.cat([ang, ang], dim=-1)
    cos, sin = torch.cos(ang).to(x.dtype), torch.sin(ang).to(x.dtype)
    rot = torch.cat([-x[..., hd // 2:], x[..., : hd // 2]], dim=-1)
    return x * cos + rot * sin


class Decoder:
    def __init__(self, W):
        self.W = W
        c = W.config.text
        self.c = c
        self.heads = c["num_attention_heads"]
        self.kv_heads = c["num_key_value_heads"]
        self.hd = c.get("head_dim", c["hidden_size"] // self.heads)
        self.eps = c.get("rms_norm_eps", 1e-6)
        self.theta = float(c.get("rope_theta", 1000000.0))
        emb = W["model.embed_tokens.weight"]
        self.embed = emb
        lm = W.get("lm_head.weight")
        self.lm_head = lm if (lm is not None and not c.get("tie_word_embeddings", True)) else emb
        self.cache = [None] * c["num_hidden_layers"]
        self.length = 0

    def forward(self, x):
        """x [L, hidden] -> hidden of the last position after the final norm (cache appended)."""
        W, c = self.W, self.c
        L = x.shape[0]
        pos = torch.arange(self.length, self.length + L)
        g = self.heads // self.kv_heads
        h = x
        for li in range(c["num_hidden_layers"]):
            p = "model.layers.%d." % li
            y = rms_norm(h, W[p + "input_layernorm.weight"], self.eps)
            q = linear(y, W[p + "self_attn.q_proj.weight"]).reshape(L, self.heads, self.hd).transpose(0, 1)
            k = linear(y, W[p + "self_attn.k_proj.weight"]).reshape(L, self.kv_heads, self.hd).transpose(0, 1)
            v = linear(y, W[p + "self_attn.v_proj.weight"]).reshape(L, self.kv_heads, self.hd).transpose(0, 1)
            q = rope(rms_norm(q, W[p + "self_attn.q_norm.weight"], self.eps), pos, self.theta)
            k = rope(rms_norm(k, W[p + "self_attn.k_norm.weight"], self.eps), pos, self.theta)
            if self.cache[li] is not None:
                k = torch.cat([self.cache[li][0], k], dim=1)
                v = torch.cat([self.cache[li][1], v], dim=1)
            self.cache[li] = (k, v)
            S = k.shape[1]
            k = k.repeat_interleave(g, dim=0)
            v = v.repeat_interleave(g, dim=0)
            scores = q @ k.transpose(1, 2) * self.hd ** -0.5
            qpos = torch.arange(S - L, S)[:, None]
            kpos = torch.arange(S)[None, :]
            scores = scores.masked_fill(kpos > qpos, float("-inf"))
            a = (torch.softmax(scores, dim=-1) @ v).transpose(0, 1).reshape(L, self.heads * self.hd)
            h = h + linear(a, W[p + "self_attn.o_proj.weight"])
            z = rms_norm(h, W[p + "post_attention_layernorm.weight"], self.eps)
            gate = linear(z, W[p + "mlp.gate_proj.weight"])
            up = linear(z, W[p + "mlp.up_proj.weight"])
            h = h + linear(gate * torch.sigmoid(gate) * up, W[p + "mlp.down_proj.weight"])
        self.length += L
        return rms_norm(h[-1:], W["model.norm.weight"], self.eps)[0]

    def logits(self, hidden):
        return self.lm_head @ hidden


# --------------------------------------------------------------------------- tokenizer (byte-level BPE)

def _bytes_to_unicode():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def _is_letter(ch):
    return unicodedata.category(ch).startswith("L")


def _is_number(ch):
    return unicodedata.category(ch).startswith("N")


def pretokenize(text):
    """Hand-written scanner equivalent to the Qwen2 split regex
    (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+"""
    out = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        # 1. contractions
        if ch == "'":
            low = text[i + 1: i + 3].lower()
            if low[:2] in ("re", "ve", "ll"):
                out.append(text[i: i + 3]); i += 3; continue
            if low[:1] in ("s", "t", "m", "d"):
                out.append(text[i: i + 2]); i += 2; continue
        # 2. optional one non-letter/number/newline char, then letters
        j = i
        if not _is_letter(ch) and not _is_number(ch) and ch not in "\r\n":
            j = i + 1
        if j < n and _is_letter(text[j]):
            k = j
            while k < n and _is_letter(text[k]):
                k += 1
            out.append(text[i:k]); i = k; continue
        # 3. a single number character
        if _is_number(ch):
            out.append(ch); i += 1; continue
        # 4. optional space, punctuation run, trailing newlines
        j = i + 1 if ch == " " else i
        k = j
        while k < n and not text[k].isspace() and not _is_letter(text[k]) and not _is_number(text[k]):
            k += 1
        if k > j:
            while k < n and text[k] in "\r\n":
                k += 1
            out.append(text[i:k]); i = k; continue
        # 5-7. whitespace
        k = i
        while k < n and text[k].isspace():
            k += 1
        run = text[i:k]
        last_nl = max(run.rfind("\r"), run.rfind("\n"))
        if last_nl >= 0:
            out.append(run[: last_nl + 1]); i += last_nl + 1; continue
        if k == n or len(run) == 1:
            out.append(run); i = k; continue
        out.append(run[:-1]); i = k - 1
    return out


class Tokenizer:
    """vocab.json + merges.txt + tokenizer_config.json (added tokens)."""

    def __init__(self, model_dir):
        with open(os.path.join(model_dir, "vocab.json"), encoding="utf-8") as f:
            self.vocab = json.load(f)
        self.ranks = {}
        with open(os.path.join(model_dir, "merges.txt"), encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if not line or line.startswith("#version"):
                    continue
                a, b = line.split(" ")
                self.ranks[(a, b)] = len(self.ranks)
        with open(os.path.join(model_dir, "tokenizer_config.json"), encoding="utf-8") as f:
            tc = json.load(f)
        self.added = {}
        self.special_ids = set()
        for sid, info in tc["added_tokens_decoder"].items():
            self.added[info["content"]] = int(sid)
            if info.get("special"):
                self.special_ids.add(int(sid))
        self.id_to_token = {v: k for k, v in self.vocab.items()}
        for content, i in self.added.items():
            self.id_to_token[i] = content
        self.byte_map = _bytes_to_unicode()
        self.byte_unmap = {c: b for b, c in self.byte_map.items()}

    def token_id(self, content):
        return self.added[content]

    def _bpe(self, word):
        parts = list(word)
        while len(parts) > 1:
            best = None
            for i in range(len(parts) - 1):
                r = self.ranks.get((parts[i], parts[i + 1]))
                if r is not None and (best is None or r < best[0]):
                    best = (r, i)
            if best is None:
                break
            i = best[1]
            parts = parts[:i] + [parts[i] + parts[i + 1]] + parts[i + 2:]
        return [self.vocab[p] for p in parts]

    def encode(self, text):
        ids = []
        i, start = 0, 0
        by_len = sorted(self.added, key=len, reverse=True)
        while i < len(text):
            hit = next((t for t in by_len if text.startswith(t, i)), None)
            if hit is None:
                i += 1
                continue
            ids += self._encode_plain(text[start:i])
            ids.append(self.added[hit])
            i += len(hit)
            start = i
        ids += self._encode_plain(text[start:])
        return ids

    def _encode_plain(self, text):
        ids = []
        for piece in pretokenize(unicodedata.normalize("NFC", text)):
            ids += self._bpe("".join(self.byte_map[b] for b in piece.encode("utf-8")))
        return ids

    def decode(self, ids, skip_special=True):
        out = bytearray()
        for i in ids:
            if i in self.special_ids and skip_special:
                continue
            tok = self.id_to_token.get(i)
            if tok is None:
                continue
            if tok in self.added:
                out += tok.encode("utf-8")
            else:
                out += bytes(self.byte_unmap[c] for c in tok)
        return out.decode("utf-8", errors="replace")


# --------------------------------------------------------------------------- prompt, generation, parsing

def build_prompt(tok, n_audio, context="", language=None):
    pre = "<|im_start|>system\n" + (context or "") + "<|im_end|>\n<|im_start|>user\n<|audio_start|>"
    post = "<|audio_end|><|im_end|>\n<|im_start|>assistant\n"
    if language:
        post += "language " + language + "<asr_text>"
    return tok.encode(pre) + [tok.token_id("<|audio_pad|>")] * n_audio + tok.encode(post)


def prefill(W, tok, audio_embeds, context="", language=None):
    """Returns (decoder, prompt ids, first-step logits)."""
    ids = build_prompt(tok, audio_embeds.shape[0], context, language)
    dec = Decoder(W)
    x = dec.embed[torch.tensor(ids)].clone()
    mask = torch.tensor(ids) == W.config.audio_token_id
    assert int(mask.sum()) == audio_embeds.shape[0]
    x[mask] = audio_embeds.to(x.dtype)
    return dec, ids, dec.logits(dec.forward(x))


def greedy(dec, first_logits, stop_ids, max_new):
    """Greedy tokens (stopping after a stop id, which is not returned) and top-1 margins."""
    tokens, margins = [], []
    logits = first_logits
    for step in range(max_new):
        top2 = torch.topk(logits, 2)
        margins.append(float(top2.values[0] - top2.values[1]))
        t = int(top2.indices[0])
        if t in stop_ids:
            break
        tokens.append(t)
        if step + 1 == max_new:
            break
        logits = dec.logits(dec.forward(dec.embed[t][None]))
    return tokens, margins


def _fix_char_repeats(s, thresh):
    res, i, n = [], 0, len(s)
    while i < n:
        c = 1
        while i + c < n and s[i + c] == s[i]:
            c += 1
        res.append(s[i] if c > thresh else s[i: i + c])
        i += c
    return "".join(res)


def _fix_pattern_repeats(s, thresh, max_len=20):
    n = len(s)
    if n < thresh * 2:
        return s
    i, res = 0, []
    while i <= n - thresh * 2:
        for k in range(1, max_len + 1):
            if i + k * thresh > n:
                break
            pat = s[i: i + k]
            if all(s[i + r * k: i + r * k + k] == pat for r in range(1, thresh)):
                end = i + thresh * k
                while end + k <= n and s[end: end + k] == pat:
                    end += k
                return "".join(res) + pat + _fix_pattern_repeats(s[end:], thresh, max_len)
        res.append(s[i])
        i += 1
    return "".join(res) + s[i:]


def parse_asr_output(raw, forced_language=None):
    """(language, text) following the upstream rules (qwen3-asr.md section 6)."""
    s = (raw or "").strip()
    if not s:
        return "", ""
    s = _fix_pattern_repeats(_fix_char_repeats(s, 20), 20)
    if forced_language:
        return forced_language, s
    if "<asr_text>" not in s:
        return "", s.strip()
    meta, text = s.split("<asr_text>", 1)
    if "language none" in meta.lower():
        return "", text.strip()
    lang = ""
    for line in meta.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.lower().startswith("language "):
            v = line[len("language "):].strip()
            if v:
                lang = v[:1].upper() + v[1:].lower()
            break
    return lang, text.strip()
