#!/usr/bin/python3
"""Golden Whisper/Qwen3-ASR log-mel features for LogMelTest, written independently in numpy.

Follows transformers' numpy WhisperFeatureExtractor path: numpy.pad(mode="reflect") by 200,
periodic Hann, rfft(400) per hop of 160, |X|^2, Slaney mel filters (norm="slaney"), log10 with a
1e-10 floor, max-8 clamp, (x+4)/4, last frame dropped.

usage: whisper_logmel.py IN.f32 OUT.f32   (raw little-endian float32 in, [128, n//160] float32 out)
Needs Debian's python3-numpy.
"""
import sys
import numpy as np

N_FFT, HOP, N_MELS, SR = 400, 160, 128, 16000


def hz_to_mel(f):
    f = np.asarray(f, dtype=np.float64)
    lin = 3.0 * f / 200.0
    log = 15.0 + np.log(np.maximum(f, 1e-12) / 1000.0) * 27.0 / np.log(6.4)
    return np.where(f >= 1000.0, log, lin)


def mel_to_hz(m):
    m = np.asarray(m, dtype=np.float64)
    lin = 200.0 * m / 3.0
    log = 1000.0 * np.exp(np.log(6.4) / 27.0 * (m - 15.0))
    return np.where(m >= 15.0, log, lin)


def mel_filters():
    fft_freqs = np.linspace(0, SR / 2, N_FFT // 2 + 1)
    pts = mel_to_hz(np.linspace(hz_to_mel(0.0), hz_to_mel(SR / 2), N_MELS + 2))
    diff = np.diff(pts)
    slopes = pts[None, :] - fft_freqs[:, None]
    down = -slopes[:, :-2] / diff[:-1]
    up = slopes[:, 2:] / diff[1:]
    fb = np.maximum(0.0, np.minimum(down, up))
    return fb * (2.0 / (pts[2:] - pts[:-2]))[None, :]  # [201, 128]


def log_mel(x):
    x = x.astype(np.float64)
    frames = len(x) // HOP
    if frames == 0:
        return np.zeros((N_MELS, 0), dtype=np.float32)
    padded = np.pad(x, N_FFT // 2, mode="reflect")
    window = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)
    fb = mel_filters()
    out = np.empty((N_MELS, frames), dtype=np.float64)
    block = 8192  # frames per block: bounded memory for hour-long input
    for start in range(0, frames, block):
        stop = min(frames, start + block)
        idx = np.arange(start, stop)[:, None] * HOP + np.arange(N_FFT)[None, :]
        spec = np.abs(np.fft.rfft(padded[idx] * window, axis=1)) ** 2
        out[:, start:stop] = np.log10(np.maximum(spec @ fb, 1e-10)).T
    out = np.maximum(out, out.max() - 8.0)
    return ((out + 4.0) / 4.0).astype(np.float32)


if __name__ == "__main__":
    samples = np.fromfile(sys.argv[1], dtype="<f4")
    log_mel(samples).astype("<f4").tofile(sys.argv[2])
