# PyTorch's DistributedDataParallel (gloo) on W3 through a training loop, one thread per process:
# the peer of bench/data_parallel.ts. python3 torch_ddp.py rank world store rows; rank 0 prints
# {"samplesPerSec": ...} (the best of three timed epochs after a warm one).
import json, sys, time
import torch, torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP
def main(rank, world, store, rows):
    torch.set_num_threads(1)
    dist.init_process_group('gloo', init_method='file://' + store, rank=rank, world_size=world)
    torch.manual_seed(1)
    x = torch.randn(rows, 784); y = torch.arange(rows) % 10
    model = DDP(torch.nn.Sequential(torch.nn.Linear(784, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 1024), torch.nn.ReLU(), torch.nn.Linear(1024, 10)))
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    lossf = torch.nn.CrossEntropyLoss()
    bs = 256 // world
    def epoch():
        for b in range(0, rows // world, bs):
            idx = slice(rank + b * world, rank + (b + bs) * world, world)
            opt.zero_grad(); lossf(model(x[idx]), y[idx]).backward(); opt.step()
    epoch()
    best = 1e9
    for r in range(3):
        dist.barrier(); t0 = time.perf_counter(); epoch(); best = min(best, time.perf_counter() - t0)
    if rank == 0: print(json.dumps({'samplesPerSec': rows / best}))
    dist.destroy_process_group()
if __name__ == '__main__':
    main(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
