"""Data and the scipy peer for bench/drift.ts.

  python3 bench/drift_data.py generate DIR ROWS   writes DIR/reference.npy and DIR/current.npy:
      ROWS x 20 float64 each (seeded). Features 0-4: current mean shifted by 0.05*(k+1) sd;
      5-9: current sd scaled by 1 + 0.05*(k-4); 10-19: the same distribution.
  python3 bench/drift_data.py ks DIR              times scipy.stats.ks_2samp on the 20 features
      (method auto, as its users call it) and prints JSON: seconds, statistics, p-values, and
      (not timed) the exact normed Wasserstein distance per feature.
"""
import json
import sys
import time

import numpy as np
from scipy.stats import ks_2samp, wasserstein_distance

FEATURES = 20


def generate(directory: str, rows: int) -> None:
    rng = np.random.default_rng(20261128)
    reference = rng.normal(100.0, 15.0, size=(rows, FEATURES))
    current = rng.normal(100.0, 15.0, size=(rows, FEATURES))
    for k in range(5):
        current[:, k] += 15.0 * 0.05 * (k + 1)
    for k in range(5, 10):
        current[:, k] = 100.0 + (current[:, k] - 100.0) * (1 + 0.05 * (k - 4))
    np.save(f"{directory}/reference.npy", reference)
    np.save(f"{directory}/current.npy", current)


def ks(directory: str) -> None:
    reference = np.load(f"{directory}/reference.npy")
    current = np.load(f"{directory}/current.npy")
    started = time.perf_counter()
    results = [ks_2samp(reference[:, k], current[:, k]) for k in range(FEATURES)]
    seconds = time.perf_counter() - started
    # Not timed: the exact normed Wasserstein (Evidently's), to check the report's sketch against.
    wasserstein = [
        float(wasserstein_distance(reference[:, k], current[:, k]) / max(np.std(reference[:, k]), 0.001))
        for k in range(FEATURES)
    ]
    print(
        json.dumps(
            {
                "seconds": seconds,
                "statistics": [float(r.statistic) for r in results],
                "p_values": [float(r.pvalue) for r in results],
                "normed_wasserstein": wasserstein,
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1] == "generate":
        generate(sys.argv[2], int(sys.argv[3]))
    else:
        ks(sys.argv[2])
