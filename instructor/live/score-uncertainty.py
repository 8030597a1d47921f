import cellseg

image, truth = cellseg.nuclei_2d()
labels = cellseg.segment_nuclei(image)
tiles = cellseg.grid_regions(truth.shape, tile_shape=(64, 64))
counts = cellseg.count_by_region(truth, labels, regions=tiles)   # TP, FP, FN per tile
print(f"{tiles.max() + 1} tiles, pooled DSB score {counts.pooled()['dsb']:.3f}")

scores = cellseg.bootstrap_scores(counts, n_resamples=500, seed=1)
low, high = cellseg.percentile_interval(scores["dsb"])
print(f"95 % interval {low:.3f} ... {high:.3f} (width {high - low:.3f})")
print("bootstrap resamples:", len(scores["dsb"]))
