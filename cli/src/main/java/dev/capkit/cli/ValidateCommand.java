package dev.capkit.cli;

import dev.capkit.core.cli.CommandLine;
import dev.capkit.core.run.RunOptions;
import dev.capkit.core.scenario.Scenario;
import dev.capkit.core.scenario.ScenarioException;
import dev.capkit.distributed.LocalSplit;
import dev.capkit.distributed.MergeRefusedException;
import dev.capkit.planner.PlanException;
import dev.capkit.planner.validate.PlanPromise;
import dev.capkit.planner.validate.PlanValidation;
import dev.capkit.twin.catalog.Catalog;
import dev.capkit.twin.catalog.CatalogException;
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
import java.util.Locale;
import java.util.Properties;

/**
 * {@code ./capkit validate <plan.json> --target URL [--duration 10m] [--tier T] [options] [-- -Dcapkit.*=...]}:
 * does the plan's promise hold on a real replica? Runs the plan's scenario open-loop at the plan's
 * per-replica rate ({@code replicas.perReplicaQps} of the recommended row, or of {@code --tier}) for
 * {@code --duration} against one replica at {@code --target}, through the main job's own load path
 * (one injector JVM, as {@code ./capkit split --injectors 1}: Gatling, capkit's client, a run folder),
 * then judges each of the plan's objectives on that run as the planner judged its ladder
 * ({@link PlanValidation}) and says, objective by objective, whether it held and by how much.
 * {@code --run DIR} judges an existing run folder instead of sending load.
 *
 * <p>Exit status: 0 every objective held; 1 an objective was missed (or the load run failed); 2 bad
 * input (plan.json unreadable or without a per-replica rate, a flag, the scenario).
 *
 * <pre>{@code
 * ./capkit validate plan/plan.json --target http://10.0.0.5:8000 --duration 10m -- -Dcapkit.model=autoglm-phone-9b
 * }</pre>
 */
final class ValidateCommand {
  private ValidateCommand() {}

  static int run(String[] args) throws Exception {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
    CommandLine cl;
    PlanPromise promise;
    Duration duration;
    Catalog catalog;
    try {
      cl = CommandLine.parse(args, List.of("--target", "--duration", "--tier", "--run", "--out", "--catalog", "--heap",
          "--lead-seconds", "--classpath-file", "--scenarios"), List.of());
      if (cl.help()) {
        usage(out);
        return 0;
      }
      if (cl.positional().size() != 1) {
        throw new CommandLine.UsageException("expected one plan.json, got " + cl.positional().size() + " argument(s)");
      }
      for (String o : cl.passthrough()) {
        if (!o.startsWith("-D") && !o.startsWith("-X")) {
          throw new CommandLine.UsageException("'" + o + "' after --: only -Dcapkit.*=... and JVM -X options are passed to the injector");
        }
      }
      try {
        duration = dev.capkit.core.scenario.Durations.parse(cl.value("--duration").orElse("10m"));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.UsageException("--duration: " + e.getMessage());
      }
      if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
        throw new CommandLine.UsageException("--duration '" + cl.value("--duration").orElse("") + "' is shorter than 1s");
      }
      if (cl.value("--run").isEmpty() && cl.value("--target").isEmpty()) {
        throw new CommandLine.UsageException("--target URL is required (the replica to validate), or --run DIR to judge a run already made");
      }
      promise = PlanPromise.read(Path.of(cl.positional().get(0)), cl.value("--tier").orElse(null));
      catalog = Catalog.load(cl.path("--catalog").orElse(null));
    } catch (IllegalArgumentException | PlanException | CatalogException e) {
      err.println("capkit validate: " + e.getMessage() + " (./capkit validate --help)");
      return 2;
    }
    Path run = cl.path("--run").orElse(null);
    if (run == null) {
      run = load(cl, promise, duration, out, err);
      if (run == null) {
        return 2;
      }
    }
    PlanValidation v;
    try {
      v = PlanValidation.judge(promise, run, catalog);
    } catch (PlanException e) {
      err.println("capkit validate: " + e.getMessage());
      return cl.path("--run").isPresent() ? 2 : 1;
    }
    String text = v.render();
    out.print(text);
    Path report = run.resolve("validation.md");
    try {
      Files.writeString(report, text, StandardCharsets.UTF_8);
      out.println("capkit validate: verdict written to " + report.toAbsolutePath());
    } catch (IOException e) {
      err.println("capkit validate: could not write " + report + ": " + e.getMessage());
    }
    return v.held() ? 0 : 1;
  }

  /** Runs the scenario at the plan's per-replica rate through one injector; the merged run folder, or null after bad input. */
  private static Path load(CommandLine cl, PlanPromise promise, Duration duration, PrintStream out, PrintStream err) throws Exception {
    Path classpathFile = cl.path("--classpath-file").orElse(null);
    if (classpathFile == null || !Files.isRegularFile(classpathFile)) {
      err.println("capkit validate: --classpath-file " + classpathFile + ": no injector class path (run it as ./capkit validate, which builds it)");
      return null;
    }
    Path scenarios = cl.path("--scenarios").orElse(Path.of("scenarios"));
    List<String> jvm = new ArrayList<>();
    jvm.add("-Dcapkit.scenariosDir=" + scenarios.toAbsolutePath());
    jvm.add("-Dcapkit.scenario=" + promise.scenario());
    jvm.add(String.format(Locale.ROOT, "-Dcapkit.qps=%s", Double.toString(promise.perReplicaQps())));
    jvm.add("-Dcapkit.duration=" + duration.toSeconds() + "s");
    jvm.add("-Dcapkit.tier=" + promise.tier());
    jvm.addAll(cl.passthrough()); // later -D wins: the user may point at a scenario file or set the model
    if (cl.passthrough().stream().noneMatch(o -> o.startsWith("-Dcapkit.catalogDir="))) {
      jvm.add("-Dcapkit.catalogDir=" + oneTierCatalog(cl.path("--catalog").orElse(null), promise.tier()));
    }
    Properties props = new Properties();
    for (String o : jvm) {
      if (o.startsWith("-D")) {
        int eq = o.indexOf('=');
        props.setProperty(eq < 0 ? o.substring(2) : o.substring(2, eq), eq < 0 ? "" : o.substring(eq + 1));
      }
    }
    Scenario scenario;
    try {
      scenario = RunOptions.parse(props, System.getenv()).loadScenario();
    } catch (ScenarioException e) {
      err.println("capkit validate: error: " + e.getMessage());
      return null;
    }
    Path outDir = cl.path("--out").orElse(Path.of("target", "capkit-validate",
        scenario.name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
    out.printf(Locale.ROOT, "capkit validate: %s at the plan's per-replica rate %.4g req/s for %s against %s (tier %s)%n",
        scenario.name(), promise.perReplicaQps(), dev.capkit.core.scenario.Durations.format(duration), cl.value("--target").orElseThrow(),
        promise.tier());
    LocalSplit.Result result;
    try {
      result = LocalSplit.run(new LocalSplit.Options(1, Files.readString(classpathFile, StandardCharsets.UTF_8).trim(),
          cl.value("--target").orElseThrow(), jvm, outDir, Duration.ofSeconds(cl.whole("--lead-seconds", 0)),
          duration.plus(duration).plus(Duration.ofMinutes(5)), cl.value("--heap").orElse("2G")), out);
    } catch (IllegalArgumentException e) {
      err.println("capkit validate: " + e.getMessage());
      return null;
    } catch (MergeRefusedException e) {
      err.println("capkit validate: the load run wrote no usable run folder: " + e.getMessage() + " (logs in " + outDir + ")");
      return outDir.resolve("merged");
    }
    return result.merged();
  }

  /**
   * The catalog with only the validated tier in {@code tiers.json}, for the injector's own after-run plan: the
   * main job plans every run it makes, and predicting every tier of the catalog costs minutes on a busy machine
   * while nobody reads that plan (the verdict is ours). The recorded run does not depend on it.
   */
  private static Path oneTierCatalog(Path catalogDir, String tier) throws IOException {
    Path dir = Files.createTempDirectory("capkit-validate-catalog");
    com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String f : List.of("models.json", "gpus.json", "tiers.json", "serving.json", "gpu-power.json")) {
      byte[] bytes;
      if (catalogDir != null && Files.isRegularFile(catalogDir.resolve(f))) {
        bytes = Files.readAllBytes(catalogDir.resolve(f));
      } else {
        try (java.io.InputStream in = Catalog.class.getClassLoader().getResourceAsStream(Catalog.CLASSPATH_DIR + f)) {
          if (in == null) {
            continue;
          }
          bytes = in.readAllBytes();
        }
      }
      if (f.equals("tiers.json")) {
        com.fasterxml.jackson.databind.node.ObjectNode root = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(bytes);
        com.fasterxml.jackson.databind.node.ArrayNode kept = json.createArrayNode();
        root.path("tiers").forEach(t -> {
          if (tier.equals(t.path("tier").asText(t.path("id").asText()))) {
            kept.add(t);
          }
        });
        root.set("tiers", kept);
        bytes = json.writeValueAsBytes(root);
      }
      Files.write(dir.resolve(f), bytes);
    }
    dir.toFile().deleteOnExit();
    return dir;
  }

  static void usage(PrintStream out) {
    out.println("usage: ./capkit validate <plan.json> --target URL [--duration 10m] [--tier T] [options] [-- -Dcapkit.*=...]");
    out.println("  runs the plan's scenario at its per-replica rate against ONE replica for --duration, then says objective by");
    out.println("  objective whether the plan's promise held and by how much (exit 0 held, 1 missed, 2 bad input)");
    out.println("  --target URL         the replica (one server) to validate");
    out.println("  --duration D         sustained period (default 10m)");
    out.println("  --tier T             the plan row to validate (default: the recommended row, else the only row from runs)");
    out.println("  --run DIR            judge this run folder instead of sending load");
    out.println("  --out DIR            injector log and runs (default target/capkit-validate/<scenario>-<time>)");
    out.println("  --catalog DIR        catalog the plan was made with (default: the shipped one)");
    out.println("  --heap SIZE, --lead-seconds S   the injector JVM's -Xmx (2G) and a fixed start lead (default: start once it is ready)");
    out.println("  after --: -Dcapkit.* options for the run (e.g. -Dcapkit.model=..., -Dcapkit.scenario=<file>)");
  }
}
