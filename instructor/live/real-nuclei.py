import matplotlib.pyplot as plt
import numpy as np
import cellseg

image, truth = cellseg.nuclei_2d()
print(cellseg.image_report(image))
radius = cellseg.typical_radius(image)        # sizes in units of the nuclei, not pixels
print(f"typical radius {radius:.1f} px; {len(np.unique(truth)) - 1} annotated nuclei")

labels = cellseg.segment_nuclei(image)       # no tuning: sizes from typical_radius
m = cellseg.matching(truth, labels, iou_threshold=0.5)
print(f"{m.n_pred} objects: TP {m.tp}, FP {m.fp}, FN {m.fn}, F1 {m.f1:.3f}")
plt.imshow(cellseg.overlay_labels(image, labels))
plt.show()
