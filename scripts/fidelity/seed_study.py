"""Many seeds of two arms, to tell a systematic difference in final validation loss from chance.
A measuring tool, not part of the tests: see README.md here and docs/FIDELITY.md section 5.

  jobs:    the shell lines of the study, one whole run each (feed them to `xargs -P 2 -I{} sh -c {}`).
           Arm O is our draws: the initial weights export-start.ts wrote for the seed and our
           mulberry32 batch order, run by nanogpt_reference.py (it takes our engine's steps to 1e-6).
           Arm N is nanoGPT as it is: torch.manual_seed's init and torch.randint's batches.
  summary: every finished run's validation loss by seed and arm; each arm's mean, sd and standard
           error; the difference of the means with an exact-as-sampled permutation test; and, for a
           done-when line on "the mean of 3 seeds <= X", the share of all 3-seed subsets of each
           arm that meet it.
"""
import argparse, glob, itertools, json, os, re, sys
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def seed_range(text):
    first, _, last = text.partition('-')
    return range(int(first), int(last or first) + 1)


def jobs(args):
    ref = os.path.join(HERE, 'nanogpt_reference.py')
    common = f'--gelu {args.gelu} --steps {args.steps}'
    for s in seed_range(args.seeds):
        export = os.path.join(args.exports, f'tinyshakespeare-gpt-s{s}-{args.gelu}-wasm')
        print(f'nice -n 10 {args.python} {ref} train --seed {s} --init-from {export} --our-batches {common} '
              f'--json {args.dir}/O{s}.json > {args.dir}/O{s}.log 2>&1')
        print(f'nice -n 10 {args.python} {ref} train --seed {s} {common} --json {args.dir}/N{s}.json > {args.dir}/N{s}.log 2>&1')


def finished(directory):
    runs = {}
    for path in glob.glob(os.path.join(directory, '[ON]*.json')):
        m = re.fullmatch(r'([ON])(\d+)\.json', os.path.basename(path))
        if m: runs[(m.group(1), int(m.group(2)))] = json.load(open(path))['val']
    return runs


def permutation_p(a, b, rounds, rng):
    """Two-sided: the share of random relabellings whose |mean difference| reaches the observed one."""
    pooled, observed = np.concatenate([a, b]), abs(a.mean() - b.mean())
    hits = 0
    for _ in range(rounds):
        p = rng.permutation(pooled)
        hits += abs(p[:len(a)].mean() - p[len(a):].mean()) >= observed - 1e-12
    return hits / rounds


def summary(args):
    runs = finished(args.dir)
    seeds = sorted({s for _, s in runs})
    print(f"{'seed':>5s} {'O (ours)':>9s} {'N (nanoGPT)':>11s}")
    for s in seeds:
        cell = lambda arm: f"{runs[(arm, s)]:.4f}" if (arm, s) in runs else '-'
        print(f'{s:>5d} {cell("O"):>9s} {cell("N"):>11s}')
    arms = {arm: np.array([v for (a, _), v in sorted(runs.items()) if a == arm]) for arm in 'ON'}
    for arm, v in arms.items():
        if len(v) < 2: continue
        triples = np.array([np.mean(t) for t in itertools.combinations(v, 3)])
        subsets = f'; 3-seed means <= {args.line}: {np.mean(triples <= args.line):.0%} of {len(triples)}' if len(triples) else ''
        print(f'arm {arm}: n {len(v)}, mean {v.mean():.4f}, sd {v.std(ddof=1):.4f}, se {v.std(ddof=1) / np.sqrt(len(v)):.4f}, '
              f'min {v.min():.4f}, max {v.max():.4f}{subsets}')
    o, n = arms['O'], arms['N']
    if len(o) >= 2 and len(n) >= 2:
        se = np.sqrt(o.var(ddof=1) / len(o) + n.var(ddof=1) / len(n))
        p = permutation_p(o, n, args.rounds, np.random.default_rng(0))
        print(f'O - N: {o.mean() - n.mean():+.4f} (se {se:.4f}, Welch t {(o.mean() - n.mean()) / se:+.2f}); '
              f'permutation test, two-sided p = {p:.3f} ({args.rounds} relabellings)')


if __name__ == '__main__':
    ap = argparse.ArgumentParser()
    ap.add_argument('mode', choices=['jobs', 'summary'])
    ap.add_argument('--dir', default='/tmp/fid2', help='where the runs write their .json and .log')
    ap.add_argument('--seeds', default='101-120', help='jobs: a seed or a range, first-last')
    ap.add_argument('--exports', default='/tmp/fid2/exp', help='jobs: where export-start.ts --steps 1 wrote each seed')
    ap.add_argument('--python', default=sys.executable)
    ap.add_argument('--gelu', choices=['tanh', 'exact'], default='tanh')
    ap.add_argument('--steps', type=int, default=2000)
    ap.add_argument('--line', type=float, default=1.905, help='summary: the done-when bound on a 3-seed mean')
    ap.add_argument('--rounds', type=int, default=100000, help='summary: permutation-test relabellings')
    args = ap.parse_args()
    jobs(args) if args.mode == 'jobs' else summary(args)
