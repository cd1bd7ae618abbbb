"""Batch augmentations in torch, run on whatever device trains (GPU or CPU).

Doing geometry and photometry on whole batches keeps the data loaders cheap, so the same code
trains in minutes on a GPU box and still trains (slowly) on two CPU cores.
"""
import math

import torch
import torch.nn.functional as F


def _rand(n, lo, hi, g, device):
    return torch.rand(n, generator=g, device=device) * (hi - lo) + lo


def affine(x, g, scale=(0.85, 1.1), aspect=(0.9, 1.12), rot_deg=4.0, shear=0.15,
           tx=0.05, ty=0.08):
    """Random affine per sample (x: B,C,H,W in 0..1), border padding."""
    b, dev = x.shape[0], x.device
    s = _rand(b, *scale, g, dev)
    a = _rand(b, *aspect, g, dev)
    r = _rand(b, -rot_deg, rot_deg, g, dev) * math.pi / 180
    sh = _rand(b, -shear, shear, g, dev)
    cos, sin = torch.cos(r), torch.sin(r)
    theta = torch.zeros(b, 2, 3, device=dev)
    theta[:, 0, 0] = cos / s
    theta[:, 0, 1] = (-sin + sh) / s
    theta[:, 1, 0] = sin / (s * a)
    theta[:, 1, 1] = cos / (s * a)
    theta[:, 0, 2] = _rand(b, -tx, tx, g, dev)
    theta[:, 1, 2] = _rand(b, -ty, ty, g, dev)
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def photometric(x, g, p_blur=0.3, p_lowres=0.25, noise=0.06, p_gray=0.0):
    """Contrast, brightness, gamma, blur, low resolution, noise; per sample."""
    b, dev = x.shape[0], x.device
    shape = (b, 1, 1, 1)
    if p_gray > 0 and x.shape[1] == 3:  # night IR frames are greyscale
        m = (torch.rand(shape, generator=g, device=dev) < p_gray).float()
        x = x * (1 - m) + x.mean(1, keepdim=True).expand_as(x) * m
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    c = _rand(b, 0.45, 1.5, g, dev).view(shape)
    br = _rand(b, -0.25, 0.25, g, dev).view(shape)
    x = ((x - mean) * c + mean + br).clamp(0, 1)
    gamma = torch.exp(_rand(b, -0.6, 0.6, g, dev)).view(shape)
    x = x.clamp_min(1e-4) ** gamma
    if p_blur > 0:
        k = torch.tensor([1.0, 2.0, 1.0], device=dev)
        k = (k[:, None] * k[None, :]) / 16
        k = k.view(1, 1, 3, 3).repeat(x.shape[1], 1, 1, 1)
        blurred = F.conv2d(F.pad(x, (1, 1, 1, 1), mode="replicate"), k, groups=x.shape[1])
        m = (torch.rand(shape, generator=g, device=dev) < p_blur).float()
        x = x * (1 - m) + blurred * m
    if p_lowres > 0:
        h, w = x.shape[-2:]
        f = float(_rand(1, 0.3, 0.7, g, dev))
        small = F.interpolate(x, size=(max(4, int(h * f)), max(4, int(w * f))), mode="bilinear",
                              align_corners=False)
        up = F.interpolate(small, size=(h, w), mode="bilinear", align_corners=False)
        m = (torch.rand(shape, generator=g, device=dev) < p_lowres).float()
        x = x * (1 - m) + up * m
    sigma = _rand(b, 0, noise, g, dev).view(shape)
    x = x + torch.randn(x.shape, generator=g, device=dev) * sigma
    return x.clamp(0, 1)
