#!/usr/bin/env python3
"""PyTorch reference for scripts/bench/train_vs_torch.sh: times SGD training steps of one of
the reference nets (tiny, mid, full; see `go doc evo/train`, section Reference nets) on random
32x32x3 data, with the same architecture, optimiser (SGD, momentum 0.9, weight decay 1e-4)
and batch size as evo-bench, on 2 threads, and prints one line of key=value pairs:

    torch net=full batch=50 step_ms=... steps_per_s=... images_per_s=... peak_rss_mb=...
"""
import argparse
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv_bn(cin, cout, stride):
    # 'SAME' padding for 3x3: TensorFlow puts the extra row bottom/right at stride 2 on even
    # sizes; PyTorch pads 1 on every side. The work is the same, which is what is timed here.
    return nn.Sequential(nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False),
                         nn.BatchNorm2d(cout, momentum=0.1, eps=1e-3), nn.ReLU())


class Net(nn.Module):
    def __init__(self, name):
        super().__init__()
        self.name = name
        if name == "tiny":
            self.convs, c = nn.ModuleList(), 3
        elif name == "mid":
            self.convs, c = nn.ModuleList([conv_bn(3, 16, 1), conv_bn(16, 32, 2), conv_bn(32, 32, 1)]), 32
        elif name == "full":
            self.convs = nn.ModuleList([conv_bn(3, 64, 1), conv_bn(64, 64, 1), conv_bn(64, 128, 2),
                                        conv_bn(128, 128, 1)])
            c = 128
        else:
            raise SystemExit(f"unknown net {name!r}: use tiny, mid or full")
        self.fc = nn.Linear(c, 10)

    def forward(self, x):
        if self.name == "full":
            a = self.convs[0](x)
            b = self.convs[1](a)
            h = self.convs[2](b)
            # identity skip from the 64-channel 32x32 vertex into the 128-channel 16x16 vertex,
            # before its activation: nearest-neighbour subsample and zero-pad the channels.
            pre = self.convs[3][0](h)
            skip = F.pad(b[:, :, ::2, ::2], (0, 0, 0, 0, 0, 64))
            x = self.convs[3][2](self.convs[3][1](pre + skip))
        else:
            for m in self.convs:
                x = m(x)
        return self.fc(x.mean(dim=(2, 3)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--net", default="full")
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--batch", type=int, default=50)
    p.add_argument("--threads", type=int, default=2)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    net = Net(a.net)
    opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, weight_decay=1e-4)
    x = torch.randn(500, 3, 32, 32)
    y = torch.randint(0, 10, (500,))

    def step(i):
        j = (i * a.batch) % (500 - a.batch)
        opt.zero_grad()
        loss = F.cross_entropy(net(x[j:j + a.batch]), y[j:j + a.batch])
        loss.backward()
        opt.step()

    for i in range(a.warmup):
        step(i)
    t0 = time.perf_counter()
    for i in range(a.steps):
        step(i)
    sec = (time.perf_counter() - t0) / a.steps
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"torch net={a.net} batch={a.batch} step_ms={sec * 1e3:.3f} steps_per_s={1 / sec:.2f} "
          f"images_per_s={a.batch / sec:.1f} peak_rss_mb={rss:.0f}")


if __name__ == "__main__":
    main()
