#!/usr/bin/env python3
"""scikit-learn's IsolationForest under the adbench protocol, for bench/iforestAdbench.ts.

Usage: iforest_sklearn.py FILE.csv.gz [--seeds 0,1,2,3,4] [--trees 100] [--sample-size 256] [--repeat 3]

Reads a numeric CSV (f0..fN, label), then for each seed fits on all rows, scores all rows and
prints one JSON object: {"rows", "dims", "sklearn", "auc": [...], "fitSeconds": [...],
"scoreSeconds": [...], "fitCpuSeconds": [...],
"scoreCpuSeconds": [...]} (wall-clock and process CPU time; scoring is timed --repeat times per seed
and the fastest run kept, as the TypeScript side does). Single-threaded: n_jobs=1 and BLAS/OpenMP pools pinned to one thread
(set before numpy loads). One untimed warm-up fit+score runs first so that the timings are
steady-state, as they are for the other implementations. If scikit-learn cannot be imported,
prints {"error": "not installed"} and exits with 3.
"""
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[var] = "1"

import argparse  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

try:
    import numpy as np
    import sklearn
    from sklearn.ensemble import IsolationForest
    from sklearn.metrics import roc_auc_score
except ImportError:
    print(json.dumps({"error": "not installed"}))
    sys.exit(3)


def load(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt") as f:
        header = f.readline().strip().split(",")
        data = np.loadtxt(f, delimiter=",", ndmin=2)
    label = header.index("label")
    y = data[:, label]
    X = np.ascontiguousarray(np.delete(data, label, axis=1))
    return X, y


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("file")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--trees", type=int, default=100)
    parser.add_argument("--sample-size", type=int, default=256)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    X, y = load(args.file)
    seeds = [int(s) for s in args.seeds.split(",")]

    def run(seed):
        model = IsolationForest(
            n_estimators=args.trees, max_samples=min(args.sample_size, len(X)), random_state=seed, n_jobs=1
        )
        t0, c0 = time.perf_counter(), time.process_time()
        model.fit(X)
        t1, c1 = time.perf_counter(), time.process_time()
        wall, cpu = [], []
        for _ in range(args.repeat):
            s0, d0 = time.perf_counter(), time.process_time()
            scores = -model.score_samples(X)
            wall.append(time.perf_counter() - s0)
            cpu.append(time.process_time() - d0)
        return roc_auc_score(y, scores), t1 - t0, min(wall), c1 - c0, min(cpu)

    run(seeds[0])  # warm-up
    results = [run(s) for s in seeds]
    print(
        json.dumps(
            {
                "rows": int(X.shape[0]),
                "dims": int(X.shape[1]),
                "sklearn": sklearn.__version__,
                "auc": [r[0] for r in results],
                "fitSeconds": [r[1] for r in results],
                "scoreSeconds": [r[2] for r in results],
                "fitCpuSeconds": [r[3] for r in results],
                "scoreCpuSeconds": [r[4] for r in results],
            }
        )
    )


if __name__ == "__main__":
    main()
