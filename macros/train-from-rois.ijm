// Train SLiMe on one image annotated with ROIs whose names are the part names.
// Edit the three paths, then run (Plugins › Macros › Run…, or headless: ImageJ --headless -macro train_from_rois.ijm).
model = "/path/to/stable-diffusion-2-1-base";          // a diffusers folder or Hugging Face cache entry
image = "/path/to/SLiMe/sample-data/cell.png";
rois  = "/path/to/SLiMe/sample-data/cell-rois.zip";
output = "/path/to/cell.slime";

open(image);
roiManager("reset");
roiManager("open", rois);
run("SLiMe Train", "parts=[halo cell] annotation=[ROI Manager] model=[" + model + "] output=[" + output +
    "] epochs=200 learning_rate=0.1 seed=42 device=auto working_size=512 augment validate");
