package dev.capkit.pipeline;

import dev.capkit.core.results.RunLayout;
import dev.capkit.core.run.AfterRunOptions;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.gate.GateMain;
import dev.capkit.gate.GateVerdict;
import dev.capkit.gate.Tolerance;
import dev.capkit.planner.PlanOptions;
import dev.capkit.planner.PlanResult;
import dev.capkit.planner.Planner;
import dev.capkit.planner.output.PlanMarkdown;
import dev.capkit.planner.output.PlanWriters;
import dev.capkit.reports.HtmlReport;
import dev.capkit.reports.ReportException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The one after-run pipeline on a finished run folder: the regression gate (when a baseline is
 * set), the capacity plan, and the report page, written into the folder ({@link RunLayout}). The
 * main job runs it on its own run, {@code ./capkit split} on the merged run. A plan or report that
 * cannot be made is said so on {@code out}; the measured run stands regardless.
 *
 * <pre>{@code
 * AfterRun.Result r = AfterRun.run(folder, scenario, options.afterRun(), System.out);
 * r.gate();     // 0 pass (or no baseline), 1 regression, 2 unusable input
 * r.planJson(); // null when no plan could be made
 * }</pre>
 */
public final class AfterRun {
  private AfterRun() {}

  /**
   * What the pipeline produced.
   *
   * @param gate     the gate's exit status (0 when no baseline is set)
   * @param planJson the plan's JSON file, or null when no plan was made
   * @param report   the report page, or null when it was not written
   */
  public record Result(int gate, Path planJson, Path report) {}

  /** Gate, plan, report, in that order. */
  public static Result run(Path folder, Scenario scenario, AfterRunOptions options, PrintStream out) {
    int gate = gate(folder, options, out);
    Path plan = plan(folder, scenario, options, out);
    return new Result(gate, plan, report(folder, plan, out));
  }

  /**
   * The CI regression gate, only when {@link AfterRunOptions#baseline()} is set: judges the run
   * against it with the default tolerance, prints the table and writes gate.txt, junit.xml and
   * summary.md into the run's {@link RunLayout#gateDir()}. Returns 0 pass (or no baseline), 1
   * regression, 2 unusable input.
   */
  public static int gate(Path folder, AfterRunOptions options, PrintStream out) {
    if (options.baseline() == null) {
      return 0;
    }
    out.println();
    try {
      GateVerdict verdict = GateMain.judge(options.baseline(), folder, Tolerance.defaults(), GateMain.DEFAULT_CONFIDENCE);
      GateMain.write(verdict, RunLayout.of(folder).gateDir(), out);
      return verdict.exitCode();
    } catch (IOException | RuntimeException e) {
      out.println("capkit gate: " + e.getMessage() + " (exit 2: unusable input)");
      return GateVerdict.UNUSABLE;
    }
  }

  /**
   * Plans from the run for {@link AfterRunOptions#targetQps()}, else the scenario's default rate,
   * and says which; writes the plan into {@link RunLayout#planDir()}. Returns plan.json, or null.
   */
  public static Path plan(Path folder, Scenario scenario, AfterRunOptions options, PrintStream out) {
    double target;
    String why;
    if (options.targetQps() != null) {
      target = options.targetQps();
      why = options.targetFlag();
    } else {
      Scenario.PlanTarget fallback = scenario.defaultPlanTarget(options.targetFlag());
      target = fallback.qps();
      why = fallback.why();
    }
    out.println();
    out.printf(Locale.ROOT, "capkit: planning for %.2f req/s (%s)...%n", target, why);
    out.flush();
    try {
      PlanOptions plan = PlanOptions.defaults(target);
      if (options.catalogDir() != null) {
        plan = plan.withCatalogDir(options.catalogDir());
      }
      PlanResult result = Planner.planRuns(List.of(folder), plan);
      List<Path> files = PlanWriters.writeAll(result, RunLayout.of(folder).planDir());
      out.println("capkit: " + result.basis().line());
      out.print(PlanMarkdown.tierTable(result));
      out.print(PlanMarkdown.agentsSection(result));
      out.println("capkit: plan: " + files.stream().map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining(", ")));
      Path json = RunLayout.of(folder).planJson();
      return files.contains(json) ? json : null;
    } catch (RuntimeException | IOException e) {
      out.println("capkit: plan: not made: " + e.getMessage());
      return null;
    }
  }

  /** Writes the report page ({@link RunLayout#report()}) with the plan when there is one; null when not written. */
  public static Path report(Path folder, Path planJson, PrintStream out) {
    Path html = RunLayout.of(folder).report();
    try {
      HtmlReport.write(List.of(folder), planJson, null, html);
      out.println("capkit: report: " + html.toAbsolutePath());
      return html;
    } catch (RuntimeException | ReportException e) {
      out.println("capkit: report: not written: " + e.getMessage());
      return null;
    }
  }
}
