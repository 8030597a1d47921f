import numpy as np
import cellseg

image, truth = cellseg.nuclei_2d()
corner = np.s_[352:512, 32:192]        # annotate a corner first, not the whole image
n_corner = len(np.unique(truth[corner])) - 1
print(f"{n_corner} annotated nuclei in the corner, {len(np.unique(truth)) - 1} in all")

# a second annotator: boundaries off by a pixel and three merges
second = cellseg.simulate_annotator(truth, seed=7, boundary=1, n_merges=3)
for t in (0.5, 0.9):
    m = cellseg.matching(truth, second, iou_threshold=t)
    print(f"annotator 2 vs 1 at IoU {t}: F1 {m.f1:.3f}")
