import matplotlib.pyplot as plt
import cellseg

scene = cellseg.make_volume()
spacing = scene.spacing                        # (dz, dy, dx) in µm, z first
print(scene.image.shape, "voxels of", spacing, "µm")

# sigma and min_size in µm and µm³, because spacing is given
smoothed = cellseg.smooth(scene.image, sigma=1.0, spacing=spacing)
labels = cellseg.segment(smoothed, threshold=0.4, spacing=spacing, min_size=10.0)
print(f"{labels.max()} objects for {scene.labels.max()} nuclei")

cubic, voxel = cellseg.resample_isotropic(scene.image, spacing=spacing)   # cubic voxels
print("resampled:", cubic.shape, "voxels of", voxel, "µm")
fig, (xy, xz) = plt.subplots(1, 2)
xy.imshow(smoothed[16], cmap="gray")
xz.imshow(smoothed[:, 64], cmap="gray", aspect=spacing[0] / spacing[2])  # true shape
plt.show()
