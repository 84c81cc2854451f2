package dev.capkit.emulator;

import dev.capkit.twin.Profile;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.run.RunOptions;
import dev.capkit.twin.physics.Dtype;
import java.nio.file.Path;

/**
 * Turns a scenario's {@code emulator} settings and the run-level emulator options ({@link RunOptions}) into the
 * embedded emulator's options: {@code -Dcapkit.slowdown=1.2} (every engine step 20% slower, for
 * testing regression gates), {@code -Dcapkit.brokenStreams=0.1} (cut 10% of streams mid-way, for
 * testing fault counting), {@code -Dcapkit.catalogDir=DIR} (edited catalogs). The main job's embedded
 * emulator and the one {@code ./capkit split} starts for its injectors are configured the same way.
 */
public final class ScenarioEmulatorOptions {
  private ScenarioEmulatorOptions() {}

  public static EmulatorOptions options(Scenario scenario, RunOptions run) {
    EmulatorOptions o = EmulatorOptions.defaults()
        .withTier(scenario.emulator().tier())
        .withModel(scenario.model())
        .withDtype(Dtype.parse(scenario.emulator().dtype()))
        .withProfile(Profile.parse(scenario.emulator().profile()))
        .withSeed(scenario.seed())
        .withApiKey(run.target().apiKey())
        .withSlowdown(run.slowdown())
        .withBrokenStreamFraction(run.brokenStreams());
    Path catalog = run.afterRun().catalogDir();
    return catalog == null ? o : o.withCatalogDir(catalog);
  }
}
