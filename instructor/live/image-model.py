import cellseg

B, SIGMA, SIGMA_S = 1.0, 4.0, 3.0      # not the exercise's cell: its answer stays open
cell = cellseg.render_cells([[32, 32]], shape=64, cell_sigma=SIGMA, brightness=B)
smoothed = cellseg.smooth(cell, sigma=SIGMA_S)

print(f"peak before smoothing {cell.max():.3f}")
print(f"peak after smoothing  {smoothed.max():.3f}")
formula = cellseg.smoothed_peak(brightness=B, cell_sigma=SIGMA, sigma=SIGMA_S)
print(f"formula: peak {formula:.3f}")
