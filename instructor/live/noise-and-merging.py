import cellseg

SIGMA = 6.0
for d in (14, 24):                           # distance between two cell centres (px)
    centres = [[32, 32 - d / 2], [32, 32 + d / 2]]
    pair = cellseg.render_cells(centres, shape=64, cell_sigma=SIGMA)
    labels = cellseg.segment(pair, threshold=0.5)
    midpoint = cellseg.midpoint_intensity(distance=d, brightness=1.0, cell_sigma=SIGMA)
    print(f"d = {d}: midpoint {midpoint:.2f}, {labels.max()} objects")

scene = cellseg.make_image(noise_scale=0.8)   # very noisy
raw = cellseg.segment(scene.image)
smoothed = cellseg.segment(cellseg.smooth(scene.image, sigma=2.0))
print(f"{raw.max()} objects without smoothing, {smoothed.max()} with")
print(f"{len(scene.centers)} cells")
