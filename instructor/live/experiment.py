import tempfile
from pathlib import Path
import cellseg

work = Path(tempfile.mkdtemp())
faults = {"saturated": 1, "debris": 1}
plate = cellseg.make_plate(work / "images", rows=4, cols=6, faults=faults, drift=0,
                           seed=11)
print(plate.layout[["well", "fault"]])

options = dict(sigma=2.0, threshold=plate.threshold, min_size=30, bit_depth=12)
run = cellseg.run_experiment(plate.layout, plate.folder, work / "tables",
                             progress=False, **options)
print(run.fields[["well", "status", "n_objects", "snr"]])
print(f"{run.computed} fields measured, {len(run.objects)} objects")
