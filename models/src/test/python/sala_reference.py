#!/usr/bin/python3
"""Independent float64 reference of MiniCPM-SALA, used to produce the golden files of the Java tests.

Written from the model semantics in docs/minicpm-sala.md (sections 2-5), not from the Java code:
every token is pushed through the whole layer stack one at a time (plain recurrent form for the
lightning layers, explicit per-query InfLLM-v2 block selection for the sparse layers), in float64.
Forward *calls* still matter because the sparse layers pick dense or sparse attention per call
from N = total tokens after the call (dense iff N < dense_len, section 4.2).

Usage (Debian's interpreter, which has python3-torch and python3-numpy):
    /usr/bin/python3 sala_reference.py CHECKPOINT_DIR CASES_JSON OUT_JSON

CHECKPOINT_DIR is a checkpoint in the MLX layout (config.json, model.safetensors or an index with
shards, MLX affine-quantized linears). CASES_JSON is {"cases": [{"name", "prompt": [ids],
"calls": [sizes of the forward calls over the prompt] (optional, default one call),
"max_new_tokens"}]}. OUT_JSON receives, per case, the greedy tokens, the logits after the prompt's
last call and after every decode call (float32, little-endian, base64) and selection statistics, plus the SHA-256 of the
checkpoint files it read so the Java test can check it runs on the same weights.

How the Java tests' goldens are regenerated is described in SalaGoldenTest.java.
"""
import base64
import hashlib
import json
import math
import os
import sys

import numpy as np
import torch

torch.set_default_dtype(torch.float64)


# ------------------------------------------------------------------ checkpoint reading

def read_safetensors(path):
    """name -> numpy array with the stored dtype (BF16/F16 widened to float32 exactly)."""
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = np.frombuffer(data[:8], dtype="<u8")
    header = json.loads(data[8:8 + int(header_len)])
    body = data[8 + int(header_len):]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        raw = body[begin:end]
        dtype, shape = info["dtype"], info["shape"]
        if dtype == "BF16":
            bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
            arr = bits.view(np.float32)
        elif dtype == "F16":
            arr = np.frombuffer(raw, dtype="<f2").astype(np.float32)
        elif dtype == "F32":
            arr = np.frombuffer(raw, dtype="<f4").copy()
        elif dtype == "U32":
            arr = np.frombuffer(raw, dtype="<u4").copy()
        else:
            raise ValueError(f"{path}: unsupported dtype {dtype} for {name}")
        out[name] = arr.reshape(shape)
    return out


def checkpoint_files(ckpt_dir):
    """The files that define the weights, in the order they are hashed."""
    index = os.path.join(ckpt_dir, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            shards = sorted(set(json.load(f)["weight_map"].values()))
        return ["config.json", "model.safetensors.index.json"] + shards
    return ["config.json", "model.safetensors"]


def content_hash(ckpt_dir):
    h = hashlib.sha256()
    for name in checkpoint_files(ckpt_dir):
        with open(os.path.join(ckpt_dir, name), "rb") as f:
            data = f.read()
        h.update(name.encode() + b"\0" + len(data).to_bytes(8, "little") + data)
    return h.hexdigest()


def unpack(packed, bits, in_features):
    """MLX packing: element k of a little-endian uint32 sits in bits [bits*k, bits*k + bits)."""
    if 32 % bits != 0:
        raise ValueError(f"reference only unpacks power-of-two widths, got {bits}")
    per_word = 32 // bits
    shifts = np.arange(per_word, dtype=np.uint32) * bits
    q = (packed[:, :, None] >> shifts[None, None, :]) & np.uint32((1 << bits) - 1)
    return q.reshape(packed.shape[0], -1)[:, :in_features]


def quant_params(config, module):
    q = config.get("quantization") or config.get("quantization_config") or {}
    override = q.get(module)
    if isinstance(override, dict):
        return override["group_size"], override["bits"]
    return q["group_size"], q["bits"]


def load_weights(ckpt_dir, config):
    raw = {}
    for name in checkpoint_files(ckpt_dir):
        if name.endswith(".safetensors"):
            raw.update(read_safetensors(os.path.join(ckpt_dir, name)))
    weights = {}
    for name, arr in raw.items():
        if name.endswith(".scales") or name.endswith(".biases"):
            continue
        module = name[:-len(".weight")] if name.endswith(".weight") else None
        if module is not None and module + ".scales" in raw:
            group, bits = quant_params(config, module)
            scales = raw[module + ".scales"].astype(np.float64)
            biases = raw[module + ".biases"].astype(np.float64)
            in_features = scales.shape[1] * group
            q = unpack(arr, bits, in_features).astype(np.float64)
            w = q * np.repeat(scales, group, axis=1) + np.repeat(biases, group, axis=1)
        else:
            w = arr.astype(np.float64)
        weights[name] = torch.from_numpy(np.ascontiguousarray(w))
    return weights


# ------------------------------------------------------------------ model

def rms_norm(x, w, eps):
    return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * w


def alibi_slopes(n):
    """Per-head decay rates s_h (section 3.5): ALiBi slopes, closest lower power of two first."""
    def power_of_two(m):
        start = 2.0 ** (-(2.0 ** -(math.log2(m) - 3)))
        return [start * start ** i for i in range(m)]
    if math.log2(n).is_integer():
        return power_of_two(n)
    closest = 2 ** math.floor(math.log2(n))
    return power_of_two(closest) + power_of_two(2 * closest)[0::2][: n - closest]


class Config:
    def __init__(self, c):
        self.vocab = c["vocab_size"]
        self.hidden = c["hidden_size"]
        self.layers = c["num_hidden_layers"]
        self.heads = c["num_attention_heads"]
        self.kv_heads = c["num_key_value_heads"]
        self.head_dim = c.get("head_dim", self.hidden // self.heads)
        self.lightning_kv = c.get("lightning_nkv", self.heads)
        self.mixers = c["mixer_types"]
        self.eps = c["rms_norm_eps"]
        self.theta = c["rope_theta"]
        self.scale_emb = c["scale_emb"]
        self.residual = c["scale_depth"] / math.sqrt(self.layers)
        self.logit_div = self.hidden / c["dim_model_base"]
        ls = c.get("lightning_scale", "1/sqrt(d)")
        self.lightning_scale = {"1/sqrt(d)": self.head_dim ** -0.5, "1/d": 1.0 / self.head_dim}.get(ls, 1.0)
        sc = c["sparse_config"]
        self.kernel, self.stride = sc["kernel_size"], sc["kernel_stride"]
        self.block, self.init_blocks = sc["block_size"], sc["init_blocks"]
        self.local_blocks = sc["window_size"] // sc["block_size"]
        self.k_eff = sc["topk"] + self.local_blocks
        self.dense_len = sc["dense_len"]
        for flag, want in [("lightning_use_rope", True), ("attn_use_rope", False), ("qk_norm", True),
                           ("use_output_norm", True), ("use_output_gate", True), ("attn_use_output_gate", True)]:
            if c.get(flag, want) != want:
                raise ValueError(f"reference implements {flag}={want} only")

    def is_sparse(self, layer):
        return self.mixers[layer] == "minicpm4"


class Stats:
    def __init__(self):
        self.sparse_queries = 0      # queries answered by InfLLM-v2 selection
        self.pruned_queries = 0      # ... of which at least one visible block was left out
        self.boundary_ties = 0       # ... of which the last chosen and first rejected block tie exactly

    def as_dict(self):
        return {"sparse_queries": self.sparse_queries, "pruned_queries": self.pruned_queries,
                "boundary_ties": self.boundary_ties}


class SparseCache:
    def __init__(self):
        self.k, self.v = [], []      # per position: [G, ds]
        self.c1, self.c2 = [], []    # complete compressed windows, [G, ds] each


class LightningCache:
    def __init__(self, cfg):
        self.state = torch.zeros(cfg.heads, cfg.head_dim, cfg.head_dim)


def window_mean(keys, start, size):
    """Sequential sum then divide: identical windows give bit-identical means (section 4.3 rule 6)."""
    acc = keys[start].clone()
    for i in range(1, size):
        acc = acc + keys[start + i]
    return acc / size


def scores(q, c):
    """q [ds] against rows of c [n, ds]: the same multiply-and-add sequence for every row."""
    acc = c[:, 0] * q[0]
    for i in range(1, c.shape[1]):
        acc = acc + c[:, i] * q[i]
    return acc


class Reference:
    def __init__(self, cfg, w):
        self.cfg, self.w = cfg, w
        self.slopes = torch.tensor(alibi_slopes(cfg.heads))
        half = cfg.head_dim // 2
        self.inv_freq = torch.tensor([cfg.theta ** (-2.0 * i / cfg.head_dim) for i in range(half)])

    def new_cache(self):
        return [SparseCache() if self.cfg.is_sparse(l) else LightningCache(self.cfg) for l in range(self.cfg.layers)]

    def linear(self, name, x):
        return torch.mv(self.w[name + ".weight"], x.contiguous())

    def forward_call(self, tokens, cache, start, stats):
        """One forward call over tokens at positions start.. ; returns the logits of its last token."""
        cfg = self.cfg
        sparse_mode = start + len(tokens) >= cfg.dense_len
        for i, tok in enumerate(tokens):
            p = start + i
            x = self.w["model.embed_tokens.weight"][tok] * cfg.scale_emb
            for l in range(cfg.layers):
                pre = f"model.layers.{l}."
                n = rms_norm(x, self.w[pre + "input_layernorm.weight"], cfg.eps)
                if cfg.is_sparse(l):
                    mix = self.sparse(pre + "self_attn.", n, p, cache[l], sparse_mode, stats)
                else:
                    mix = self.lightning(pre + "self_attn.", n, p, cache[l])
                x = x + mix * cfg.residual
                n = rms_norm(x, self.w[pre + "post_attention_layernorm.weight"], cfg.eps)
                gate = self.linear(pre + "mlp.gate_proj", n)
                up = self.linear(pre + "mlp.up_proj", n)
                x = x + self.linear(pre + "mlp.down_proj", gate * torch.sigmoid(gate) * up) * cfg.residual
        h = rms_norm(x, self.w["model.norm.weight"], cfg.eps)
        return self.linear("lm_head", h / cfg.logit_div)

    # ---------------------------------------------------------------- lightning (section 3)

    def rope(self, x, p):
        ang = p * self.inv_freq
        cos = torch.cat([torch.cos(ang), torch.cos(ang)])
        sin = torch.cat([torch.sin(ang), torch.sin(ang)])
        half = x.shape[-1] // 2
        rotated = torch.cat([-x[..., half:], x[..., :half]], dim=-1)
        return x * cos + rotated * sin

    def lightning(self, pre, n, p, cache):
        cfg = self.cfg
        d = cfg.head_dim
        q = self.linear(pre + "q_proj", n).view(cfg.heads, d)
        k = self.linear(pre + "k_proj", n).view(cfg.lightning_kv, d)
        v = self.linear(pre + "v_proj", n).view(cfg.lightning_kv, d)
        q = self.rope(rms_norm(q, self.w[pre + "q_norm.weight"], cfg.eps), p)
        k = self.rope(rms_norm(k, self.w[pre + "k_norm.weight"], cfg.eps), p)
        rep = cfg.heads // cfg.lightning_kv
        k = k.repeat_interleave(rep, dim=0)
        v = v.repeat_interleave(rep, dim=0)
        decay = torch.exp(-self.slopes)
        # S_t = lambda S_{t-1} + k_t^T v_t ; o_t = scale q_t S_t
        cache.state = decay[:, None, None] * cache.state + k[:, :, None] * v[:, None, :]
        o = cfg.lightning_scale * torch.einsum("hd,hde->he", q, cache.state)
        o = rms_norm(o.reshape(-1), self.w[pre + "o_norm.weight"], cfg.eps)
        o = o * torch.sigmoid(self.linear(pre + "z_proj", n))
        return self.linear(pre + "o_proj", o)

    # ---------------------------------------------------------------- sparse (section 4)

    def sparse(self, pre, n, p, cache, sparse_mode, stats):
        cfg = self.cfg
        ds = cfg.hidden // cfg.heads
        q = self.linear(pre + "q_proj", n).view(cfg.heads, ds)
        k = self.linear(pre + "k_proj", n).view(cfg.kv_heads, ds)
        v = self.linear(pre + "v_proj", n).view(cfg.kv_heads, ds)
        cache.k.append(k)
        cache.v.append(v)
        length = p + 1
        keys = torch.stack(cache.k)          # [p+1, G, ds]
        values = torch.stack(cache.v)
        # compressed windows complete once their last token exists (incremental, as in decode)
        for store, size, stride in [(cache.c1, cfg.kernel, cfg.stride), (cache.c2, 4 * cfg.kernel, 4 * cfg.stride)]:
            while len(store) * stride + size <= length:
                store.append(window_mean(keys, len(store) * stride, size))
        rep = cfg.heads // cfg.kv_heads
        scale = ds ** -0.5
        out = torch.zeros(cfg.heads, ds)
        for g in range(cfg.kv_heads):
            visible = torch.ones(length, dtype=torch.bool)
            if sparse_mode:
                visible = self.selected_tokens(q[g * rep:(g + 1) * rep], g, cache, p, stats)
            kg, vg = keys[:, g][visible], values[:, g][visible]
            for h in range(g * rep, (g + 1) * rep):
                att = torch.softmax((kg @ q[h]) * scale, dim=0)
                out[h] = att @ vg
        out = out.reshape(-1) * torch.sigmoid(self.linear(pre + "o_gate", n))
        return self.linear(pre + "o_proj", out)

    def selected_tokens(self, qg, g, cache, p, stats):
        """InfLLM-v2 (section 4.3) for one query and one kv group: mask over keys 0..p."""
        cfg = self.cfg
        ds = qg.shape[1]
        scale = ds ** -0.5
        n1 = len(cache.c1)
        score = torch.zeros(n1)
        if len(cache.c2) > 0 and n1 > 0:
            c1 = torch.stack([c[g] for c in cache.c1])
            c2 = torch.stack([c[g] for c in cache.c2])
            for qh in qg:
                z = torch.logsumexp(scores(qh, c2) * scale, dim=0)
                score = score + torch.exp(scores(qh, c1) * scale - z)
        qb = p // cfg.block
        per_block = cfg.block // cfg.stride
        beta = []
        for b in range(qb + 1):
            if b < cfg.init_blocks or b >= qb - cfg.local_blocks:
                beta.append(math.inf)
                continue
            js = [j for j in range(b * per_block - 1, b * per_block + per_block) if 0 <= j < n1]
            beta.append(max(float(score[j]) for j in js) if js else -math.inf)
        order = sorted(range(qb + 1), key=lambda b: (-beta[b], b))   # ties -> smaller block index
        chosen = order[: cfg.k_eff]
        stats.sparse_queries += 1
        if len(chosen) < qb + 1:
            stats.pruned_queries += 1
            last, first_out = beta[chosen[-1]], beta[order[cfg.k_eff]]
            if last == first_out and math.isfinite(last):
                stats.boundary_ties += 1
        blocks = torch.zeros(qb + 1, dtype=torch.bool)
        blocks[chosen] = True
        return blocks.repeat_interleave(cfg.block)[: p + 1]


# ------------------------------------------------------------------ driver

def encode_f32(values):
    return base64.b64encode(np.asarray(values, dtype="<f4").tobytes()).decode()


def run_case(model, case, stats):
    """Prefill through the case's calls, then greedy for max_new_tokens (EOS does not stop it: these
    goldens test the model; stopping is the chat engine's business)."""
    prompt = case["prompt"]
    calls = case.get("calls") or [len(prompt)]
    if sum(calls) != len(prompt):
        raise ValueError(f"{case['name']}: calls {calls} do not cover the prompt")
    cache = model.new_cache()
    pos = 0
    for size in calls:
        last = model.forward_call(prompt[pos:pos + size], cache, pos, stats)
        pos += size
    logits = [last]
    tokens, margins = [], []
    while len(tokens) < case["max_new_tokens"]:
        top2 = torch.topk(logits[-1], 2).values
        margins.append(float(top2[0] - top2[1]))
        nxt = int(torch.argmax(logits[-1]))
        tokens.append(nxt)
        if len(tokens) == case["max_new_tokens"]:
            break
        logits.append(model.forward_call([nxt], cache, pos, stats))
        pos += 1
    return tokens, logits, min(margins)


def main(ckpt_dir, cases_path, out_path):
    with open(os.path.join(ckpt_dir, "config.json")) as f:
        config = json.load(f)
    cfg = Config(config)
    model = Reference(cfg, load_weights(ckpt_dir, config))
    with open(cases_path) as f:
        cases = json.load(f)["cases"]
    results = []
    for case in cases:
        stats = Stats()
        tokens, logits, margin = run_case(model, case, stats)
        results.append({"name": case["name"], "prompt": case["prompt"], "calls": case.get("calls") or [len(case["prompt"])],
                        "max_new_tokens": case["max_new_tokens"], "tokens": tokens,
                        "logits": [encode_f32(l.numpy()) for l in logits], "min_top1_margin": margin,
                        "stats": stats.as_dict()})
        print(f"{case['name']}: prompt {len(case['prompt'])}, tokens {tokens}, margin {margin:.4f}, {stats.as_dict()}",
              file=sys.stderr)
    with open(out_path, "w") as f:
        json.dump({"checkpoint_sha256": content_hash(ckpt_dir), "vocab_size": cfg.vocab, "cases": results}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
