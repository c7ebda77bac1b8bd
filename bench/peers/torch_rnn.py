# PyTorch's nn.LSTM or nn.GRU forward and backward at one thread: the peer of bench/rnn_step.ts.
# python3 torch_rnn.py LSTM|GRU T B I H; prints {"ms": ...} (a loop of 20 after 5).
import json, sys, time
import torch
torch.set_num_threads(1)
kind = sys.argv[1]
T, B, I, H = (int(v) for v in sys.argv[2:6])
torch.manual_seed(0)
lstm = getattr(torch.nn, kind)(I, H)
x = torch.randn(T, B, I)
def step():
    y, _ = lstm(x)
    y.sum().backward()
    lstm.zero_grad()
for _ in range(5): step()
t0 = time.perf_counter()
for _ in range(20): step()
print(json.dumps({'ms': (time.perf_counter() - t0) / 20 * 1e3}))
