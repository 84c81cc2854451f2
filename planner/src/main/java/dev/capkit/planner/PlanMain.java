package dev.capkit.planner;

import dev.capkit.core.cli.CommandLine;
import dev.capkit.planner.output.PlanMarkdown;
import dev.capkit.planner.output.PlanWriters;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code ./capkit plan <run folders...> --target-qps N [--slo e2e.p99=8s,ttft.p99=3s,errors=0.1%]
 * [--headroom 0.3] [--out DIR] [--dtype bf16] [--catalog DIR] [--tiers a,b] [--no-predict]
 * [--sizing vpa|simple] [--seed 42]}: prints the tier table and the recommendation, writes plan.json,
 * plan.md and recommended-tier.yaml to {@code --out} (default: {@code <first run folder>/plan}).
 * Exit status 0, or 2 with one line naming the file, field or flag and value on bad input.
 *
 * <pre>{@code
 * int status = PlanMain.run(new String[] {"runs/capacity-sweep-1", "--target-qps", "20"});
 * }</pre>
 */
public final class PlanMain {
  static final String USAGE = """
      usage: capkit plan <run folder>... --target-qps N [options]
        --target-qps N        fleet-wide requests/s to plan for (required)
        --slo LIST            objectives, e.g. e2e.p99=8s,ttft.p99=3s,errors=0.1% (default: the runs' scenario objectives)
        --headroom H          share of each replica's sustainable rate kept free, in [0, 1) (default 0.3)
        --out DIR             where plan.json, plan.md, recommended-tier.yaml go (default: <first run folder>/plan)
        --dtype D             dtype of measured remote targets: bf16, fp8, int4 (default bf16; emulator runs record theirs)
        --catalog DIR         catalog directory with models/gpus/tiers/serving.json (default: the shipped one; prices live in tiers.json)
        --tiers A,B           predict only these catalog tiers (measured tiers are always planned)
        --no-predict          do not predict unmeasured tiers with the emulator's virtual-time engine
        --no-alt-dtypes       do not plan the dtype that fits for tiers where the planned one does not
        --sizing S            container sizing used in the Deployment: vpa (default) or simple; both are reported
        --seed N              seeds the bootstrap and virtual runs (default 42)
        --prometheus URL      size the container from this Prometheus server's history instead of the runs' samples
        --since D             with --prometheus: the window, ending now (e.g. 7d, 36h; default 7d)
        --selector S          with --prometheus: label selector picking one container, e.g. '{namespace="llm",pod="vllm-0"}'
        --series K            with --prometheus: process (process_cpu_seconds_total, process_resident_memory_bytes; default)
                              or cadvisor (container_cpu_usage_seconds_total, container_memory_working_set_bytes)
        --allow-fault-hooks   plan runs against the emulator with fault hooks on (slowdown, brokenStreams); refused otherwise
        --vllm K=V,...        vLLM flags for predicted tiers, vLLM's names: gpu_memory_utilization, max_model_len,
                              max_num_seqs, max_num_batched_tokens, enable_prefix_caching, kv_cache_dtype (auto|fp8),
                              tensor_parallel_size, limit_mm_per_prompt.image, mm_processor_kwargs.max_pixels
                              (e.g. gpu_memory_utilization=0.95,max_model_len=17408 plans a BF16 A10)
        --profile FILE        calibration profile from ./capkit calibrate (capkit.calibration/1): predicted rows on its GPU
                              use its coefficients, scheduler limits (under --vllm) and answer lengths, and name it
                              with its fit error; tiers on other GPUs keep the catalog's coefficients
      """;

  private PlanMain() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || Arrays.asList(args).contains("--help") || Arrays.asList(args).contains("-h")) {
      out.print(USAGE);
      return args.length == 0 ? 2 : 0;
    }
    List<Path> runs;
    PlanOptions options;
    Path outDir;
    dev.capkit.core.prometheus.ServerHistory history;
    try {
      CommandLine cl = CommandLine.parse(args, List.of("--target-qps", "--out", "--slo", "--headroom", "--dtype", "--catalog",
          "--tiers", "--seed", "--sizing", "--prometheus", "--since", "--selector", "--series", "--vllm", "--profile"), List.of("--no-predict", "--no-alt-dtypes",
          "--allow-fault-hooks"));
      double target = cl.number("--target-qps", Double.NaN);
      if (Double.isNaN(target)) {
        cl.require("--target-qps", "the fleet-wide requests/s to plan for");
      }
      runs = cl.positional().stream().map(Path::of).toList();
      if (runs.isEmpty()) {
        throw new PlanException("no run folder given");
      }
      outDir = cl.path("--out").orElse(null);
      options = PlanOptions.defaults(target).withPredict(!cl.has("--no-predict")).withAlternativeDtypes(!cl.has("--no-alt-dtypes"))
          .withAllowFaultHooks(cl.has("--allow-fault-hooks"));
      if (cl.value("--slo").isPresent()) {
        options = options.withSlos(SloTarget.parseList(cl.value("--slo").get()));
      }
      options = options.withHeadroom(cl.number("--headroom", options.headroom()));
      if (cl.value("--dtype").isPresent()) {
        try {
          options = options.withAssumedDtype(dev.capkit.twin.physics.Dtype.parse(cl.value("--dtype").get()).key());
        } catch (IllegalArgumentException e) {
          throw new PlanException("--dtype: " + e.getMessage());
        }
      }
      if (cl.path("--catalog").isPresent()) {
        options = options.withCatalogDir(cl.path("--catalog").get());
      }
      if (cl.value("--tiers").isPresent()) {
        options = options.withTiers(List.of(cl.value("--tiers").get().split(",")));
      }
      options = options.withSeed(cl.whole("--seed", options.seed()));
      if (cl.path("--profile").isPresent()) {
        Path profile = cl.path("--profile").get();
        try {
          dev.capkit.twin.catalog.CalibrationProfile.read(profile); // refused here, before any work, naming file/field/value
        } catch (dev.capkit.twin.catalog.CatalogException e) {
          throw new PlanException("--profile: " + e.getMessage());
        }
        options = options.withProfile(profile);
      }
      if (cl.value("--vllm").isPresent()) {
        try {
          options = options.withVllm(dev.capkit.twin.catalog.VllmKnobs.parse(cl.value("--vllm").get()));
        } catch (IllegalArgumentException e) {
          throw new PlanException("--vllm: " + e.getMessage());
        }
      }
      if (cl.value("--sizing").isPresent()) {
        try {
          options = options.withSizing(options.sizing().withStrategy(cl.value("--sizing").get()));
        } catch (IllegalArgumentException e) {
          throw new PlanException("--sizing: " + e.getMessage());
        }
      }
      history = PrometheusSizingOptions.history(cl);
    } catch (PlanException | CommandLine.UsageException | dev.capkit.core.prometheus.PrometheusQueryException e) {
      err.println("capkit plan: error: " + e.getMessage());
      return 2;
    }
    try {
      PlanResult plan = history == null ? Planner.planRuns(runs, options) : Planner.planRuns(runs, options, history);
      Path dir = outDir != null ? outDir : dev.capkit.core.results.RunLayout.of(runs.get(0)).planDir();
      List<Path> written = PlanWriters.writeAll(plan, dir);
      out.println(plan.basis().line());
      out.print(PlanMarkdown.tierTable(plan));
      out.print(PlanMarkdown.agentsSection(plan));
      out.println();
      out.println("recommendation: " + plan.recommendation());
      if (plan.pod() != null) {
        out.printf(java.util.Locale.ROOT, "container: cpu request %.2f cores, memory request %.2f GiB / limit %.2f GiB, nvidia.com/gpu %d,"
                + " /dev/shm %.0f GiB (%s)%n", plan.pod().cpuRequest(), plan.pod().memoryRequest() / (1L << 30),
            plan.pod().memoryLimit() / (1L << 30), plan.pod().gpus(), plan.pod().shmBytes() / (1L << 30),
            plan.pod().measured() ? "measured" : plan.pod().modelled() ? "MODELLED: the emulator's host model, not measured"
                : "NOT measured: sized to the node, see plan.md");
      }
      out.println("calibration: " + plan.calibration().note());
      for (String w : plan.warnings()) {
        out.println("warning: " + w);
      }
      for (Path p : written) {
        out.println("wrote " + p);
      }
      return 0;
    } catch (PlanException e) {
      err.println("capkit plan: error: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("capkit plan: error: cannot write the plan: " + e.getMessage());
      return 2;
    }
  }
}
