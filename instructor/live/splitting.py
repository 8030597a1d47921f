import matplotlib.pyplot as plt
from skimage.filters import threshold_otsu
import cellseg

scene = cellseg.make_crowded_field(n_cells=20, shape=128, seed=1)
smoothed = cellseg.smooth(scene.image, sigma=2.0)
t = threshold_otsu(smoothed)
print(cellseg.segment(smoothed, threshold=t).max(), "objects before splitting")

split = cellseg.split_touching(smoothed > t, min_distance=5)
vo = cellseg.voronoi_otsu_labeling(scene.image, spot_sigma=3, outline_sigma=2)
print(split.max(), "after split_touching;", vo.max(), "with Voronoi-Otsu")
print(f"{len(scene.centers)} cells")

plt.imshow(cellseg.label_rgb(vo), interpolation="nearest")
plt.show()
