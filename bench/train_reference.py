#!/usr/bin/python3
"""Benchmark-only reference: stratum's training iteration (src/train/networks.cpp and steps.cpp) written
in PyTorch for Debian's python3-torch, to time against the C++ trainer on the same machine. Not part of
the product. Same networks (equalized learning rate, pixel norm, minibatch stddev in D only), same
steps (WGAN-GP critic with drift, then G, then E), same Adam settings, same batch.

Usage: /usr/bin/python3 bench/train_reference.py --preset small --size 32 --batch 64 --iterations 5 --threads 2
Prints one JSON object like stratum_bench train."""
import argparse
import json
import math
import time

import torch
import torch.nn.functional as F

PRESETS = {"small": (256, 64, 128), "paper": (8192, 512, 512)}  # fmap_base, fmap_max, latent
SQRT2 = math.sqrt(2.0)


def stages_for(resolution):
    s = 1
    while (4 << (s - 1)) < resolution:
        s += 1
    return s


def width_at(res, base, cap):
    return max(1, min(base >> stages_for(res), cap))


class EqConv(torch.nn.Module):
    def __init__(self, cin, cout, k, gain):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(cout, cin, k, k))
        self.bias = torch.nn.Parameter(torch.zeros(cout))
        self.scale = gain / math.sqrt(cin * k * k)
        self.pad = k // 2

    def forward(self, x):
        return F.conv2d(x, self.weight * self.scale, self.bias, padding=self.pad)


class EqLinear(torch.nn.Module):
    def __init__(self, cin, cout, gain):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.randn(cout, cin))
        self.bias = torch.nn.Parameter(torch.zeros(cout))
        self.scale = gain / math.sqrt(cin)

    def forward(self, x):
        return F.linear(x, self.weight * self.scale, self.bias)


def leaky(x):
    return F.leaky_relu(x, 0.2)


def pixel_norm(x):
    return x * torch.rsqrt(x.pow(2).mean(1, keepdim=True) + 1e-8)


def minibatch_stddev(x, group=4):
    n = x.shape[0]
    g = min(group, n)
    while n % g:
        g -= 1
    _, c, h, w = x.shape
    y = x.reshape(g, n // g, c, h, w)
    y = y - y.mean(0, keepdim=True)
    y = torch.sqrt(y.pow(2).mean(0) + 1e-8).mean((1, 2, 3), keepdim=True)
    return torch.cat([x, y.repeat(g, 1, h, w)], 1)


def up(x):
    return F.interpolate(x, scale_factor=2.0, mode="nearest")


class Generator(torch.nn.Module):
    def __init__(self, res, ch, base, cap, latent):
        super().__init__()
        self.stages = stages_for(res)
        self.c4 = width_at(4, base, cap)
        self.dense = EqLinear(latent, self.c4 * 16, SQRT2 / 4)
        self.conv4 = EqConv(self.c4, self.c4, 3, SQRT2)
        self.up_conv, self.conv = torch.nn.ModuleList(), torch.nn.ModuleList()
        for s in range(2, self.stages + 1):
            r = 4 << (s - 1)
            self.up_conv.append(EqConv(width_at(r // 2, base, cap), width_at(r, base, cap), 3, SQRT2))
            self.conv.append(EqConv(width_at(r, base, cap), width_at(r, base, cap), 3, SQRT2))
        self.to_rgb = EqConv(width_at(res, base, cap), ch, 1, 1.0)

    def forward(self, z):
        h = pixel_norm(leaky(self.dense(pixel_norm(z)).view(-1, self.c4, 4, 4)))
        h = pixel_norm(leaky(self.conv4(h)))
        for uc, c in zip(self.up_conv, self.conv):
            h = pixel_norm(leaky(uc(up(h))))
            h = pixel_norm(leaky(c(h)))
        return self.to_rgb(h)


class Trunk(torch.nn.Module):
    def __init__(self, res, ch, base, cap, mbstd):
        super().__init__()
        self.mbstd = mbstd
        self.from_rgb = EqConv(ch, width_at(res, base, cap), 1, SQRT2)
        self.conv, self.conv_down = torch.nn.ModuleList(), torch.nn.ModuleList()
        for s in range(stages_for(res), 1, -1):
            r = 4 << (s - 1)
            self.conv.append(EqConv(width_at(r, base, cap), width_at(r, base, cap), 3, SQRT2))
            self.conv_down.append(EqConv(width_at(r, base, cap), width_at(r // 2, base, cap), 3, SQRT2))
        c4 = width_at(4, base, cap)
        self.conv4 = EqConv(c4 + (1 if mbstd else 0), c4, 3, SQRT2)

    def forward(self, x):
        h = leaky(self.from_rgb(x))
        for c, cd in zip(self.conv, self.conv_down):
            h = F.avg_pool2d(leaky(cd(leaky(c(h)))), 2)
        if self.mbstd:
            h = minibatch_stddev(h)
        return leaky(self.conv4(h)).flatten(1)


class Critic(torch.nn.Module):
    def __init__(self, res, ch, base, cap):
        super().__init__()
        c4 = width_at(4, base, cap)
        self.trunk = Trunk(res, ch, base, cap, True)
        self.dense = EqLinear(c4 * 16, c4, SQRT2)
        self.out = EqLinear(c4, 1, 1.0)

    def forward(self, x):
        return self.out(leaky(self.dense(self.trunk(x))))


class Encoder(torch.nn.Module):
    def __init__(self, res, ch, base, cap, latent):
        super().__init__()
        self.trunk = Trunk(res, ch, base, cap, False)
        self.dense = EqLinear(width_at(4, base, cap) * 16, latent, SQRT2)

    def forward(self, x):
        return leaky(self.dense(self.trunk(x)))


def trainable(module, on):
    for p in module.parameters():
        p.requires_grad_(on)


def iteration(g, g_ema, d, e, opt_g, opt_d, opt_e, real, latent):
    n = real.shape[0]
    # D step
    trainable(d, True)
    with torch.no_grad():
        fake = g(0.1 * torch.randn(n, latent))
    d_real, d_fake = d(real).view(-1), d(fake).view(-1)
    u = torch.rand(n)
    x_hat = (real + u.view(-1, 1, 1, 1) * (fake - real)).detach().requires_grad_(True)
    grad = torch.autograd.grad(d(x_hat).sum(), x_hat, retain_graph=True, create_graph=True)[0]
    gp = (grad.flatten(1).norm(2, 1) - 1.0).pow(2)
    loss = (d_fake - d_real + 10.0 * gp + 0.001 * d_real.pow(2)).mean()
    opt_d.zero_grad()
    loss.backward()
    opt_d.step()
    with torch.no_grad():
        for pe, pg in zip(g_ema.parameters(), g.parameters()):
            pe.lerp_(pg, 1.0 - 0.999)
    loss.item()
    # G step
    trainable(d, False)
    loss = -d(g(0.1 * torch.randn(n, latent))).mean()
    opt_g.zero_grad()
    loss.backward()
    opt_g.step()
    trainable(d, True)
    loss.item()
    # E step
    with torch.no_grad():
        x_f = g(0.1 * torch.randn(n, latent))
    trainable(g, False)
    loss = (x_f - g(e(x_f))).abs().mean()
    opt_e.zero_grad()
    loss.backward()
    opt_e.step()
    trainable(g, True)
    loss.item()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--preset", choices=sorted(PRESETS), default="small")
    ap.add_argument("--size", type=int, default=32)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--iterations", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0)
    a = ap.parse_args()
    if a.threads > 0:
        torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    base, cap, latent = PRESETS[a.preset]
    g = Generator(a.size, 3, base, cap, latent)
    g_ema = Generator(a.size, 3, base, cap, latent)
    g_ema.load_state_dict(g.state_dict())
    trainable(g_ema, False)
    d = Critic(a.size, 3, base, cap)
    e = Encoder(a.size, 3, base, cap, latent)
    adam = lambda m: torch.optim.Adam(m.parameters(), lr=1e-3, betas=(0.0, 0.99), eps=1e-8)
    opt_g, opt_d, opt_e = adam(g), adam(d), adam(e)
    real = torch.rand(a.batch, 3, a.size, a.size) * 2 - 1
    iteration(g, g_ema, d, e, opt_g, opt_d, opt_e, real, latent)  # warm-up
    times = []
    for _ in range(a.iterations):
        start = time.perf_counter()
        iteration(g, g_ema, d, e, opt_g, opt_d, opt_e, real, latent)
        times.append(time.perf_counter() - start)
    median = sorted(times)[len(times) // 2]
    print(json.dumps({"threads": torch.get_num_threads(), "torch": torch.__version__,
                      "train": {"batch": a.batch, "iterations": a.iterations,
                                "seconds_per_iteration": median, "images_per_s": a.batch / median}}))


if __name__ == "__main__":
    main()
