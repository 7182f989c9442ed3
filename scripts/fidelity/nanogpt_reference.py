"""nanoGPT's model.py and train.py semantics (bias=False, tied weights, dropout 0), in PyTorch,
as a yardstick for our tfjs GPT. A measuring tool, not part of the tests: see README.md here.

  grads:  our step-0 gradients (export-start.ts --grads) against torch's, per parameter.
  replay: load what export-start.ts wrote (our initial weights, our batches, our per-step loss and
          gradient norm), run the same steps in torch, print both side by side.
  train:  a full nanoGPT run (default 2001 optimizer steps, iter 0..2000 as train.py takes them),
          with torch's own init and torch.randint batches, or our init (--init-from) and/or our
          batch order (--our-batches, mulberry32 as lab/rng.ts), then the full-validation loss
          over non-overlapping block-size windows (as lab/train/run.ts's splitLoss).
"""
import argparse, json, math, os, sys, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))


# --- model.py (nanoGPT), bias=False -------------------------------------------------------------
class LayerNorm(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, None, 1e-5)


class Block(nn.Module):
    def __init__(self, C, H, gelu):
        super().__init__()
        self.ln_1, self.ln_2 = LayerNorm(C), LayerNorm(C)
        self.c_attn = nn.Linear(C, 3 * C, bias=False)
        self.attn_proj = nn.Linear(C, C, bias=False)
        self.c_fc = nn.Linear(C, 4 * C, bias=False)
        self.mlp_proj = nn.Linear(4 * C, C, bias=False)
        self.gelu = nn.GELU(approximate='tanh' if gelu == 'tanh' else 'none')
        self.H = H

    def attn(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = [t.view(B, T, self.H, C // self.H).transpose(1, 2) for t in (q, k, v)]  # (B, nh, T, hs)
        y = F.scaled_dot_product_attention(q, k, v, is_causal=True)  # (B, nh, T, hs)
        return self.attn_proj(y.transpose(1, 2).contiguous().view(B, T, C))

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp_proj(self.gelu(self.c_fc(self.ln_2(x))))


class GPT(nn.Module):
    def __init__(self, V, T, L, H, C, gelu):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.h = nn.ModuleList([Block(C, H, gelu) for _ in range(L)])
        self.ln_f = LayerNorm(C)
        self.lm_head = nn.Linear(C, V, bias=False)
        self.wte.weight = self.lm_head.weight  # tied
        self.apply(self._init)
        for n, p in self.named_parameters():
            if n.endswith('attn_proj.weight') or n.endswith('mlp_proj.weight'):
                nn.init.normal_(p, 0.0, 0.02 / math.sqrt(2 * L))

    @staticmethod
    def _init(m):
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, 0.0, 0.02)

    def forward(self, idx, targets):
        T = idx.shape[1]
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for b in self.h:
            x = b(x)
        logits = self.lm_head(self.ln_f(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)

    def load_ours(self, named):
        """Our weights by name; our linear weights are (In, Out), torch's (Out, In)."""
        with torch.no_grad():
            for name, arr in named.items():
                t = torch.from_numpy(arr.copy())
                if name == 'wte': self.wte.weight.copy_(t)
                elif name == 'wpe': self.wpe.weight.copy_(t)
                elif name == 'lnf.gain': self.ln_f.weight.copy_(t)
                else:
                    blk, rest = name.split('.', 1)
                    b = self.h[int(blk[5:])]
                    target = {'ln1.gain': b.ln_1.weight, 'ln2.gain': b.ln_2.weight, 'attn.qkv.w': b.c_attn.weight,
                              'attn.proj.w': b.attn_proj.weight, 'mlp.fc.w': b.c_fc.weight, 'mlp.proj.w': b.mlp_proj.weight}[rest]
                    target.copy_(t.T if t.dim() == 2 else t)


def optimizer_of(model, lr, wd, beta2):
    """nanoGPT's configure_optimizers: decay params of dim >= 2, not the others."""
    params = [p for p in model.parameters() if p.requires_grad]
    groups = [{'params': [p for p in params if p.dim() >= 2], 'weight_decay': wd},
              {'params': [p for p in params if p.dim() < 2], 'weight_decay': 0.0}]
    return torch.optim.AdamW(groups, lr=lr, betas=(0.9, beta2))


def get_lr(it, lr=1e-3, min_lr=1e-4, warmup=100, decay_iters=2000):
    """nanoGPT's train.py get_lr."""
    if it < warmup: return lr * (it + 1) / (warmup + 1)
    if it > decay_iters: return min_lr
    ratio = (it - warmup) / (decay_iters - warmup)
    return min_lr + 0.5 * (1.0 + math.cos(math.pi * ratio)) * (lr - min_lr)


class Mulberry32:
    """lab/rng.ts's Rng, bit for bit."""
    def __init__(self, seed): self.s = seed & 0xFFFFFFFF

    def next(self):
        self.s = (self.s + 0x6D2B79F5) & 0xFFFFFFFF
        t = self.s
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t = (t ^ (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF))) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    def int(self, n): return int(math.floor(self.next() * n))


def load_text():
    text = open(os.path.join(REPO, 'public/data/tinyshakespeare.txt'), encoding='utf-8').read().replace('\r\n', '\n')
    chars = sorted(set(text))
    ids = np.array([chars.index(c) for c in chars], dtype=np.int64)  # placeholder to keep numpy imported
    stoi = {c: i for i, c in enumerate(chars)}
    data = np.array([stoi[c] for c in text], dtype=np.int64)
    n = int(len(data) * 0.9)
    return data[:n], data[n:], len(chars)


def read_export(path):
    meta = json.load(open(path + '.json'))
    raw = open(path + '.bin', 'rb').read()
    off = 0
    def take(n, dt):
        nonlocal off
        a = np.frombuffer(raw, dtype=dt, count=n, offset=off); off += 4 * n; return a
    init, after = {}, {}
    for p in meta['params']:
        init[p['name']] = take(int(np.prod(p['shape'])), np.float32).reshape(p['shape'])
    for p in meta['params']:
        after[p['name']] = take(int(np.prod(p['shape'])), np.float32).reshape(p['shape'])
    S, B, T = meta['steps'], meta['batchSize'], meta['blockSize']
    xs = take(S * B * T, np.int32).reshape(S, B, T).astype(np.int64)
    ys = take(S * B * T, np.int32).reshape(S, B, T).astype(np.int64)
    return meta, init, after, xs, ys


@torch.no_grad()
def full_val(model, val, T=64, batch=64):
    n = (len(val) - T - 1) // T + 1
    total, count = 0.0, 0
    for s in range(0, n, batch):
        rows = range(s, min(n, s + batch))
        x = torch.from_numpy(np.stack([val[i * T:i * T + T] for i in rows]))
        y = torch.from_numpy(np.stack([val[i * T + 1:i * T + T + 1] for i in rows]))
        total += model(x, y).item() * y.numel(); count += y.numel()
    return total / count


def replay(args):
    meta, init, after, xs, ys = read_export(args.export)
    c = meta['plan']['model']['config']
    torch.manual_seed(0)
    model = GPT(meta['vocabSize'], c['blockSize'], c['nLayer'], c['nHead'], c['nEmbd'], args.gelu or meta['gelu'])
    model.load_ours(init)
    opt = optimizer_of(model, 1e-3, meta['plan']['weightDecay'], meta['plan']['beta2'])
    print(f"{'step':>4} {'lr':>10} {'our loss':>10} {'torch loss':>10} {'rel':>9} {'our norm':>10} {'torch norm':>10} {'rel':>9}")
    rows = []
    for i, rec in enumerate(meta['records']):
        for g in opt.param_groups: g['lr'] = rec['learningRate']
        loss = model(torch.from_numpy(xs[i]), torch.from_numpy(ys[i]))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(model.parameters(), meta['plan']['clipNorm']).item()
        opt.step()
        rl = (rec['loss'] - loss.item()) / loss.item(); rn = (rec['gradNorm'] - norm) / norm
        rows.append((rec['step'], rec['learningRate'], rec['loss'], loss.item(), rl, rec['gradNorm'], norm, rn))
        print(f"{rec['step']:>4} {rec['learningRate']:>10.3e} {rec['loss']:>10.6f} {loss.item():>10.6f} {rl:>9.1e} {rec['gradNorm']:>10.6f} {norm:>10.6f} {rn:>9.1e}")
    # Weights after the steps.
    theirs = GPT(meta['vocabSize'], c['blockSize'], c['nLayer'], c['nHead'], c['nEmbd'], 'tanh'); theirs.load_ours(after)
    worst = max((a - b).abs().max().item() / (b.abs().max().item() + 1e-12) for a, b in zip(theirs.parameters(), model.parameters()))
    print(f'weights after {len(rows)} steps: largest |ours - torch| / max|torch| over tensors = {worst:.2e}')
    if args.json: json.dump(rows, open(args.json, 'w'))


def grads(args):
    """Per-tensor comparison of our step-0 gradients (export-start.ts --grads) with torch's."""
    meta, init, _, xs, ys = read_export(args.export)
    c = meta['plan']['model']['config']
    model = GPT(meta['vocabSize'], c['blockSize'], c['nLayer'], c['nHead'], c['nEmbd'], args.gelu or meta['gelu'])
    model.load_ours(init)
    loss = model(torch.from_numpy(xs[0]), torch.from_numpy(ys[0]))
    loss.backward()
    raw = np.fromfile(os.path.join(os.path.dirname(args.export), f"grads-s{meta['seed']}-{meta['gelu']}-{meta['backend']}.bin"), dtype=np.float32)
    ref = GPT(meta['vocabSize'], c['blockSize'], c['nLayer'], c['nHead'], c['nEmbd'], 'tanh')
    off, ours = 0, {}
    for p in meta['params']:
        n = int(np.prod(p['shape'])); ours[p['name']] = raw[off:off + n].reshape(p['shape']); off += n
    ref.load_ours(ours)  # our gradients laid out as torch's parameters
    print(f"{'parameter':28s} {'|g| ours':>10s} {'|g| torch':>10s} {'rel |g|':>9s} {'rel max diff':>12s}")
    total_o = total_t = 0.0
    for (name, pt), (_, po) in zip(model.named_parameters(), ref.named_parameters()):
        gt, go = pt.grad.double(), po.detach().double()
        total_o += (go ** 2).sum().item(); total_t += (gt ** 2).sum().item()
        print(f"{name:28s} {go.norm().item():10.6f} {gt.norm().item():10.6f} {(go.norm() / gt.norm() - 1).item():9.1e} {((go - gt).abs().max() / gt.abs().max()).item():12.1e}")
    print(f"global norm (float64 sums): ours {math.sqrt(total_o):.7f} torch {math.sqrt(total_t):.7f}")


def train(args):
    train_data, val, V = load_text()
    torch.manual_seed(args.seed)
    model = GPT(V, 64, 4, 4, 128, args.gelu or 'exact')
    if args.init_from:
        _, init, _, _, _ = read_export(args.init_from)
        model.load_ours(init)
    opt = optimizer_of(model, 1e-3, 0.1, 0.99)
    rng = Mulberry32(args.seed) if args.our_batches else None
    count = len(train_data) - 64
    B, T = 12, 64
    t0 = time.time(); losses = []; evals = {}
    for it in range(args.steps):
        if it in args.eval_at: evals[it] = full_val(model, val)
        lr = get_lr(it, decay_iters=args.decay_iters)
        for g in opt.param_groups: g['lr'] = lr
        ix = [rng.int(count) for _ in range(B)] if rng else torch.randint(count, (B,)).tolist()
        x = torch.from_numpy(np.stack([train_data[i:i + T] for i in ix]))
        y = torch.from_numpy(np.stack([train_data[i + 1:i + 1 + T] for i in ix]))
        loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
        if it % 250 == 0: print(f'it {it} loss {loss.item():.4f} {time.time() - t0:.0f}s', file=sys.stderr, flush=True)
    v = full_val(model, val)
    out = {'seed': args.seed, 'steps': args.steps, 'gelu': args.gelu or 'exact', 'init_from': args.init_from, 'our_batches': args.our_batches,
           'val': v, 'val_at': evals, 'losses': losses, 'last100_train': float(np.mean(losses[-100:])), 'seconds': time.time() - t0}
    print(json.dumps({k: w for k, w in out.items() if k != 'losses'}))
    if args.json: json.dump(out, open(args.json, 'w'))


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['replay', 'grads', 'train'])
    ap.add_argument('--export', default='/tmp/fidelity/tinyshakespeare-gpt-s1337-tanh-wasm', help='replay: path of an export, without .json/.bin')
    ap.add_argument('--gelu', choices=['tanh', 'exact'])
    ap.add_argument('--seed', type=int, default=1337)
    ap.add_argument('--steps', type=int, default=2001)
    ap.add_argument('--decay-iters', type=int, default=2000)
    ap.add_argument('--init-from', help='train: start from the initial weights of this export')
    ap.add_argument('--our-batches', action='store_true', help='train: draw windows with our mulberry32 Rng (seed --seed)')
    ap.add_argument('--eval-at', type=int, nargs='*', default=[2000], help='train: also the full validation loss after this many steps')
    ap.add_argument('--json')
    a = ap.parse_args()
    {'replay': replay, 'grads': grads, 'train': train}[a.mode](a)
