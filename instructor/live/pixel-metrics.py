import cellseg

scene = cellseg.make_image(noise_scale=0.35, seed=11)
truth = cellseg.ground_truth_labels(scene.centers, shape=scene.image.shape)
labels = cellseg.segment(cellseg.smooth(scene.image, sigma=2.0), threshold=0.5)

scores = cellseg.pixel_scores(truth, labels)
print(scores)
dice, iou = cellseg.dice(truth, labels), cellseg.jaccard(truth, labels)
print(f"Dice {dice:.3f}, IoU {iou:.3f}")
