package org.slime4j.core.config;

import java.nio.file.Path;
import org.slime4j.core.weights.ModelFormatException;

/** The noise schedule of {@code scheduler/scheduler_config.json}; only {@code scaled_linear} (all SD 1.x/2.x). */
public record SchedulerConfig(int numTrainTimesteps, double betaStart, double betaEnd, String betaSchedule) {
    public static SchedulerConfig read(Path file) {
        JsonConfig c = JsonConfig.read(file);
        SchedulerConfig config = new SchedulerConfig(c.integer("num_train_timesteps", 1000),
                c.number("beta_start", 0.00085), c.number("beta_end", 0.012),
                c.string("beta_schedule", "scaled_linear"));
        if (!config.betaSchedule.equals("scaled_linear")) {
            throw new ModelFormatException("Config " + file + ": beta_schedule '" + config.betaSchedule
                    + "' is not supported (Stable Diffusion uses 'scaled_linear').");
        }
        if (config.numTrainTimesteps < 2) {
            throw new ModelFormatException("Config " + file + ": num_train_timesteps must be at least 2 but is "
                    + config.numTrainTimesteps + ".");
        }
        return config;
    }
}
