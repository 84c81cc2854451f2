package dev.capkit.gate;

import dev.capkit.core.cli.CommandLine;
import dev.capkit.gate.output.VerdictFormat;
import dev.capkit.gate.output.VerdictTable;
import dev.capkit.gate.stats.RegressionStatistics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./capkit gate --baseline <run folder or baseline file> <run folder> [--tolerance LIST]
 * [--confidence C] [--out DIR]}: compares the run with the baseline, prints the table, writes
 * {@code gate.txt}, {@code junit.xml} and {@code summary.md} to {@code --out} (default
 * {@code <run folder>/gate}). Exit status 0 pass, 1 credible regression beyond tolerance, 2 unusable
 * input (bad flag or file, mismatched scenario, missing step, too few samples to decide).
 *
 * <pre>{@code
 * int status = GateMain.run(new String[] {"--baseline", "baselines/smoke.json", "simulations/target/capkit-runs/quickstart-20250101-120000"});
 * }</pre>
 */
public final class GateMain {
  static final String USAGE = """
      usage: capkit gate --baseline <run folder or baseline file> <run folder> [options]
        --baseline PATH       a run folder or a file written by 'capkit baseline save' (required)
        --tolerance LIST      worsening allowed before a change can fail, e.g. p99=10%,ttft.p99=15%,errors=0.5pp,goodput=5pp
                              (default p99=10%,errors=0.5pp,goodput=5pp; p99= sets e2e, ttft and tpot)
        --confidence C        two-sided confidence of each interval, in (0.5, 1) (default 0.95)
        --out DIR             where gate.txt, junit.xml and summary.md go (default: <run folder>/gate)
        --allow-difference LIST  workload fields allowed to differ, e.g. emulator.slowdown,objectives (a prefix covers
                              its fields); without it a differing field makes the input unusable; each is noted in the verdict
      exit status: 0 pass, 1 credible regression beyond tolerance, 2 unusable input
      """;

  /** Default two-sided confidence of each comparison's interval (calibrated: see gate/README.md). */
  public static final double DEFAULT_CONFIDENCE = 0.95;

  private GateMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      out.print(USAGE);
      return args.length == 0 ? GateVerdict.UNUSABLE : GateVerdict.PASS;
    }
    try {
      CommandLine cl = CommandLine.parse(args, List.of("--baseline", "--out", "--tolerance", "--confidence", "--allow-difference"), List.of());
      Path baseline = Path.of(cl.require("--baseline", "a run folder or a baseline file"));
      Path outDir = cl.path("--out").orElse(null);
      Tolerance tolerance = cl.value("--tolerance").map(Tolerance::parse).orElse(Tolerance.defaults());
      double confidence = cl.value("--confidence").map(GateMain::confidence).orElse(DEFAULT_CONFIDENCE);
      List<Path> runs = cl.positional().stream().map(Path::of).toList();
      if (runs.size() != 1) {
        throw new IllegalArgumentException("expected exactly one run folder to judge, got " + runs.size() + ": " + runs);
      }
      List<String> allowed = cl.value("--allow-difference").map(a -> java.util.Arrays.stream(a.split(",")).map(String::trim)
          .filter(x -> !x.isEmpty()).toList()).orElse(List.of());
      GateVerdict v = judge(baseline, runs.get(0), tolerance, confidence, allowed);
      write(v, outDir != null ? outDir : dev.capkit.core.results.RunLayout.of(runs.get(0)).gateDir(), out);
      return v.exitCode();
    } catch (IllegalArgumentException | IOException e) {
      err.println("capkit gate: " + e.getMessage());
      return GateVerdict.UNUSABLE;
    }
  }

  /** Reads both sides (a baseline may be a run folder or a baseline file) and judges. */
  public static GateVerdict judge(Path baseline, Path runFolder, Tolerance tolerance, double confidence) throws IOException {
    return judge(baseline, runFolder, tolerance, confidence, List.of());
  }

  /** As {@link #judge(Path, Path, Tolerance, double)}, letting the named workload fields differ (noted in the verdict). */
  public static GateVerdict judge(Path baseline, Path runFolder, Tolerance tolerance, double confidence, List<String> allowedDifferences)
      throws IOException {
    RunFigures b = BaselineReader.isBaselineFile(baseline) ? BaselineReader.read(baseline) : RunFigures.ofRun(baseline);
    RunFigures c = RunFigures.ofRun(runFolder);
    return new RegressionGate(RegressionStatistics.standard(), tolerance, confidence, allowedDifferences).judge(b, c);
  }

  /** Prints the table on {@code out} and writes every {@link VerdictFormat} into {@code dir}. */
  public static void write(GateVerdict v, Path dir, PrintStream out) throws IOException {
    out.print(new VerdictTable().render(v));
    Files.createDirectories(dir);
    List<String> written = new ArrayList<>();
    for (VerdictFormat f : VerdictFormat.all()) {
      Path file = dir.resolve(f.fileName());
      Files.writeString(file, f.render(v));
      written.add(file.toString());
    }
    out.println("capkit gate: wrote " + String.join(", ", written));
    out.flush();
  }

  private static double confidence(String v) {
    try {
      double c = Double.parseDouble(v);
      if (!(c > 0.5 && c < 1)) {
        throw new IllegalArgumentException("--confidence: must be in (0.5, 1), got " + v);
      }
      return c;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--confidence: '" + v + "' is not a number");
    }
  }
}
