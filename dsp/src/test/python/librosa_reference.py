#!/usr/bin/env python3
"""Golden files for the mel-spectrogram and .npy tests in operators/.

librosa itself is not installed where this project is built (no PyPI), so this script re-implements, in plain
numpy and scipy, exactly the code paths of librosa 0.10.2 that the Java side must match:

  librosa.filters.mel          (mel_frequencies, hz_to_mel, mel_to_hz; Slaney or HTK scale; Slaney norm or none)
  librosa.stft                 (center=True, pad_mode constant or reflect, periodic Hann from scipy.signal.get_window,
                                float64 window times float32 frames, numpy.fft.rfft in float64, stored as complex64)
  librosa.feature.melspectrogram (power=2: |stft|**2 in float32, then mel_basis @ S)

Each step keeps librosa's dtypes, because they decide the last bits: the filterbank is computed in float64 and
stored in float32 (and, for Slaney normalisation, multiplied by the float64 norm after that first rounding).
The script checks itself against a value librosa publishes: the first row of filters.mel(sr=22050, n_fft=2048)
starts 0, 0.0161829, 0.0323657, 0.0289901, 0.0128072, 0.

Run from the repository root:  python3 operators/src/test/python/librosa_reference.py
"""
import os

import numpy as np
import scipy.signal

OUT = os.path.join(os.path.dirname(__file__), "..", "resources", "golden")


def hz_to_mel(frequencies, htk=False):
    frequencies = np.asanyarray(frequencies, dtype=np.float64)
    if htk:
        return 2595.0 * np.log10(1.0 + frequencies / 700.0)
    f_min = 0.0
    f_sp = 200.0 / 3
    mels = (frequencies - f_min) / f_sp
    min_log_hz = 1000.0
    min_log_mel = (min_log_hz - f_min) / f_sp
    logstep = np.log(6.4) / 27.0
    if frequencies.ndim:
        log_t = frequencies >= min_log_hz
        mels[log_t] = min_log_mel + np.log(frequencies[log_t] / min_log_hz) / logstep
    elif frequencies >= min_log_hz:
        mels = min_log_mel + np.log(frequencies / min_log_hz) / logstep
    return mels


def mel_to_hz(mels, htk=False):
    mels = np.asanyarray(mels, dtype=np.float64)
    if htk:
        return 700.0 * (10.0 ** (mels / 2595.0) - 1.0)
    f_min = 0.0
    f_sp = 200.0 / 3
    freqs = f_min + f_sp * mels
    min_log_hz = 1000.0
    min_log_mel = (min_log_hz - f_min) / f_sp
    logstep = np.log(6.4) / 27.0
    log_t = mels >= min_log_mel
    freqs[log_t] = min_log_hz * np.exp(logstep * (mels[log_t] - min_log_mel))
    return freqs


def mel_frequencies(n_mels, fmin, fmax, htk):
    min_mel = hz_to_mel(fmin, htk=htk)
    max_mel = hz_to_mel(fmax, htk=htk)
    mels = np.linspace(min_mel, max_mel, n_mels)
    return mel_to_hz(mels, htk=htk)


def mel_filters(sr, n_fft, n_mels=128, fmin=0.0, fmax=None, htk=False, norm="slaney"):
    if fmax is None:
        fmax = float(sr) / 2
    weights = np.zeros((n_mels, int(1 + n_fft // 2)), dtype=np.float32)
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    mel_f = mel_frequencies(n_mels + 2, fmin=fmin, fmax=fmax, htk=htk)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    for i in range(n_mels):
        lower = -ramps[i] / fdiff[i]
        upper = ramps[i + 2] / fdiff[i + 1]
        weights[i] = np.maximum(0, np.minimum(lower, upper))
    if norm == "slaney":
        enorm = 2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels])
        weights *= enorm[:, np.newaxis]
    return weights


def stft_power(y, n_fft=2048, hop_length=512, pad_mode="constant"):
    assert y.dtype == np.float32
    window = scipy.signal.get_window("hann", n_fft, fftbins=True)
    padded = np.pad(y, (n_fft // 2, n_fft // 2), mode=pad_mode)
    n_frames = 1 + (len(padded) - n_fft) // hop_length
    frames = np.lib.stride_tricks.as_strided(
        padded, shape=(n_fft, n_frames), strides=(padded.strides[0], hop_length * padded.strides[0]))
    stft = np.zeros((1 + n_fft // 2, n_frames), dtype=np.complex64)
    stft[:] = np.fft.rfft(window[:, None] * frames, axis=0)
    return np.abs(stft) ** 2


def melspectrogram(y, sr, n_fft=2048, hop_length=512, pad_mode="constant", **mel_kwargs):
    S = stft_power(y, n_fft, hop_length, pad_mode)
    basis = mel_filters(sr, n_fft, **mel_kwargs)
    return np.einsum("ft,mf->mt", S, basis, optimize=True)


def test_signal(sr, seconds, seed):
    """Chirp, two partials, decaying noise bursts and a silent stretch, in float32 like librosa.load."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(sr * seconds)) / sr
    x = 0.3 * np.sin(2 * np.pi * (110 * t + 0.5 * 2000 * t * t / seconds))
    x += 0.2 * np.sin(2 * np.pi * 440 * t) + 0.05 * np.sin(2 * np.pi * 3520 * t)
    bursts = (np.floor(t * 4) % 2 == 0) * np.exp(-20 * (t * 4 % 1))
    x += 0.2 * bursts * rng.standard_normal(len(t))
    x[int(0.6 * len(x)):int(0.7 * len(x))] = 0
    return x.astype(np.float32)


def save(name, array):
    path = os.path.join(OUT, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    np.save(path, array)
    print(f"{name:60s} {array.dtype} {array.shape}")


def main():
    published = mel_filters(22050, 2048)[0, :6]
    expected = [0, 0.0161829, 0.0323657, 0.0289901, 0.0128072, 0]
    assert np.allclose(published, expected, atol=5e-8), published
    print("first row of filters.mel(sr=22050, n_fft=2048):", published)

    save("librosa/mel_sr22050_n2048_m128_slaney.npy", mel_filters(22050, 2048))
    save("librosa/mel_sr44100_n2048_m64_htk_nonorm.npy", mel_filters(44100, 2048, n_mels=64, htk=True, norm=None))
    save("librosa/mel_sr16000_n512_m40_fmin20_fmax7600_slaney.npy",
         mel_filters(16000, 512, n_mels=40, fmin=20.0, fmax=7600.0))

    y = test_signal(22050, 1.5, 7)
    save("librosa/signal_sr22050.npy", y)
    save("librosa/melspec_sr22050_constant.npy", melspectrogram(y, 22050, pad_mode="constant"))
    save("librosa/melspec_sr22050_reflect.npy", melspectrogram(y, 22050, pad_mode="reflect"))
    y16 = test_signal(16000, 1.0, 11)
    save("librosa/signal_sr16000.npy", y16)
    save("librosa/melspec_sr16000_n512_hop160_m40_htk.npy",
         melspectrogram(y16, 16000, n_fft=512, hop_length=160, n_mels=40, htk=True))

    # .npy format samples, written by numpy.save
    a = np.arange(12, dtype=np.float32).reshape(3, 4) / 8
    save("npy/f4_3x4.npy", a)
    save("npy/f8_fortran_2x3.npy", np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3) - 2.5))
    save("npy/f8_big_endian_4.npy", np.array([1.5, -2.25, 1e300, -0.0], dtype=">f8"))
    save("npy/f2_5.npy", np.array([1.0, -2.5, 65504.0, 6.1035e-05, 5.96e-08], dtype=np.float16))
    save("npy/i2_2x2.npy", np.array([[-32768, 32767], [0, -1]], dtype=np.int16))
    save("npy/u1_3.npy", np.array([0, 128, 255], dtype=np.uint8))
    save("npy/f4_scalar.npy", np.float32(3.25))
    save("npy/f4_empty_0x5.npy", np.zeros((0, 5), dtype=np.float32))


if __name__ == "__main__":
    main()
