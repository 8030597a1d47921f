import cellseg

scene = cellseg.make_volume()
spacing = scene.spacing                        # (dz, dy, dx) in µm
smoothed = cellseg.smooth(scene.image, sigma=1.0, spacing=spacing)
labels = cellseg.segment(smoothed, threshold=0.4, spacing=spacing, min_size=10.0)
print(cellseg.matching(scene.labels, labels))

table = cellseg.measure_objects(scene.labels, spacing=spacing)      # µm³, µm²
slip = cellseg.measure_objects(scene.labels, spacing=(1, 1, 1))      # voxels: a slip
print(table[["volume", "surface_area", "sphericity"]].round(2))
v, n = table["volume"][0], slip["volume"][0]
print(f"volume of nucleus 1: {v:.1f} µm³, {n:.0f} voxels")
