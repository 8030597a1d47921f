import cellseg

path = cellseg.nuclei_2d_path()             # a TIFF file, as from a microscope
try:
    cellseg.read_image(path)
except ValueError as error:                 # the file records no pixel size
    print("refused:", str(error)[:60])
image, pixel_size = cellseg.read_image(path, pixel_size=0.5)

radius = cellseg.typical_radius(image, pixel_size=pixel_size)
labels = cellseg.segment_nuclei(image)      # nothing to tune
table = cellseg.measure_objects(labels, spacing=pixel_size, intensity_image=image)
print(f"radius {radius:.2f} µm, {len(table)} nuclei, {table['flagged'].sum()} flagged")
print(table[["area", "solidity", "touches_border", "flagged"]].head())
table.to_csv("nuclei.csv", index=False)
