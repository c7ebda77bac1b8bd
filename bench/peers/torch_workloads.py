# PyTorch CPU on the standard workloads (../shared/bench/WORKLOADS.md), at its fastest idiomatic
# path, as a server the bench drives: each line on stdin names a workload, and the answer is one
# JSON line of that workload's figures from one timed repetition (W1, W2, W3, W5: the model is built
# and warmed up on the first request and kept) or from a whole measurement (G1: the median of 5
# products per size; W4: one 3-epoch run). The bench alternates these repetitions with its own, so
# that both sides of a ratio run in the same minutes.
# Usage: torch_workloads.py THREADS quick|full. The thread count is fixed by the caller through
# OMP/OPENBLAS/MKL_NUM_THREADS before torch is imported; this script also calls torch.set_num_threads.
import gzip, json, os, sys, time
threads = int(sys.argv[1])
quick = len(sys.argv) > 2 and sys.argv[2] == 'quick'
import torch
import numpy as np
torch.set_num_threads(threads)
torch.manual_seed(0)

# The same warm-up counts as bench/timing.ts's warmSteps.
WARM = {'W1': 500 if quick else 3000, 'W2': 200 if quick else 1000, 'W3': 2 if quick else 30, 'C1': 2 if quick else 10, 'C2': 1 if quick else 2, 'C3': 1 if quick else 5, 'T1': 1 if quick else 20, 'GP1': 2 if quick else 20}

REWARM_SECONDS = 0.2  # as bench/timing.ts: an idle core runs the next 100 ms slower

def timed(fn, per):
    """One timed repetition of per calls of fn after REWARM_SECONDS of untimed calls; seconds."""
    w0 = time.perf_counter()
    fn()
    while time.perf_counter() - w0 < REWARM_SECONDS: fn()
    t0 = time.perf_counter()
    for _ in range(per): fn()
    return time.perf_counter() - t0

def stepper(model, loss_fn, opt, x, y):
    def step():
        opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    return step

def warmed(step, steps):
    for _ in range(steps): step()
    return step

def w3model():
    return torch.nn.Sequential(torch.nn.Linear(784, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 10))

def g1():
    out = {}
    for n in ([64, 128, 256, 512] if quick else [64, 128, 256, 512, 1024, 2048]):
        a = torch.rand(n, n); b = torch.rand(n, n)
        torch.mm(a, b)
        ts = sorted(timed(lambda: torch.mm(a, b), 1) for _ in range(5))
        out['G1.%d' % n] = 2 * n ** 3 / ts[2] / 1e9
    return out

def w1():
    x = torch.rand(100, 2); y = (x.sum(1, keepdim=True) > 1).float()
    m = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 1), torch.nn.Sigmoid())
    step = warmed(stepper(m, torch.nn.BCELoss(), torch.optim.SGD(m.parameters(), lr=0.01), x, y), WARM['W1'])
    per = 100 if quick else 500
    return lambda: {'W1': timed(step, per) / per * 1e6}

def w2():
    m = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    x = torch.rand(64, 784); y = torch.arange(64) % 10
    step = warmed(stepper(m, torch.nn.CrossEntropyLoss(), torch.optim.SGD(m.parameters(), lr=0.1), x, y), WARM['W2'])
    per = 20 if quick else 200
    return lambda: {'W2': 64 * per / timed(step, per)}

def w3():
    m = w3model(); x = torch.rand(256, 784); y = torch.arange(256) % 10
    step = warmed(stepper(m, torch.nn.CrossEntropyLoss(), torch.optim.Adam(m.parameters(), lr=1e-3), x, y), WARM['W3'])
    per = 2 if quick else 20  # as bench/workloads.ts's W3_STEPS
    return lambda: {'W3': 256 * per / timed(step, per)}

def c1():
    # C1 (not in WORKLOADS.md; bench/workloads.ts's c1Runner): a LeNet-sized CNN's training step,
    # batch 64 of 1x28x28, SGD with momentum.
    nn = torch.nn
    m = nn.Sequential(nn.Conv2d(1, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(),
                      nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 49, 128), nn.ReLU(), nn.Linear(128, 10))
    x = torch.rand(64, 1, 28, 28); y = torch.arange(64) % 10
    step = warmed(stepper(m, nn.CrossEntropyLoss(), torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9), x, y), WARM['C1'])
    per = 2 if quick else 20
    return lambda: {'C1': 64 * per / timed(step, per)}

def c2():
    # C2 (not in WORKLOADS.md; bench/workloads.ts's c2Runner): two 3x3 convolutions 64 -> 64 with ReLU
    # over batch 32 of 64x56x56, global average pooling, Linear 64-10; SGD with momentum.
    nn = torch.nn
    m = nn.Sequential(nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, 64, 3, padding=1), nn.ReLU(),
                      nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
    x = torch.rand(32, 64, 56, 56); y = torch.arange(32) % 10
    step = warmed(stepper(m, nn.CrossEntropyLoss(), torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9), x, y), WARM['C2'])
    per = 1 if quick else 4
    return lambda: {'C2': 32 * per / timed(step, per)}

def c3():
    # C3 (not in WORKLOADS.md; bench/workloads.ts's c3Runner): 3x3x3 convolutions 16 -> 32 -> 32 with
    # padding 1 and ReLU over 4 volumes of 16^3, global average pooling, Linear 32-10; SGD with momentum.
    nn = torch.nn
    m = nn.Sequential(nn.Conv3d(16, 32, 3, padding=1), nn.ReLU(), nn.Conv3d(32, 32, 3, padding=1), nn.ReLU(),
                      nn.AdaptiveAvgPool3d(1), nn.Flatten(), nn.Linear(32, 10))
    x = torch.rand(4, 16, 16, 16, 16); y = torch.arange(4) % 10
    step = warmed(stepper(m, nn.CrossEntropyLoss(), torch.optim.SGD(m.parameters(), lr=0.01, momentum=0.9), x, y), WARM['C3'])
    per = 1 if quick else 10
    return lambda: {'C3': 4 * per / timed(step, per)}

def t1():
    # T1 (not in WORKLOADS.md; bench/workloads.ts's t1Runner): a Transformer encoder's training step,
    # 2 layers of d_model 256, 8 heads, feed-forward 1024, no dropout, 64 positions x batch 32, causal mask.
    nn = torch.nn
    layer = nn.TransformerEncoderLayer(256, 8, dim_feedforward=1024, dropout=0.0)
    m = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
    opt = torch.optim.Adam(m.parameters(), lr=1e-4)
    x = torch.randn(64, 32, 256); mask = torch.triu(torch.ones(64, 64, dtype=torch.bool), 1)
    def step():
        opt.zero_grad()
        m(x, mask=mask).square().mean().backward()
        opt.step()
    warmed(step, WARM['T1'])
    per = 1 if quick else 5
    return lambda: {'T1': 32 * per / timed(step, per)}

def gp1():
    # GP1 (not in WORKLOADS.md; bench/workloads.ts's gp1Runner): a WGAN-GP critic's step, 784-512-256-1
    # with LeakyReLU(0.2), batch 64, Adam 1e-4: the penalty on the gradient at points between real and
    # fake samples (create_graph), and one backward through it.
    nn = torch.nn
    d = nn.Sequential(nn.Linear(784, 512), nn.LeakyReLU(0.2), nn.Linear(512, 256), nn.LeakyReLU(0.2), nn.Linear(256, 1))
    opt = torch.optim.Adam(d.parameters(), lr=1e-4)
    real, fake = torch.randn(64, 784), torch.randn(64, 784)
    def step():
        eps = torch.rand(64, 1)
        between = (real * eps + fake * (1 - eps)).requires_grad_()
        g, = torch.autograd.grad(d(between).sum(), between, create_graph=True)
        penalty = ((g.square().sum(1) + 1e-12).sqrt() - 1).square().mean()
        opt.zero_grad()
        (d(fake).mean() - d(real).mean() + penalty * 10).backward()
        opt.step()
    warmed(step, WARM['GP1'])
    per = 1 if quick else 5
    return lambda: {'GP1': 64 * per / timed(step, per)}

def w5():
    m = w3model().eval(); x1 = torch.rand(1, 784); x256 = torch.rand(256, 784)
    per1 = 50 if quick else 200
    per = 3 if quick else 10
    def rep():
        with torch.no_grad():
            lat = timed(lambda: m(x1), per1) / per1
            thr = 256 * per / timed(lambda: m(x256), per)
        return {'W5.latencyUs': lat * 1e6, 'W5.samplesPerSec': thr}
    with torch.no_grad():  # batch 256 warms as W3 does, as in bench/workloads.ts
        for _ in range(WARM['W3']): m(x256)
    return rep  # batch 1: warmed by timed()'s re-warm

def w4():
    d = '/usr/share/datasets/fashion-mnist'
    if not os.path.exists(os.path.join(d, 'train-images-idx3-ubyte.gz')): return {}
    def idx(name):
        raw = gzip.open(os.path.join(d, name)).read()
        nd = raw[3]; dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(nd)]
        return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)
    xtr = torch.from_numpy(idx('train-images-idx3-ubyte.gz').reshape(-1, 784).astype(np.float32) / 255)
    ytr = torch.from_numpy(idx('train-labels-idx1-ubyte.gz').astype(np.int64))
    xte = torch.from_numpy(idx('t10k-images-idx3-ubyte.gz').reshape(-1, 784).astype(np.float32) / 255)
    yte = torch.from_numpy(idx('t10k-labels-idx1-ubyte.gz').astype(np.int64))
    m = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(m.parameters(), lr=1e-3); lf = torch.nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    for epoch in range(3):
        perm = torch.randperm(60000)
        for i in range(0, 60000, 128):
            b = perm[i:i + 128]
            opt.zero_grad(); lf(m(xtr[b]), ytr[b]).backward(); opt.step()
    secs = time.perf_counter() - t0
    with torch.no_grad(): acc = (m(xte).argmax(1) == yte).float().mean().item()
    return {'W4.seconds': secs, 'W4.accuracy': acc}

# O1 (bench/ops.ts): single ops on n x n uniform [0, 1) tensors, output allocation included; the
# same names as O1_OPS there. transpose is made contiguous: ours copies into the new layout.
O1_OPS = [
    ('add', lambda a, b, r, c: a + b), ('add row', lambda a, b, r, c: a + r), ('mul col', lambda a, b, r, c: a * c),
    ('add scalar', lambda a, b, r, c: a + 1.5), ('div', lambda a, b, r, c: a / b), ('pow 2', lambda a, b, r, c: a.pow(2)),
    ('exp', lambda a, b, r, c: a.exp()), ('relu', lambda a, b, r, c: a.relu()), ('sigmoid', lambda a, b, r, c: a.sigmoid()),
    ('tanh', lambda a, b, r, c: a.tanh()), ('gelu', lambda a, b, r, c: torch.nn.functional.gelu(a)),
    ('sum', lambda a, b, r, c: a.sum()), ('sum dim0', lambda a, b, r, c: a.sum(0)), ('sum dim1', lambda a, b, r, c: a.sum(1)),
    ('max dim1', lambda a, b, r, c: a.max(1)), ('argmax dim1', lambda a, b, r, c: a.argmax(1)),
    ('min dim1', lambda a, b, r, c: a.min(1)), ('argmin dim1', lambda a, b, r, c: a.argmin(1)),
    # amax: the values alone, as ours returns (a.max(0) also makes the indices: 28 ms here, not 0.9).
    ('max dim0', lambda a, b, r, c: a.amax(0)), ('argmin dim0', lambda a, b, r, c: a.argmin(0)),
    ('logsumexp dim0', lambda a, b, r, c: a.logsumexp(0)),
    ('softmax dim1', lambda a, b, r, c: a.softmax(1)), ('softmax dim0', lambda a, b, r, c: a.softmax(0)),
    ('logSoftmax dim1', lambda a, b, r, c: a.log_softmax(1)), ('transpose', lambda a, b, r, c: a.t().contiguous()),
    ('clamp', lambda a, b, r, c: a.clamp(0.2, 0.8)), ('where', lambda a, b, r, c: torch.where(a > 0.5, a, b)),
    ('softplus', lambda a, b, r, c: torch.nn.functional.softplus(a)),
    ('bce with logits', lambda a, b, r, c: torch.nn.functional.binary_cross_entropy_with_logits(a, b, reduction='none')),
    ('index select', lambda a, b, r, c: a.index_select(0, o1_rows)),
    ('gather dim1', lambda a, b, r, c: a.gather(1, o1_pick)),
    # ours copies what torch views: made contiguous
    ('narrow 3 cols', lambda a, b, r, c: a.narrow(1, 5, 3).contiguous()),
    ('select col', lambda a, b, r, c: a.select(1, 5).contiguous()),
    ('cat dim1', lambda a, b, r, c: torch.cat([c, a, c], 1)),
    ('rand', lambda a, b, r, c: torch.rand(a.shape)), ('randn', lambda a, b, r, c: torch.randn(a.shape)),
    ('sin', lambda a, b, r, c: a.sin()), ('tan', lambda a, b, r, c: a.tan()), ('atan2', lambda a, b, r, c: torch.atan2(a, b)),
    ('fmod', lambda a, b, r, c: torch.fmod(a, 0.3)), ('hardswish', lambda a, b, r, c: torch.nn.functional.hardswish(a)),
    ('relu6', lambda a, b, r, c: torch.nn.functional.relu6(a)), ('smooth l1 loss', lambda a, b, r, c: torch.nn.functional.smooth_l1_loss(a, b)),
    ('sort dim1', lambda a, b, r, c: a.sort(1).values), ('masked select', lambda a, b, r, c: a.masked_select(a > 0.5)),
    ('max pool1d', lambda a, b, r, c: torch.nn.functional.max_pool1d(a.reshape(a.shape[0], 1, a.shape[1]), 2)),
    # torch's default: past 25 rows a matrix product (ours the differences, as its direct path)
    ('cdist 64 cols', lambda a, b, r, c: torch.cdist(a[:, :64], b[:, :64])),
    ('avg pool2d 2', lambda a, b, r, c: torch.nn.functional.avg_pool2d(a.reshape(-1, 64, 32, 32), 2)),
    ('avg pool2d 3 s1', lambda a, b, r, c: torch.nn.functional.avg_pool2d(a.reshape(-1, 64, 32, 32), 3, 1, 1)),
    ('adaptive avg 7', lambda a, b, r, c: torch.nn.functional.adaptive_avg_pool2d(a.reshape(-1, 64, 32, 32), 7)),
]
o1_rows = o1_pick = None  # set by o1(): bench/ops.ts's o1Rows and o1Pick

def timed_ops(prefix, ops, args):
    """One repetition of every op: two untimed calls, then the median of five timed ones, in ms,
    keyed '<prefix>.<name>' (bench/ops.ts's timedOps)."""
    def rep():
        out = {}
        with torch.no_grad():
            for name, op in ops:
                op(*args); op(*args)
                ts = []
                for _ in range(5):
                    t0 = time.perf_counter(); op(*args); ts.append(time.perf_counter() - t0)
                out[prefix + '.' + name] = sorted(ts)[2] * 1e3
        return out
    return rep

def o1():
    global o1_rows, o1_pick
    n = 1024 if quick else 2048
    o1_rows = torch.tensor([((i >> 1) * 7) % n for i in range(n)], dtype=torch.int64)
    e = torch.arange(n * n, dtype=torch.int64)
    o1_pick = ((e // n) * 7 + (e % n) * 13).remainder(n).reshape(n, n)
    return timed_ops('O1', O1_OPS, (torch.rand(n, n), torch.rand(n, n), torch.rand(n), torch.rand(n, 1)))

# L1 (bench/linalg.ts): the LU, Cholesky and QR families on one n x n matrix, uniform [0, 1) plus the
# identity (for Cholesky, a a^T / n + I), svd, svdvals and eigh on a 256 x 256 one, the FFTs, and istft
# of that one's stft (z); the same names as L1_OPS there, each result freed before the next call (ours
# disposes it).
L1_OPS = [
    ('det', lambda a, s, b, c, z: torch.linalg.det(a)), ('slogdet', lambda a, s, b, c, z: torch.linalg.slogdet(a)[1]),
    ('inv', lambda a, s, b, c, z: torch.linalg.inv(a)), ('solve 64 cols', lambda a, s, b, c, z: torch.linalg.solve(a, b)),
    ('cholesky', lambda a, s, b, c, z: torch.linalg.cholesky(s)),
    ('solveTriangular 64 cols', lambda a, s, b, c, z: torch.linalg.solve_triangular(a, b, upper=True)),
    ('qr', lambda a, s, b, c, z: torch.linalg.qr(a)[1]),
    ('svd 256x256', lambda a, s, b, c, z: torch.linalg.svd(c)[0]), ('svdvals 256x256', lambda a, s, b, c, z: torch.linalg.svdvals(c)),
    ('eigh 256x256', lambda a, s, b, c, z: torch.linalg.eigh(c)[1]),
    ('rfft 64x1024', lambda a, s, b, c, z: torch.fft.rfft(c.reshape(64, 1024))),
    ('rfft 64x1000', lambda a, s, b, c, z: torch.fft.rfft(c.reshape(64, 1024), n=1000)),
    ('stft nFft 400 hop 160 1x65536', lambda a, s, b, c, z: torch.view_as_real(torch.stft(c.reshape(65536), 400, hop_length=160, window=torch.hann_window(400), return_complex=True))),
    ('istft nFft 400 hop 160 1x65536', lambda a, s, b, c, z: torch.istft(z, 400, hop_length=160, window=torch.hann_window(400))),
    ('rfft as one row', lambda a, s, b, c, z: torch.fft.rfft(a.reshape(-1))),
    ('fft as one complex row', lambda a, s, b, c, z: torch.view_as_real(torch.fft.fft(torch.view_as_complex(a.reshape(-1, 2))))),
]

def l1():
    n = 256 if quick else 1024
    a = torch.rand(n, n) + torch.eye(n)
    c = torch.rand(256, 256) + torch.eye(256)
    spectrum = torch.stft(c.reshape(65536), 400, hop_length=160, window=torch.hann_window(400), return_complex=True)
    return timed_ops('L1', L1_OPS, (a, a @ a.t() / n + torch.eye(n), torch.rand(n, 64), c, spectrum))

# P1 (bench/small_side.ts): products with a small side, torch.matmul and F.linear on uniform [0, 1)
# operands, under the names of P1_PRODUCTS and P1_LINEAR there.
P1_PRODUCTS = [
    ('affine grid [16384,3]@[3,2]', (16384, 3), (3, 2)),
    ('grid gradient [3,16384]@[16384,2]', (3, 16384), (16384, 2)),
    ('regression [100000,10]@[10,1]', (100000, 10), (10, 1)),
    ('regression gradient [10,100000]@[100000,1]', (10, 100000), (100000, 1)),
    ('gram [3,100000]@[100000,3]', (3, 100000), (100000, 3)),
    ('features [50000,8]@[8,8]', (50000, 8), (8, 8)),
    ('[4096,4]@[4,4]', (4096, 4), (4, 4)),
]
P1_LINEAR = [('linear 2->64 on 10000 rows', 10000, 2, 64), ('linear 8->4 on 10000 rows', 10000, 8, 4), ('linear 10->1 on 10000 rows', 10000, 10, 1)]

def p1():
    torch.manual_seed(0)
    operands = {name: (torch.rand(*sa), torch.rand(*sb)) for name, sa, sb in P1_PRODUCTS}
    operands.update({name: (torch.rand(rows, f_in), torch.rand(f_out, f_in)) for name, rows, f_in, f_out in P1_LINEAR})
    ops = [(name, lambda o, name=name: torch.matmul(*o[name])) for name, _, _ in P1_PRODUCTS]
    ops += [(name, lambda o, name=name: torch.nn.functional.linear(*o[name])) for name, _, _, _ in P1_LINEAR]
    return timed_ops('P1', ops, (operands,))

prepare = {'W1': w1, 'W2': w2, 'W3': w3, 'W5': w5, 'O1': o1, 'C1': c1, 'C2': c2, 'C3': c3, 'T1': t1, 'GP1': gp1, 'L1': l1, 'P1': p1}
whole = {'G1': g1, 'W4': w4}
runners = {}
def blas_library():
    """The BLAS library torch's products call, as the process has it mapped after one product.
    Debian's torch links the system's libblas.so.3, which is OpenBLAS only when an OpenBLAS
    package is installed; otherwise it is the reference (netlib) BLAS in .../blas/, ~20x slower.
    (LAPACK's library may be OpenBLAS's even then: only BLAS's own counts.)"""
    torch.rand(64, 64) @ torch.rand(64, 64)
    try:
        with open('/proc/self/maps') as maps:
            paths = {line.split()[-1] for line in maps if line.split()[-1].startswith('/')}
    except OSError:
        return 'unknown'
    for prefix in ('libblas', 'libopenblas', 'libmkl'):
        found = sorted(p for p in paths if os.path.basename(p).startswith(prefix))
        if found: return found[0]
    return 'unknown'

print(json.dumps({'torch': torch.__version__, 'threads': threads, 'blas': blas_library()}), flush=True)
for line in sys.stdin:
    wid = line.strip()
    if wid in whole:
        out = whole[wid]()
    elif wid in prepare:
        if wid not in runners: runners[wid] = prepare[wid]()
        out = runners[wid]()
    else:
        out = {'error': 'unknown workload %r' % wid}
    print(json.dumps(out), flush=True)
