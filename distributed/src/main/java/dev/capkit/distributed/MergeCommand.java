package dev.capkit.distributed;

import dev.capkit.core.results.RunManifest;
import dev.capkit.core.results.StepSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
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
    List<Path> inputs = new ArrayList<>();
    Path target = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--help", "-h" -> {
          out.println("usage: ./capkit merge <run folder> <run folder>... --out <new run folder>");
          out.println("  adds the injectors' HdrHistogram interval logs exactly, sums counts, recomputes rates and summaries");
          return 0;
        }
        case "--out" -> {
          if (i + 1 >= args.length) {
            err.println("capkit merge: --out needs a folder");
            return 2;
          }
          target = Path.of(args[++i]);
        }
        default -> inputs.add(Path.of(args[i]));
      }
    }
    if (target == null || inputs.isEmpty()) {
      err.println("capkit merge: usage: ./capkit merge <run folders...> --out <run folder>");
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
    out.printf("%-22s %8s %8s %10s %10s %10s%n", "step", "sent", "ok", "ok/s", "ttft p50", "ttft p99");
    for (StepSummary s : m.steps()) {
      out.printf("%-22s %8d %8d %10.3f %10.1f %10.1f%n", s.id(), s.sent(), s.ok(), s.achievedQps(),
          s.metric(dev.capkit.core.results.Metric.TTFT).p50(), s.metric(dev.capkit.core.results.Metric.TTFT).p99());
    }
    return 0;
  }
}
