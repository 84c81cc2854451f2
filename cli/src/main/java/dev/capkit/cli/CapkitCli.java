package dev.capkit.cli;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./capkit <command> [options]}: dispatches to the command's entry point and returns its exit
 * status (0 success, 1 a verdict failed, 2 bad input). An unknown command lists the known ones.
 *
 * <pre>{@code
 * ./capkit emulator --tier gn7i-c8g1.2xlarge --dtype fp8 --port 8000
 * }</pre>
 */
public final class CapkitCli {
  /** One command: its one-line summary and entry point. */
  interface Command {
    int run(String[] args) throws Exception;
  }

  private record Entry(String summary, Command command) {}

  private static final Map<String, Entry> COMMANDS = new LinkedHashMap<>();

  static {
    COMMANDS.put("emulator", new Entry(
        "OpenAI-compatible model-server emulator (vLLM serving AutoGLM-Phone-9B on a chosen tier)",
        dev.capkit.emulator.EmulatorMain::run));
    COMMANDS.put("plan", new Entry("capacity plan: run folders to the tier table, replicas, cost, container sizing, Kubernetes YAML",
        dev.capkit.planner.PlanMain::run));
    COMMANDS.put("report", new Entry("capacity review page: run folders (+ plan.json, baseline) to one self-contained HTML file",
        dev.capkit.reports.ReportCommand::run));
    COMMANDS.put("verify", new Entry("verify <run folder>...: check a run folder end to end (formats, counts against run.json, checksums), exit 0 sound / 1 corrupt / 2 not a run", dev.capkit.core.results.VerifyMain::run));
    COMMANDS.put("gate", new Entry("CI regression gate: a run against a baseline (p99s, errors, goodput), table + JUnit XML + Markdown, exit 0/1/2", dev.capkit.gate.GateMain::run));
    COMMANDS.put("baseline", new Entry("baseline save <run folder> --out FILE: keep a run's histograms for the gate in one small file", dev.capkit.gate.BaselineMain::run));
    COMMANDS.put("merge", new Entry("merge <injector run folders...> --out DIR: one exact run from N injectors' runs of one scenario (exit 2 if refused)", dev.capkit.distributed.MergeCommand::run));
    COMMANDS.put("split", new Entry("--injectors N -- -Dcapkit.scenario=...: N local injector JVMs on one scenario from one start instant, merged, planned, reported",
        SplitCommand::run));
    COMMANDS.put("validate", new Entry(
        "validate <plan.json> --target URL [--duration 10m]: run the plan's per-replica rate on one replica, objective by objective held or missed (exit 0/1/2)",
        ValidateCommand::run));
    COMMANDS.put("engine", new Entry(
        "a real engine: llama.cpp (continuous batching) on a generated or given GGUF model, OpenAI-compatible, llama.cpp /metrics",
        dev.capkit.llamacpp.LlamaCppEngineMain::run));
    COMMANDS.put("roofline", new Entry(
        "measure this CPU (FMA FLOP/s, memory bandwidth) and print a gpus.json entry: the \"GPU\" of the llama.cpp engine",
        dev.capkit.llamacpp.host.HostRooflineMain::run));
    COMMANDS.put("calibrate", new Entry(
        "calibrate <measured run folder>... --out profile.json: fit the twin's coefficients to measured runs (plan --profile uses it)",
        dev.capkit.calibration.CalibrateMain::run));
    COMMANDS.put("netem", new Entry(
        "latency and fault injecting TCP proxy with a toxiproxy-compatible API (network profiles)",
        dev.capkit.netem.NetemMain::run));
  }

  private CapkitCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("help") || args[0].equals("--help") || args[0].equals("-h")) {
      usage(out);
      return 0;
    }
    Entry entry = COMMANDS.get(args[0]);
    if (entry == null) {
      err.println("capkit: unknown command '" + args[0] + "' (known: " + String.join(", ", COMMANDS.keySet()) + ")");
      return 2;
    }
    try {
      return entry.command().run(Arrays.copyOfRange(args, 1, args.length));
    } catch (Exception e) {
      err.println("capkit " + args[0] + ": " + e.getMessage());
      return 1;
    }
  }

  static void usage(PrintStream out) {
    out.println("usage: ./capkit <command> [options]   (./capkit <command> --help for its options)");
    out.println();
    for (var e : COMMANDS.entrySet()) {
      out.printf("  %-10s %s%n", e.getKey(), e.getValue().summary());
    }
    out.println();
    out.println("The main job is Maven's: mvn gatling:test (see README.md).");
  }
}
