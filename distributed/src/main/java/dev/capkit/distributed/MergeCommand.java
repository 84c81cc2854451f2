package dev.capkit.distributed;

import dev.capkit.core.cli.CommandLine;
import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.StepSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ./capkit merge <run folders...> --out <run folder>}: merges injector runs of one scenario
 * into one run. Exit 0 merged, 2 refused (different scenarios or times, bad arguments), 1 I/O error.
 */
public final class MergeCommand {
  private MergeCommand() {}

  public static int run(String[] args) throws java.io.IOException {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws java.io.IOException {
    List<Path> inputs;
    Path target;
    try {
      CommandLine cl = CommandLine.parse(args, List.of("--out"), List.of());
      if (cl.help()) {
        out.println("usage: ./capkit merge <run folder> <run folder>... --out <new run folder>");
        out.println("  adds the injectors' HdrHistogram interval logs exactly, sums counts, recomputes rates and summaries");
        return 0;
      }
      target = Path.of(cl.require("--out", "the new run folder"));
      inputs = cl.positional().stream().map(Path::of).toList();
      if (inputs.isEmpty()) {
        throw new CommandLine.UsageException("no run folder given");
      }
    } catch (CommandLine.UsageException e) {
      err.println("capkit merge: " + e.getMessage() + " (usage: ./capkit merge <run folders...> --out <run folder>)");
      return 2;
    }
    RunManifest m;
    try {
      m = RunMerger.merge(inputs, target);
    } catch (MergeRefusedException e) {
      err.println("capkit merge: refused: " + e.getMessage());
      return 2;
    }
    out.printf("merged %d runs into %s (status %s)%n", inputs.size(), target, m.status());
    printSteps(m, out);
    return 0;
  }

  /** The merged run's steps, one row each: counts, achieved rate, TTFT and E2E percentiles (measured, merged histograms). */
  public static void printSteps(RunManifest m, PrintStream out) {
    out.printf("%-22s %8s %8s %6s %9s %15s %15s%n", "step", "sent", "ok", "err", "ok/s", "ttft p50/p99 ms", "e2e p50/p99 ms");
    for (StepSummary s : m.steps()) {
      var ttft = s.metric(dev.capkit.core.results.Metric.TTFT);
      var e2e = s.metric(dev.capkit.core.results.Metric.E2E);
      out.printf(java.util.Locale.ROOT, "%-22s %8d %8d %6d %9.3f %15s %15s%s%n", s.id(), s.sent(), s.ok(), s.sent() - s.ok(),
          s.achievedQps(), String.format(java.util.Locale.ROOT, "%.1f/%.1f", ttft.p50(), ttft.p99()),
          String.format(java.util.Locale.ROOT, "%.1f/%.1f", e2e.p50(), e2e.p99()),
          s.errors().isEmpty() ? "" : "  " + s.errors());
    }
  }
}
