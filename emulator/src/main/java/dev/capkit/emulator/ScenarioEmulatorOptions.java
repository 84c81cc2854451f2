package dev.capkit.emulator;

import dev.capkit.twin.Profile;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioException;
import dev.capkit.core.run.RunOptions;
import dev.capkit.twin.physics.Dtype;
import java.nio.file.Path;

/**
 * Turns a scenario's {@code emulator} settings and the run-level emulator options ({@link RunOptions}) into the
 * embedded emulator's options: {@code -Dcapkit.slowdown=1.2} (every engine step 20% slower, for
 * testing regression gates), {@code -Dcapkit.brokenStreams=0.1} (cut 10% of streams mid-way, for
 * testing fault counting), {@code -Dcapkit.catalogDir=DIR} (edited catalogs). The main job's embedded
 * emulator and the one {@code ./capkit split} starts for its injectors are configured the same way.
 * The scenario's {@code emulator.vllm} flags (vLLM's names) go to the twin's {@code VllmKnobs}.
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
    try {
      o = o.withVllm(dev.capkit.twin.catalog.VllmKnobs.fromMap(scenario.emulator().vllm()));
    } catch (IllegalArgumentException e) {
      throw new ScenarioException(scenario.source(), "emulator.vllm", e.getMessage());
    }
    Path catalog = run.afterRun().catalogDir();
    return catalog == null ? o : o.withCatalogDir(catalog);
  }
}
