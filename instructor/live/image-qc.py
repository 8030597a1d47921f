import numpy as np
import cellseg

light = cellseg.make_image(noise_scale=0).image + 0.6   # the cells on background light
top = cellseg.full_scale(12)             # a 12-bit camera: counts 0 .. 4095
camera = dict(bit_depth=12, offset=100, noise_scale=0.05, seed=1)
good = cellseg.acquire(light, 1500, **camera)
bright = cellseg.acquire(light, 4500, **camera)             # three times the exposure

print(cellseg.image_report(good, bit_depth=12))
print()
print(cellseg.image_report(bright, bit_depth=12))
print(f"clipped pixels: {np.mean(bright == top):.2%} at full scale {top}")
