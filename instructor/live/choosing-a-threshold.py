from skimage.filters import threshold_otsu
import cellseg

scene = cellseg.make_image()
smoothed = cellseg.smooth(scene.image, sigma=2.0)
t_otsu = threshold_otsu(smoothed)            # in the grey levels of this image
labels = cellseg.segment(smoothed, threshold=t_otsu, min_size=30)
print(f"Otsu's threshold {t_otsu:.3f}: {labels.max()} cells")
print("areas (px):", cellseg.cell_sizes(labels))

fixed = cellseg.segment(smoothed, threshold=0.5, min_size=30)
print("areas at 0.5:", cellseg.cell_sizes(fixed))
