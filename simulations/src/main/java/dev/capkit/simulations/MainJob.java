package dev.capkit.simulations;

import dev.capkit.core.results.RunLayout;
import dev.capkit.core.results.RunReader;
import dev.capkit.core.results.StepSummary;
import dev.capkit.pipeline.AfterRun;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The main job's end, as Gatling drives it: {@link #complete} closes the measured run and runs the
 * regression gate while Gatling's stats are still open (so its verdict can fail the build as an
 * assertion); {@link #finish} prints the verdict and runs the rest of the after-run pipeline
 * ({@link AfterRun}: plan, report) on the run folder. Also answers what Gatling's assertions need
 * to know about the plan.
 */
public final class MainJob {
  private final RunSetup setup;
  private Completion completion;

  public MainJob(RunSetup setup) {
    this.setup = setup;
  }

  /** How a run ended: steps measured, broken objectives (one line, empty when all held), the gate's exit status. */
  public record Completion(int steps, String broken, int gate) {}

  /** Whether the plan sends any request of this kind (Gatling fails assertions on never-sent names). */
  public boolean expectsRequestsOf(String kind) {
    if (setup.schedule() == null) {
      return true;
    }
    var mix = setup.scenario().mix();
    int index = -1;
    for (int i = 0; i < mix.size(); i++) {
      if (mix.get(i).kind().equals(kind)) {
        index = i;
      }
    }
    for (Arrival a : setup.schedule().arrivals()) {
      if (a.mixIndex() == index) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether a regression gate runs at the end: {@code -Dcapkit.baseline} is set and this injector
   * sends the whole run (an injector's share is gated after the merge, by {@code ./capkit split}).
   */
  public boolean gated() {
    return setup.options().afterRun().baseline() != null && setup.share().count() == 1;
  }

  /**
   * Closes the measured part of the run, once: waits for every step, writes the final run.json,
   * releases client, proxy, scraper and emulator, and runs the regression gate when {@link #gated()}.
   */
  public synchronized Completion complete(String simulationClass, PrintStream out) {
    if (completion != null) {
      return completion;
    }
    LoadRun run = setup.run();
    try {
      List<StepSummary> steps = run.awaitSteps(maxRunTime());
      String broken = brokenObjectives(steps);
      run.writer().software("loadgenScheduling", setup.client().scheduling()); // now with the real-time guard's changes
      run.complete(gatlingReport(simulationClass), true);
      dev.capkit.core.results.StepSummaryCsv.write(run.writer().folder(), steps); // the same figures as one CSV table
      completion = new Completion(steps.size(), broken, 0);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while closing steps; results so far are in " + run.writer().folder());
    } catch (IOException e) {
      throw new UncheckedIOException("writing run.json failed in " + run.writer().folder(), e);
    } finally {
      setup.close();
    }
    int gate = gated() ? AfterRun.gate(run.writer().folder(), setup.options().afterRun(), out) : 0;
    completion = new Completion(completion.steps(), completion.broken(), gate);
    return completion;
  }

  /**
   * Ends the run: {@link #complete}, prints where results are and the verdict of every objective on
   * every step, then plans and reports the run. Returns the broken objectives (and a failed gate)
   * as one line, empty when all held.
   *
   * @param simulationClass simple name of the Gatling simulation (its report folder's prefix)
   */
  public String finish(PrintStream out, String simulationClass) {
    Completion c = complete(simulationClass, out);
    Path folder = setup.run().writer().folder();
    out.println();
    out.println("capkit: " + c.steps() + " step(s) " + setup.run().writer().manifest().target().basis() + "; results (format v" + RunReader.FORMAT_VERSION + "): "
        + RunLayout.of(folder).manifest().toAbsolutePath());
    out.println("capkit: objectives " + (c.broken().isEmpty() ? "held on every step" : "BROKEN: " + c.broken()));
    if (c.gate() != 0) {
      out.println("capkit: regression gate exit " + c.gate() + " (details above and in " + RunLayout.of(folder).gateDir() + ")");
    }
    if (setup.share().count() > 1) {
      // A plan from 1/N of the load would undercount it N times: plan and report the merged run.
      out.println("capkit: plan and report skipped: injector " + setup.share() + " holds one share of the load; "
          + "./capkit merge the injectors' runs, then ./capkit plan and ./capkit report the merged run "
          + "(./capkit split does all of it)");
    } else {
      AfterRun.report(folder, AfterRun.plan(folder, setup.scenario(), setup.options().afterRun(), out), out);
    }
    out.flush();
    return c.gate() == 0 ? c.broken() : (c.broken().isEmpty() ? "" : c.broken() + "; ") + "regression gate exit " + c.gate();
  }

  /** Longest a run can take (a search: its budget and a drain): lead-in, all steps, the last requests' whole timeout, and a minute of slack. */
  public Duration maxRunTime() {
    if (setup.scenario().searches()) { // the search stops before a probe would pass its budget; the last one drains
      return Duration.ofMillis(Math.round(setup.scenario().search().budgetSeconds() * 1000))
          .plus(setup.scenario().timeouts().total()).plusSeconds(120);
    }
    return setup.scenario().load().leadIn().plus(setup.scenario().loadDuration()).plus(setup.scenario().timeouts().total())
        .plusSeconds(60);
  }

  static String brokenObjectives(List<StepSummary> steps) {
    List<String> broken = new ArrayList<>();
    for (var s : steps) {
      for (var v : s.slo()) {
        if (!v.met()) {
          broken.add(s.id() + " " + StepTable.verdict(v) + " (limit " + (v.key().equals("errors")
              ? String.format(Locale.ROOT, "%.2f%%", v.limit() * 100) : StepTable.ms(v.limit()) + " ms") + ")");
        }
      }
    }
    return String.join("; ", broken);
  }

  /**
   * Gatling's report folder of this run: {@code <simulation>-<yyyyMMddHHmmssSSS>} in the results
   * folder, the one of this simulation class whose timestamp is closest to this run's start (runs of
   * other simulations, or earlier and concurrent runs, sit in the same folder). Gatling writes its
   * HTML after {@code after()}, but the folder already exists.
   */
  private String gatlingReport(String simulationClass) {
    Path dir = setup.options().gatlingResultsDir();
    if (dir == null || simulationClass == null) {
      return null;
    }
    String prefix = simulationClass.toLowerCase(Locale.ROOT) + "-";
    long start = Instant.parse(setup.run().writer().manifest().startedAt()).toEpochMilli();
    var stamp = DateTimeFormatter.ofPattern("yyyyMMddHHmmssSSS");
    try (var folders = Files.list(dir)) {
      return folders.filter(Files::isDirectory)
          .filter(p -> p.getFileName().toString().startsWith(prefix))
          .filter(p -> p.getFileName().toString().substring(prefix.length()).matches("\\d{17}"))
          .min(Comparator.comparingLong(p -> Math.abs(LocalDateTime
              .parse(p.getFileName().toString().substring(prefix.length()), stamp)
              .atZone(ZoneId.systemDefault()).toInstant().toEpochMilli() - start)))
          .map(p -> p.resolve("index.html").toAbsolutePath().toString())
          .orElse(null);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
