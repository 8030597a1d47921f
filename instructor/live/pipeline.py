import matplotlib.pyplot as plt
import cellseg

scene = cellseg.make_image()
smoothed = cellseg.smooth(scene.image, sigma=2.0)
labels = cellseg.segment(smoothed, threshold=0.5, min_size=30)
print(f"{labels.max()} cells found")

for t in (0.3, 0.5, 0.7, 0.9):              # the threshold changes the count
    print(t, cellseg.segment(smoothed, threshold=t, min_size=30).max())

plt.imshow(cellseg.overlay_labels(scene.image, labels))
plt.show()
