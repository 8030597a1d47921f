import matplotlib.pyplot as plt
import cellseg

scene = cellseg.make_image()
truth = cellseg.ground_truth_labels(scene.centers, shape=scene.image.shape)
wrong = cellseg.inject_error(truth, "merge", label=1, other=8)
wrong = cellseg.inject_error(wrong, "missed", label=3)

plt.imshow(cellseg.overlay_comparison(scene.image, truth, wrong))
plt.show()
print(cellseg.classify_errors(truth, wrong))
