"""Is "every fixture's five points within 2 % of the crop of the canonical positions" reachable?

Reads the JSON written by fixtureFivePoints.ts and solves, as a linear programme, the best
case for the bar: choose the canonical positions T (five points) AND each face's own
similarity (or affine) transform S_k together, so as to minimise the worst distance
|S_k(p_ki) - T_i| over every face k and point i. No alignment method and no choice of
canonical points can do better than this optimum on these faces.

The Euclidean distance |v| <= t is relaxed to v . d_j <= t for 64 directions d_j (a polygon
outside the circle), so the LP optimum is a LOWER bound on the true minimax (and within
cos(pi/64) = 0.9988 of it). The problem is scale-free, so the crop is fixed the way the
ArcFace template frames a face: T's horizontal extent (eye distance + mouth width) equals
ArcFace's; its height is either free (the faces choose it) or ArcFace's.

    python3 scripts/alignmentStudy/minimaxBound.py /tmp/five.json

Needs numpy and scipy (Debian: python3-scipy). A study, not part of the test suite.
"""
import json
import sys

import numpy as np
from scipy.optimize import linprog

ARCFACE = np.array([0.3419, 0.4616, 0.6565, 0.4598, 0.5002, 0.6405, 0.371, 0.8247, 0.6315, 0.8233]).reshape(5, 2)
ARC_WIDTH = (ARCFACE[1, 0] - ARCFACE[0, 0]) + (ARCFACE[4, 0] - ARCFACE[3, 0])
ARC_HEIGHT = (ARCFACE[3, 1] + ARCFACE[4, 1]) - (ARCFACE[0, 1] + ARCFACE[1, 1])
DIRECTIONS = [(np.cos(2 * np.pi * j / 64), np.sin(2 * np.pi * j / 64)) for j in range(64)]


def minimax(faces, affine, height=None):
    """Lower bound on min over T, S_k of max_{k,i} |S_k(p_ki) - T_i|, in crop units."""
    params = 6 if affine else 4
    count = 10 + params * len(faces) + 1
    t = count - 1
    rows = []
    for k, points in enumerate(faces):
        # Centre and scale each face first: only conditions the LP, S_k absorbs it.
        centred = points - points.mean(0)
        centred /= np.sqrt((centred ** 2).sum(1).mean())
        offset = 10 + params * k
        for i, (x, y) in enumerate(centred):
            for dx, dy in DIRECTIONS:
                row = np.zeros(count)
                if affine:  # S(p) = (a x + b y + c, d x + e y + f)
                    row[offset:offset + 6] = [dx * x, dx * y, dx, dy * x, dy * y, dy]
                else:  # S(p) = (a x - b y + c, b x + a y + d)
                    row[offset:offset + 4] = [dx * x + dy * y, dy * x - dx * y, dx, dy]
                row[2 * i] -= dx
                row[2 * i + 1] -= dy
                row[t] = -1
                rows.append(row)
    equalities = [np.zeros(count)]
    equalities[0][[2, 8]] = 1
    equalities[0][[0, 6]] = -1
    targets = [ARC_WIDTH]
    if height is not None:
        row = np.zeros(count)
        row[[7, 9]] = 1
        row[[1, 3]] = -1
        equalities.append(row)
        targets.append(height)
    cost = np.zeros(count)
    cost[t] = 1
    result = linprog(cost, A_ub=np.array(rows), b_ub=np.zeros(len(rows)), A_eq=np.array(equalities),
                     b_eq=targets, bounds=[(None, None)] * count, method='highs')
    if not result.success:
        raise RuntimeError(result.message)
    return result.fun


def main():
    records = json.load(open(sys.argv[1]))
    groups = {'all meshes': records}
    for layout in (468, 478):
        groups[f'{layout}-point meshes'] = [r for r in records if r['layout'] == layout]
    print('| faces | similarity, height free | similarity, ArcFace height | affine, ArcFace height |')
    print('|---|---|---|---|')
    for name, group in groups.items():
        faces = [np.array(r['points'], dtype=float).reshape(5, 2) for r in group]
        cells = [minimax(faces, False), minimax(faces, False, ARC_HEIGHT), minimax(faces, True, ARC_HEIGHT)]
        print(f'| {name} ({len(faces)}) | ' + ' | '.join(f'{100 * c:.2f} %' for c in cells) + ' |')


if __name__ == '__main__':
    main()
