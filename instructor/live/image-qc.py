import numpy as np
import cellseg

scene = cellseg.make_image()
top = cellseg.full_scale(12)             # a 12-bit camera: counts 0 .. 4095
good = np.round(100 + 2000 * scene.image).clip(0, top).astype(np.uint16)
bright = np.round(100 + 6000 * scene.image).clip(0, top).astype(np.uint16)

print(cellseg.image_report(good, bit_depth=12))
print()
print(cellseg.image_report(bright, bit_depth=12))
print(f"clipped pixels: {np.mean(bright == top):.2%} at full scale {top}")
