package dev.capkit.gate;

import dev.capkit.core.cli.CommandLine;
import dev.capkit.gate.stats.RegressionStatistics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code ./capkit baseline save <run folder> --out baselines/<name>.json}: keeps what the gate needs
 * from a run (counts and E2E/TTFT/TPOT histograms per step and kind; format in {@link BaselineReader})
 * in one small file to commit, and says per step whether its p99s rest on enough samples to gate.
 * Exit status 0, or 2 with one line naming the file, flag or value.
 *
 * <pre>{@code
 * BaselineMain.run(new String[] {"save", "simulations/target/capkit-runs/quickstart-20250101-120000", "--out", "baselines/quickstart.json"});
 * }</pre>
 */
public final class BaselineMain {
  static final String USAGE = """
      usage: capkit baseline save <run folder> --out <file.json>
        keeps the run's per-step, per-kind counts and E2E/TTFT/TPOT histograms in one small versioned
        file (commit it) for 'capkit gate --baseline <file>'. Refuses runs that did not complete.
      """;

  private BaselineMain() {}

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      out.print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    try {
      if (!args[0].equals("save")) {
        throw new IllegalArgumentException("unknown subcommand '" + args[0] + "' (known: save)");
      }
      CommandLine cl = CommandLine.parse(java.util.Arrays.copyOfRange(args, 1, args.length), List.of("--out"), List.of());
      if (cl.positional().size() != 1) {
        throw new IllegalArgumentException(cl.positional().isEmpty() ? "missing the run folder to save"
            : "expected one run folder, got " + cl.positional().size() + ": " + cl.positional());
      }
      Path run = Path.of(cl.positional().get(0));
      Path file = Path.of(cl.require("--out", "e.g. --out baselines/" + run.getFileName() + ".json"));
      if (Files.isDirectory(file)) {
        throw new IllegalArgumentException("--out: '" + file + "' is a directory; give a file name such as " + file.resolve("smoke.json"));
      }
      RunFigures figures = RunFigures.ofRun(run);
      if (figures.partial()) {
        throw new IllegalArgumentException(run.resolve("run.json") + ": field 'status' is not 'complete': a baseline needs a finished run");
      }
      if (figures.steps().isEmpty()) {
        throw new IllegalArgumentException(run.resolve("run.json") + ": field 'steps' is empty: nothing to keep");
      }
      BaselineWriter.write(figures, file);
      out.printf(Locale.ROOT, "capkit baseline: %s (%,d bytes, format v%d) from run %s%n", file, Files.size(file),
          BaselineReader.FORMAT_VERSION, figures.runId());
      long needed = (long) Math.ceil(RegressionStatistics.MIN_TAIL_SAMPLES / (1 - GatedMetric.QUANTILE) - 1e-9);
      for (StepFigures s : figures.steps()) {
        KindFigures all = s.allKinds();
        long e2e = all.histogram("e2e").getTotalCount();
        out.printf(Locale.ROOT, "capkit baseline:   %s: %d sent, %d ok, %d e2e / %d ttft / %d tpot samples (%s)%s%n",
            s.id(), s.sent(), s.ok(), e2e, all.histogram("ttft").getTotalCount(), all.histogram("tpot").getTotalCount(), figures.basis(),
            e2e < needed ? "; too few to gate a p99 (need >= " + needed + "): lengthen the step or raise its rate" : "");
      }
      return 0;
    } catch (IllegalArgumentException | IOException e) {
      err.println("capkit baseline: " + e.getMessage());
      return 2;
    }
  }
}
