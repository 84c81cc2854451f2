package dev.capkit.emulator;

import dev.capkit.twin.Profile;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioException;
import dev.capkit.twin.physics.Dtype;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Turns a scenario's {@code emulator} settings and the run-level emulator properties into the
 * embedded emulator's options: {@code -Dcapkit.slowdown=1.2} (every engine step 20% slower, for
 * testing regression gates), {@code -Dcapkit.brokenStreams=0.1} (cut 10% of streams mid-way, for
 * testing fault counting), {@code -Dcapkit.catalogDir=DIR} (edited catalogs). The main job's embedded
 * emulator and the one {@code ./capkit split} starts for its injectors are configured the same way.
 */
public final class ScenarioEmulatorOptions {
  private ScenarioEmulatorOptions() {}

  public static EmulatorOptions options(Scenario scenario, String apiKey, Properties props) {
    EmulatorOptions o = EmulatorOptions.defaults()
        .withTier(scenario.emulator().tier())
        .withModel(scenario.model())
        .withDtype(Dtype.parse(scenario.emulator().dtype()))
        .withProfile(Profile.parse(scenario.emulator().profile()))
        .withSeed(scenario.seed())
        .withApiKey(apiKey);
    o = o.withSlowdown(number(props, "slowdown", 1.0, 100));
    o = o.withBrokenStreamFraction(number(props, "brokenStreams", 0.0, 1));
    String catalog = props.getProperty("capkit.catalogDir");
    if (catalog != null) {
      o = o.withCatalogDir(Path.of(catalog));
    }
    return o;
  }

  private static double number(Properties props, String key, double fallback, double max) {
    String v = props.getProperty("capkit." + key);
    if (v == null) {
      return fallback;
    }
    try {
      double d = Double.parseDouble(v);
      if (!(d >= 0 && d <= max)) {
        throw new ScenarioException("-Dcapkit." + key, "", "value " + v + " is out of range [0, " + max + "]");
      }
      return d;
    } catch (NumberFormatException e) {
      throw new ScenarioException("-Dcapkit." + key, "", "'" + v + "' is not a number");
    }
  }
}
