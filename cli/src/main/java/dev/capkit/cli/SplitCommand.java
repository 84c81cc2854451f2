package dev.capkit.cli;

import dev.capkit.core.cli.CommandLine;
import dev.capkit.core.results.RunLayout;
import dev.capkit.core.run.AfterRunOptions;
import dev.capkit.core.run.RunOptions;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioException;
import dev.capkit.distributed.LocalSplit;
import dev.capkit.distributed.MergeRefusedException;
import dev.capkit.emulator.EmbeddedEmulator;
import dev.capkit.emulator.ScenarioEmulatorOptions;
import dev.capkit.pipeline.AfterRun;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * {@code ./capkit split --injectors N [options] -- -Dcapkit.scenario=... [-Dcapkit.*=...]}: the local
 * distributed mode. Loads the scenario (bad input stops here, exit 2), starts one standalone emulator
 * from the scenario's emulator settings unless {@code --target} is given, runs N injector JVMs on
 * the simulations' class path from one common start instant ({@link LocalSplit}), merges their runs,
 * then runs the after-run pipeline ({@link AfterRun}: the gate with {@code -Dcapkit.baseline}, plan, report)
 * on the merged run, as the main job does on a single injector's run.
 *
 * <p>Exit status: 0 merged and every injector's assertions held; 1 an injector failed or an
 * assertion broke, or the gate found a regression (the merged run is still written when every injector
 * wrote a run); 2 bad input or
 * runs that cannot be merged. The launcher passes {@code --classpath-file} (built by Maven) and
 * {@code --scenarios}.
 */
final class SplitCommand {
  private SplitCommand() {}

  static int run(String[] args) throws Exception {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    CommandLine cl;
    long injectors;
    long leadSeconds;
    long timeoutMinutes;
    try {
      cl = CommandLine.parse(args, List.of("--injectors", "--target", "--lead-seconds", "--timeout-minutes", "--heap", "--out",
          "--target-qps", "--classpath-file", "--scenarios"), List.of());
      if (cl.help()) {
        usage(out);
        return 0;
      }
      if (!cl.positional().isEmpty()) {
        throw new CommandLine.UsageException("unexpected argument '" + cl.positional().get(0) + "': JVM options go after --");
      }
      for (String o : cl.passthrough()) {
        if (!o.startsWith("-D") && !o.startsWith("-X")) {
          throw new CommandLine.UsageException("'" + o + "' after --: only -Dcapkit.*=... and JVM -X options are passed to the injectors");
        }
      }
      injectors = cl.whole("--injectors", 2);
      leadSeconds = cl.whole("--lead-seconds", -1);
      timeoutMinutes = cl.whole("--timeout-minutes", 60);
      cl.number("--target-qps", 0); // checked here, passed on as given
    } catch (CommandLine.UsageException e) {
      err.println("capkit split: " + e.getMessage() + " (./capkit split --help)");
      return 2;
    }
    String target = cl.value("--target").orElse(null);
    String heap = cl.value("--heap").orElse("2G");
    Path outDir = cl.path("--out").orElse(null);
    Path classpathFile = cl.path("--classpath-file").orElse(null);
    Path scenarios = cl.path("--scenarios").orElse(Path.of("scenarios"));
    String targetQps = cl.value("--target-qps").orElse(null);
    List<String> jvm = new ArrayList<>(cl.passthrough());
    if (injectors < 1 || injectors > 64) {
      err.println("capkit split: --injectors " + injectors + ": need 1 to 64");
      return 2;
    }
    if (classpathFile == null || !Files.isRegularFile(classpathFile)) {
      err.println("capkit split: --classpath-file " + classpathFile + ": no injector class path (run it as ./capkit split, which builds it)");
      return 2;
    }
    Properties props = new Properties();
    for (String o : jvm) {
      if (o.startsWith("-D")) {
        int eq = o.indexOf('=');
        props.setProperty(eq < 0 ? o.substring(2) : o.substring(2, eq), eq < 0 ? "" : o.substring(eq + 1));
      }
    }
    if (!props.containsKey("capkit.scenariosDir")) {
      jvm.add("-Dcapkit.scenariosDir=" + scenarios.toAbsolutePath());
      props.setProperty("capkit.scenariosDir", scenarios.toString());
    }
    RunOptions options;
    Scenario scenario;
    try {
      options = RunOptions.parse(props, System.getenv());
      scenario = options.loadScenario();
    } catch (ScenarioException e) {
      err.println("capkit split: error: " + e.getMessage());
      return 2;
    }
    if (outDir == null) {
      outDir = Path.of("target", "capkit-split",
          scenario.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    }
    if (Files.exists(outDir.resolve("merged"))) {
      err.println("capkit split: --out " + outDir + " already holds a merged run; choose a new folder");
      return 2;
    }
    if (target != null && options.target().tier() == null) {
      out.println("capkit split: note: no -Dcapkit.tier given for --target " + target + ": the runs record the tier"
          + " 'unlabelled', which the planner refuses; the merged run is still written and reported");
    }
    String classpath = Files.readString(classpathFile, StandardCharsets.UTF_8).trim();
    Duration lead = Duration.ofSeconds(Math.max(0, leadSeconds)); // zero: start when every injector is ready
    EmbeddedEmulator emulator = null;
    try {
      if (target == null) {
        try {
          emulator = EmbeddedEmulator.start(ScenarioEmulatorOptions.options(scenario, options));
        } catch (ScenarioException e) {
          err.println("capkit split: error: " + e.getMessage());
          return 2;
        } catch (Exception e) {
          err.println("capkit split: error: " + scenario.source() + ": field 'emulator': " + e.getMessage());
          return 2;
        }
        target = emulator.baseUri().toString();
        jvm.add("-Dcapkit.targetKind=emulator");
        out.println("capkit split: started one emulator for all injectors at " + target + ": " + emulator.describe());
      }
      LocalSplit.Result result;
      try {
        result = LocalSplit.run(new LocalSplit.Options((int) injectors, classpath, target, jvm, outDir, lead,
            Duration.ofMinutes(timeoutMinutes), heap), out);
      } catch (IllegalArgumentException e) {
        err.println("capkit split: " + e.getMessage());
        return 2;
      } catch (MergeRefusedException e) {
        err.println("capkit split: not merged: " + e.getMessage());
        return 2;
      }
      printMerged(result, out);
      if (result.manifest().steps().isEmpty()) {
        out.println("capkit split: no step was measured by every injector: nothing to plan; see the injectors' logs in " + outDir);
        return 1;
      }
      AfterRunOptions afterRun = options.afterRun().withTargetQps(
          targetQps == null ? options.afterRun().targetQps() : Double.valueOf(targetQps), "--target-qps");
      AfterRun.Result after = AfterRun.run(result.merged(), scenario, afterRun, out);
      if (!result.late().isEmpty()) {
        out.println("capkit split: late injectors " + result.late() + ": the merged run's shares did not all start on time");
      }
      out.println("capkit split: merged run " + RunLayout.of(result.merged()).manifest().toAbsolutePath());
      if (after.gate() != 0) {
        out.println("capkit split: regression gate exit " + after.gate() + " on the merged run (details above and in "
            + RunLayout.of(result.merged()).gateDir() + ")");
      }
      return result.exitCode() == 0 && result.late().isEmpty() && after.gate() == 0 ? 0 : 1;
    } finally {
      if (emulator != null) {
        emulator.close();
      }
    }
  }

  private static void printMerged(LocalSplit.Result r, PrintStream out) {
    out.println();
    out.println("capkit split: merged run of " + r.injectors().size() + " injector(s), " + r.manifest().target().basis() + ":");
    dev.capkit.distributed.MergeCommand.printSteps(r.manifest(), out);
  }

  static void usage(PrintStream out) {
    out.println("usage: ./capkit split --injectors N [options] -- -Dcapkit.scenario=NAME [-Dcapkit.qps=...] [-Dcapkit.*=...]");
    out.println("  N injector JVMs on this machine, each sending its share of the scenario (every N-th planned arrival,");
    out.println("  or agents i, i+N, ...) from one common start instant; then one merged run, its plan and report.");
    out.println("  --injectors N        injector JVMs (default 2)");
    out.println("  --target URL         send to this endpoint (default: one emulator started from the scenario's settings)");
    out.println("  --lead-seconds S     a fixed launch-to-start time instead of the default: start once every");
    out.println("                       injector says it is ready (then the start is 1.5 s later)");
    out.println("  --timeout-minutes M  stop injectors still running M minutes after the start (default 60)");
    out.println("  --heap SIZE          each injector's -Xmx (default 2G)");
    out.println("  --target-qps X       rate to plan for (default: the run's highest offered rate; 1 req/s for closed loop)");
    out.println("  --out DIR            logs, injector runs, merged run (default target/capkit-split/<scenario>-<time>)");
  }
}
