# PyTorch CPU on the standard workloads (../shared/bench/WORKLOADS.md), at its fastest idiomatic
# path. The thread count is fixed by the caller through OMP/OPENBLAS/MKL_NUM_THREADS before torch is
# imported; this script also calls torch.set_num_threads. Prints one JSON object.
import json, os, sys, time
threads = int(sys.argv[1])
quick = len(sys.argv) > 2 and sys.argv[2] == 'quick'
only = set(sys.argv[3].split(',')) if len(sys.argv) > 3 and sys.argv[3] else None
import torch
import numpy as np
torch.set_num_threads(threads)
torch.manual_seed(0)

def median_time(fn, reps=5, warmup=1):
    for _ in range(warmup): fn()
    ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); fn(); ts.append(time.perf_counter() - t0)
    return float(np.median(ts))

def stepper(model, loss_fn, opt, x, y):
    def step():
        opt.zeroGrad() if hasattr(opt, 'zeroGrad') else opt.zero_grad()
        loss_fn(model(x), y).backward()
        opt.step()
    return step

out = {'threads': threads, 'torch': torch.__version__}
want = lambda k: only is None or k in only

if want('G1'):
    g = {}
    for n in ([64, 128, 256, 512] if quick else [64, 128, 256, 512, 1024, 2048]):
        a = torch.rand(n, n); b = torch.rand(n, n)
        t = median_time(lambda: torch.mm(a, b), reps=5)
        g[str(n)] = 2 * n ** 3 / t / 1e9
    out['G1'] = g

if want('W1'):
    x = torch.rand(100, 2); y = (x.sum(1, keepdim=True) > 1).float()
    m = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Sigmoid(), torch.nn.Linear(4, 1), torch.nn.Sigmoid())
    step = stepper(m, torch.nn.BCELoss(), torch.optim.SGD(m.parameters(), lr=0.01), x, y)
    per = 100 if quick else 200
    out['W1'] = median_time(lambda: [step() for _ in range(per)]) / per * 1e6

if want('W2'):
    m = torch.nn.Sequential(torch.nn.Linear(784, 128), torch.nn.ReLU(), torch.nn.Linear(128, 10))
    x = torch.rand(64, 784); y = torch.arange(64) % 10
    step = stepper(m, torch.nn.CrossEntropyLoss(), torch.optim.SGD(m.parameters(), lr=0.1), x, y)
    per = 20 if quick else 50
    out['W2'] = 64 * per / median_time(lambda: [step() for _ in range(per)])

def w3model():
    return torch.nn.Sequential(torch.nn.Linear(784, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 10))

if want('W3'):
    m = w3model(); x = torch.rand(256, 784); y = torch.arange(256) % 10
    step = stepper(m, torch.nn.CrossEntropyLoss(), torch.optim.Adam(m.parameters(), lr=1e-3), x, y)
    per = 2 if quick else 5
    out['W3'] = 256 * per / median_time(lambda: [step() for _ in range(per)])

if want('W5'):
    m = w3model().eval(); x1 = torch.rand(1, 784); x256 = torch.rand(256, 784)
    with torch.no_grad():
        per1 = 50 if quick else 200
        lat = median_time(lambda: [m(x1) for _ in range(per1)]) / per1
        per = 3 if quick else 10
        t = median_time(lambda: [m(x256) for _ in range(per)]) / per
    out['W5'] = {'latencyUs': lat * 1e6, 'samplesPerSec': 256 / t}

if want('W4') and not quick:
    import gzip
    d = '/usr/share/datasets/fashion-mnist'
    def idx(name):
        raw = gzip.open(os.path.join(d, name)).read()
        nd = raw[3]; dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(nd)]
        return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)
    if os.path.exists(os.path.join(d, 'train-images-idx3-ubyte.gz')):
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
        out['W4'] = {'seconds': secs, 'accuracy': acc}

print(json.dumps(out))
