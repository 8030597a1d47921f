import cellseg

scene = cellseg.make_image(n_cells=12, min_separation=18, noise_scale=0.35, seed=11)
truth = cellseg.ground_truth_labels(scene.centers, shape=scene.image.shape)
labels = cellseg.segment(cellseg.smooth(scene.image))
m = cellseg.matching(truth, labels, iou_threshold=0.5)
print(f"TP {m.tp}, FP {m.fp}, FN {m.fn}, F1 {m.f1:.3f}")
print(f"SQ {m.mean_matched_score:.3f} x RQ {m.f1:.3f} = PQ {m.panoptic_quality:.3f}")
print(f"AJI {cellseg.aggregated_jaccard_index(truth, labels):.3f}")
print(f"AP {cellseg.average_precision(truth, labels):.3f}")
