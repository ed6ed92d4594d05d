package org.slime4j.ij1;

import ij.IJ;
import java.util.Map;
import org.slime4j.jobs.PyTorchOptions;

/** SLiMe Options in plain ImageJ: the PyTorch build, saved for every later run; downloads on request. */
public class OptionsPlugin extends Ij1Command {
    @Override
    String label() {
        return "SLiMe Options";
    }

    @Override
    void execute() throws Exception {
        Map<String, String> v = new Fields().text("pytorch", PyTorchOptions.current()).flag("download", false)
                .ask(label());
        if (v == null) {
            return;
        }
        PyTorchOptions.apply(v.get("pytorch"), Fields.flag(v, "download"), IJ::log, (file, done, total) -> {
            IJ.showProgress((double) done / Math.max(1, total));
            IJ.showStatus("SLiMe download " + file + ": " + (done >> 20) + " / " + (total >> 20) + " MB");
        }, IJ::escapePressed, question -> IJ.isMacro() || IJ.showMessageWithCancel(label(), question));
    }
}
