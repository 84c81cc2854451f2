package dev.capkit.core.run;

import java.nio.file.Path;

/**
 * What the after-run pipeline (gate, plan, report) needs beyond the run folder.
 *
 * @param targetQps  rate to plan for ({@code -Dcapkit.targetQps}); null: the scenario's default
 *                   ({@link dev.capkit.core.scenario.Scenario#defaultPlanTarget})
 * @param targetFlag how a user sets {@code targetQps} in this entry point (named in the plan's first line)
 * @param catalogDir edited tier/model catalogs ({@code -Dcapkit.catalogDir}); null: the built-in ones
 * @param baseline   baseline file or run folder for the regression gate ({@code -Dcapkit.baseline});
 *                   null: no gate
 */
public record AfterRunOptions(Double targetQps, String targetFlag, Path catalogDir, Path baseline) {
  public static AfterRunOptions none(String targetFlag) {
    return new AfterRunOptions(null, targetFlag, null, null);
  }

  public AfterRunOptions withTargetQps(Double qps, String flag) {
    return new AfterRunOptions(qps, flag, catalogDir, baseline);
  }
}
