"""Networks of the benchmark spaces written apart from :mod:`tgnas.networks` (other layouts, other
habits), for the tests and benchmarks that read traced networks back into their architectures."""

import torch
from torch import nn

# DARTS (second order), the genotype the DARTS paper reports for CIFAR-10
DARTS_V2 = (
    "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), "
    "('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], "
    "normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), "
    "('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), "
    "('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])"
)


class NB101Like(nn.Module):
    """A NAS-Bench-101 network written apart from :mod:`tgnas.networks.nb101`: every vertex as wide as the
    output's share, functional ReLUs, sums in a loop, an adaptive-pool head; ``cells`` per stack."""

    def __init__(self, matrix, ops, width: int = 8, cells: int = 3, num_classes: int = 10) -> None:
        super().__init__()
        self.matrix, self.cells = matrix, cells
        n = len(matrix)
        self.stem = nn.Conv2d(3, width, 3, padding=1)
        self.stem_bn = nn.BatchNorm2d(width)
        self.blocks = nn.ModuleList()
        c_in = width
        for stack in range(3):
            c_out = width * 2**stack
            for _ in range(cells):
                feeding = sum(matrix[v][n - 1] for v in range(1, n - 1))
                share = c_out // max(1, feeding)
                joined = share * feeding or c_out  # the concatenation's width
                block = nn.ModuleDict()
                for v in range(1, n):
                    w = joined if v == n - 1 else share
                    if matrix[0][v]:
                        block[f"in{v}"] = nn.Sequential(nn.Conv2d(c_in, w, 1), nn.BatchNorm2d(w))
                    if v < n - 1:
                        k = 3 if "3x3" in ops[v] else 1
                        conv = nn.Conv2d(share, share, k, padding=k // 2)
                        conv = nn.Sequential(conv, nn.BatchNorm2d(share))
                        block[f"op{v}"] = nn.MaxPool2d(3, 1, 1) if ops[v] == "maxpool3x3" else conv
                self.blocks.append(block)
                c_in = joined
        self.down = nn.MaxPool2d(2, 2)
        self.pool, self.fc = nn.AdaptiveAvgPool2d(1), nn.Linear(c_in, num_classes)

    def _cell(self, block, x):
        n, states = len(self.matrix), [x]
        for v in range(1, n):
            total = None
            for u in range(v):
                if self.matrix[u][v] and (u > 0 or v < n - 1):
                    t = torch.relu(block[f"in{v}"](x)) if u == 0 else states[u]
                    total = t if total is None else total + t
            if v < n - 1:
                y = block[f"op{v}"](total)
                states.append(y if isinstance(block[f"op{v}"], nn.MaxPool2d) else torch.relu(y))
        feeding = [states[u] for u in range(1, n - 1) if self.matrix[u][n - 1]]
        out = torch.cat(feeding, 1) if len(feeding) > 1 else (feeding[0] if feeding else None)
        if self.matrix[0][n - 1]:
            skip = torch.relu(block[f"in{n - 1}"](x))
            out = skip if out is None else out + skip
        return out

    def forward(self, x):
        x = torch.relu(self.stem_bn(self.stem(x)))
        for k, block in enumerate(self.blocks):
            if k and k % self.cells == 0:
                x = self.down(x)
            x = self._cell(block, x)
        return self.fc(torch.flatten(self.pool(x), 1))


class DartsLike(nn.Module):
    """A DARTS evaluation network written apart from :mod:`tgnas.networks.darts`: pools followed by a
    normalisation, functional ReLUs and head, ``layers`` cells (``genotype``: a ``DartsArch``). With
    ``auxiliary``, training also runs drop-path on the cells' edges and an auxiliary head after the second
    reduction, returning its logits too, as DARTS's training code does."""

    def __init__(
        self, genotype, width: int = 4, layers: int = 5, num_classes: int = 10, auxiliary: bool = False
    ) -> None:
        super().__init__()
        self.aux = (
            nn.Sequential(nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.LazyLinear(num_classes))
            if auxiliary
            else None
        )
        self.genotypes, self.layers = [genotype] * layers, layers  # per cell: a test may mix them
        stem = nn.Conv2d(3, 3 * width, 3, padding=1, bias=False)
        self.stem = nn.Sequential(stem, nn.BatchNorm2d(3 * width))
        self.cells = nn.ModuleList()
        c_pp = c_p = 3 * width
        c, reduced = width, False
        for k in range(layers):
            reduction = k in (layers // 3, 2 * layers // 3)
            c = 2 * c if reduction else c
            cell = nn.ModuleDict()
            cell["pre0"] = self._reduce(c_pp, c) if reduced else self._squeeze(c_pp, c)
            cell["pre1"] = self._squeeze(c_p, c)
            edges = genotype.reduce if reduction else genotype.normal
            for i, (op, src) in enumerate(edges):
                cell[f"e{i}"] = self._op(op, c, 2 if reduction and src < 2 else 1)
            self.cells.append(cell)
            concat = genotype.reduce_concat if reduction else genotype.normal_concat
            c_pp, c_p, reduced = c_p, len(concat) * c, reduction
        self.fc = nn.Linear(c_p, num_classes)

    @staticmethod
    def _squeeze(c_in: int, c: int) -> nn.Module:
        return nn.Sequential(nn.ReLU(), nn.Conv2d(c_in, c, 1, bias=False), nn.BatchNorm2d(c))

    @staticmethod
    def _reduce(c_in: int, c: int) -> nn.Module:
        class Reduce(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.a, self.b = nn.Conv2d(c_in, c // 2, 1, 2), nn.Conv2d(c_in, c - c // 2, 1, 2)
                self.bn = nn.BatchNorm2d(c)

            def forward(self, x):
                x = torch.relu(x)
                return self.bn(torch.cat([self.a(x), self.b(x[:, :, 1:, 1:])], 1))

        return Reduce()

    def _op(self, name: str, c: int, stride: int) -> nn.Module:
        if name == "skip_connect":
            return nn.Identity() if stride == 1 else self._reduce(c, c)
        if name.endswith("pool_3x3"):
            pool = nn.MaxPool2d(3, stride, 1) if name.startswith("max") else nn.AvgPool2d(3, stride, 1)
            return nn.Sequential(pool, nn.BatchNorm2d(c))
        k, dilation = int(name[-1]), 2 if name.startswith("dil") else 1

        def half(s: int) -> list[nn.Module]:
            pad = dilation * (k - 1) // 2
            return [nn.ReLU(), nn.Conv2d(c, c, k, s, pad, dilation=dilation, groups=c, bias=False),
                    nn.Conv2d(c, c, 1, bias=False), nn.BatchNorm2d(c)]  # fmt: skip

        return nn.Sequential(*half(stride), *(half(1) if name.startswith("sep") else []))

    def forward(self, x):
        s0 = s1 = self.stem(x)
        for k, cell in enumerate(self.cells):
            genotype, reduction = self.genotypes[k], k in (self.layers // 3, 2 * self.layers // 3)
            edges = genotype.reduce if reduction else genotype.normal
            concat = genotype.reduce_concat if reduction else genotype.normal_concat
            states = [cell["pre0"](s0), cell["pre1"](s1)]
            for i in range(0, len(edges), 2):
                a, b = cell[f"e{i}"](states[edges[i][1]]), cell[f"e{i + 1}"](states[edges[i + 1][1]])
                if self.aux is not None and self.training:  # drop-path, keeping 80 %
                    a = a * torch.bernoulli(torch.full_like(a[:, :1, :1, :1], 0.8)) / 0.8
                states.append(a + b)
            s0, s1 = s1, torch.cat([states[j] for j in concat], 1)
            if self.aux is not None and self.training and k == 2 * self.layers // 3:
                aux = self.aux(s1)
        logits = self.fc(nn.functional.adaptive_avg_pool2d(s1, 1).flatten(1))
        return (logits, aux) if self.aux is not None and self.training else logits


class NB201Like(nn.Module):
    """A NAS-Bench-201 network written apart from :mod:`tgnas.networks.nb201`: ``none`` edges left out (no
    multiplication by zero, but for a node without inputs), skips as plain references, functional ReLUs, a
    head averaging by ``mean`` and returning the features beside the logits; ``cells`` per stage.
    ``ops[target][source]`` names each edge's operation."""

    def __init__(self, ops, width: int = 4, cells: int = 2, num_classes: int = 10) -> None:
        super().__init__()
        self.cells = cells
        self.stem = nn.Sequential(nn.Conv2d(3, width, 3, padding=1, bias=False), nn.BatchNorm2d(width))
        self.blocks, self.ops = nn.ModuleList(), []  # ops: per block, its edges' operations (a test may mix)
        c = width
        for stage in range(3):
            if stage:
                a = nn.Sequential(nn.ReLU(), nn.Conv2d(c, 2 * c, 3, 2, 1), nn.BatchNorm2d(2 * c))
                b = nn.Sequential(nn.ReLU(), nn.Conv2d(2 * c, 2 * c, 3, 1, 1), nn.BatchNorm2d(2 * c))
                short = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(c, 2 * c, 1))
                self.blocks.append(nn.ModuleDict({"a": a, "b": b, "short": short}))
                self.ops.append(None)
                c *= 2
            for _ in range(cells):
                edges = nn.ModuleDict()
                for t in (1, 2, 3):
                    for s in range(t):
                        name = ops[t][s]
                        if name.startswith("nor_conv"):
                            k = int(name[-1])
                            conv = nn.Conv2d(c, c, k, padding=k // 2)
                            edges[f"{t}{s}"] = nn.Sequential(conv, nn.BatchNorm2d(c))
                        elif name == "avg_pool_3x3":
                            edges[f"{t}{s}"] = nn.AvgPool2d(3, 1, 1)
                self.blocks.append(edges)
                self.ops.append(ops)
        self.last = nn.BatchNorm2d(c)
        self.fc = nn.Linear(c, num_classes)

    def forward(self, x):
        x = self.stem(x)
        for block, ops in zip(self.blocks, self.ops, strict=True):
            if ops is None:
                x = block["b"](block["a"](x)) + block["short"](x)
                continue
            nodes = [x]
            for t in (1, 2, 3):
                terms = []
                for s in range(t):
                    name = ops[t][s]
                    if name == "skip_connect":
                        terms.append(nodes[s])
                    elif name.startswith("nor_conv"):
                        terms.append(block[f"{t}{s}"](torch.relu(nodes[s])))
                    elif name == "avg_pool_3x3":
                        terms.append(block[f"{t}{s}"](nodes[s]))
                nodes.append(sum(terms[1:], terms[0]) if terms else x.mul(0.0))  # no input: zeros
            x = nodes[3]
        features = torch.relu(self.last(x)).mean((2, 3))
        return features, self.fc(features)  # as NATS-Bench's network returns them


class _NormAct(nn.BatchNorm2d):
    """timm's way: a BatchNorm2d subclass calling the functional batch norm, then its activation."""

    def __init__(self, c: int, act: bool = True) -> None:
        super().__init__(c)
        self.act = nn.SiLU(inplace=True) if act else nn.Identity()

    def forward(self, x):
        x = nn.functional.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias, False)
        return self.act(x)


def _conv_norm_act(c_in, c_out, k=1, s=1, groups=1, act=True, timm=False):
    conv = nn.Conv2d(c_in, c_out, k, s, k // 2, groups=groups, bias=False)
    if timm:
        return nn.Sequential(conv, _NormAct(c_out, act))
    layers = [conv, nn.BatchNorm2d(c_out)]
    return nn.Sequential(*layers, nn.SiLU(inplace=True)) if act else nn.Sequential(*layers)


class _SqueezeExcite(nn.Module):
    def __init__(self, c: int, squeeze: int, timm: bool = False) -> None:
        super().__init__()
        self.avgpool, self.timm = nn.AdaptiveAvgPool2d(1), timm
        self.fc1, self.fc2 = nn.Conv2d(c, squeeze, 1), nn.Conv2d(squeeze, c, 1)
        self.act, self.scale = nn.SiLU(), nn.Sigmoid()

    def forward(self, x):
        if self.timm:  # pooled by a mean, gated by the function
            return x * torch.sigmoid(self.fc2(self.act(self.fc1(x.mean((2, 3), keepdim=True)))))
        return self.scale(self.fc2(self.act(self.fc1(self.avgpool(x))))) * x


class _MBConv(nn.Module):
    def __init__(self, c_in: int, c_out: int, e: int, k: int, s: int, se: bool, timm: bool = False) -> None:
        super().__init__()
        mid = c_in * e
        layers = [_conv_norm_act(c_in, mid, timm=timm)] if e != 1 else []
        layers.append(_conv_norm_act(mid, mid, k, s, groups=mid, timm=timm))
        layers += [_SqueezeExcite(mid, max(1, c_in // 4), timm)] if se else []
        layers.append(_conv_norm_act(mid, c_out, act=False, timm=timm))
        self.block, self.residual = nn.Sequential(*layers), s == 1 and c_in == c_out

    def forward(self, x):
        y = self.block(x)
        return y + x if self.residual else y


class ANBLike(nn.Module):
    """An Accel-NASBench network written apart from :mod:`tgnas.networks.anb`, in torchvision's
    EfficientNet style (conv-norm-activation triples, the SE's gate multiplying its input, a dropout head);
    ``arch`` is an ``ANBArch``. With ``timm``, in timm's: normalisations that call the functional batch norm
    and hold their activation, the SE pooled by a mean and gated by ``torch.sigmoid``."""

    def __init__(self, arch, timm: bool = False) -> None:
        super().__init__()
        from tgnas.spaces.anb import IN_CHANNELS, OUT_CHANNELS, STRIDES

        features = [_conv_norm_act(3, 32, 3, 2, timm=timm)]
        for b, block in enumerate(arch.blocks):
            for i in range(block.layers):
                c_in, stride = (IN_CHANNELS[b], STRIDES[b]) if i == 0 else (OUT_CHANNELS[b], 1)
                layer = _MBConv(c_in, OUT_CHANNELS[b], block.expansion, block.kernel, stride, block.se, timm)
                features.append(layer)
        features.append(_conv_norm_act(OUT_CHANNELS[-1], 1280, timm=timm))
        self.features, self.avgpool = nn.Sequential(*features), nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(0.2), nn.Linear(1280, 1000))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


class _Passthrough(nn.Module):
    def forward(self, x):
        return x  # traced through: no node of its own


class _Nothing(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


class NATSLike(nn.Module):
    """A NAS-Bench-201 network in the layout of the benchmark authors' code: per cell one list of operation
    modules and, per node, the indices of its operations and inputs, summed by ``sum``; skips and zeros as
    small custom modules (a skip leaves no node in the trace); a residual block between stages; returns the
    pooled features and the logits. ``genotype[j - 1]`` lists node ``j``'s ``(operation, input)`` pairs."""

    def __init__(self, genotype, width: int = 4, cells: int = 5, num_classes: int = 10) -> None:
        super().__init__()

        def unit(c_in, c_out, k, s):
            conv = nn.Conv2d(c_in, c_out, k, s, k // 2, bias=False)
            return nn.Sequential(nn.ReLU(), conv, nn.BatchNorm2d(c_out))

        make = {
            "none": lambda c: _Nothing(),
            "skip_connect": lambda c: _Passthrough(),
            "avg_pool_3x3": lambda c: nn.AvgPool2d(3, 1, 1, count_include_pad=False),
            "nor_conv_1x1": lambda c: unit(c, c, 1, 1),
            "nor_conv_3x3": lambda c: unit(c, c, 3, 1),
        }
        self.stem = nn.Sequential(nn.Conv2d(3, width, 3, padding=1, bias=False), nn.BatchNorm2d(width))
        self.cells, self.plans = nn.ModuleList(), []
        c = width
        for stage in range(3):
            if stage:
                block = nn.ModuleDict(
                    {"a": unit(c, 2 * c, 3, 2), "b": unit(2 * c, 2 * c, 3, 1),
                     "down": nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(c, 2 * c, 1, bias=False))}
                )  # fmt: skip
                self.cells.append(block)
                self.plans.append(None)
                c *= 2
            for _ in range(cells):
                layers, plan = nn.ModuleList(), []
                for node in genotype:
                    plan.append([(len(layers) + k, source) for k, (_, source) in enumerate(node)])
                    layers.extend(make[op](c) for op, _ in node)
                self.cells.append(layers)
                self.plans.append(plan)
        self.lastact = nn.Sequential(nn.BatchNorm2d(c), nn.ReLU())
        self.pool, self.classifier = nn.AdaptiveAvgPool2d(1), nn.Linear(c, num_classes)

    def forward(self, x):
        x = self.stem(x)
        for cell, plan in zip(self.cells, self.plans, strict=True):
            if plan is None:
                x = cell["down"](x) + cell["b"](cell["a"](x))
                continue
            nodes = [x]
            for node in plan:
                nodes.append(sum(cell[k](nodes[source]) for k, source in node))
            x = nodes[-1]
        out = self.pool(self.lastact(x)).view(x.size(0), -1)
        return out, self.classifier(out)
