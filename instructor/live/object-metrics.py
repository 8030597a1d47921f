import cellseg

scene = cellseg.make_image()
truth = cellseg.ground_truth_labels(scene.centers, shape=scene.image.shape)
seg = cellseg.inject_error(truth, "missed", label=3)

m = cellseg.matching(truth, seg, iou_threshold=0.5)
print(f"TP {m.tp}, FP {m.fp}, FN {m.fn}")
print(f"precision {m.precision:.2f}, recall {m.recall:.2f}, F1 {m.f1:.2f}")

wide = cellseg.segment(cellseg.smooth(scene.image), threshold=0.3)   # outlines too wide
for t in (0.5, 0.6, 0.7):                 # the IoU cut-off, not an intensity threshold
    f1 = cellseg.matching(truth, wide, iou_threshold=t).f1
    print(f"iou_threshold {t}: F1 {f1:.2f}")
