"""Small torchvision-style models defined here (no downloads), for tracing and scoring tests."""

import torch
from torch import nn


def conv_bn_relu(c_in: int, c_out: int, stride: int = 1, groups: int = 1, kernel: int = 3) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel, stride, kernel // 2, groups=groups, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(),
    )


class BasicBlock(nn.Module):
    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.a = conv_bn_relu(c_in, c_out, stride)
        self.b = nn.Sequential(nn.Conv2d(c_out, c_out, 3, 1, 1, bias=False), nn.BatchNorm2d(c_out))
        self.short = (
            nn.Identity()
            if stride == 1 and c_in == c_out
            else nn.Sequential(nn.Conv2d(c_in, c_out, 1, stride, bias=False), nn.BatchNorm2d(c_out))
        )
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.b(self.a(x)) + self.short(x))


class ResNetLike(nn.Module):
    def __init__(self, width: int = 16, blocks: int = 2, num_classes: int = 10) -> None:
        super().__init__()
        layers, c = [conv_bn_relu(3, width)], width
        for stage in range(3):
            for k in range(blocks):
                out = width * 2**stage
                layers.append(BasicBlock(c, out, 2 if k == 0 and stage > 0 else 1))
                c = out
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.features(x)), 1))


class InvertedResidual(nn.Module):
    def __init__(self, c_in: int, c_out: int, stride: int, expand: int = 4) -> None:
        super().__init__()
        hidden = c_in * expand
        self.use_res = stride == 1 and c_in == c_out
        self.body = nn.Sequential(
            conv_bn_relu(c_in, hidden, kernel=1),
            conv_bn_relu(hidden, hidden, stride, groups=hidden),
            nn.Conv2d(hidden, c_out, 1, bias=False),
            nn.BatchNorm2d(c_out),
        )

    def forward(self, x):
        y = self.body(x)
        return x + y if self.use_res else y


class MobileNetLike(nn.Module):
    def __init__(self, width: int = 16, depth: int = 2, num_classes: int = 10) -> None:
        super().__init__()
        layers, c = [conv_bn_relu(3, width)], width
        for stage in range(3):
            for k in range(depth):
                out = width * 2**stage
                layers.append(InvertedResidual(c, out, 2 if k == 0 and stage > 0 else 1))
                c = out
        self.features = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, num_classes))

    def forward(self, x):
        return self.head(self.features(x))


def vgg_like(width: int = 16, depth: int = 2, num_classes: int = 10) -> nn.Sequential:
    layers, c = [], 3
    for stage in range(3):
        for _ in range(depth):
            layers.append(conv_bn_relu(c, width * 2**stage))
            c = width * 2**stage
        layers.append(nn.MaxPool2d(2))
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, num_classes))


class DataDependent(nn.Module):
    """Control flow on tensor values: torch.fx cannot trace it."""

    def __init__(self) -> None:
        super().__init__()
        self.a = conv_bn_relu(3, 8)
        self.b = conv_bn_relu(8, 8)
        self.fc = nn.Linear(8, 10)

    def forward(self, x):
        y = self.a(x)
        if y.sum() > 0:
            y = self.b(y) + y
        return self.fc(y.mean((2, 3)))


def resnet_small():
    return ResNetLike(8, 1)


def mobilenet_small():
    return MobileNetLike(8, 1)


def not_a_model():
    return 42
