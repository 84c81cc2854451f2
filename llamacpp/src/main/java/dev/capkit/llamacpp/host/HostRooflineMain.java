package dev.capkit.llamacpp.host;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.capkit.core.cli.CommandLine;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code capkit roofline}: measures this machine's CPU as the "GPU" of the llama.cpp engine
 * ({@link HostRoofline}) and prints a {@code gpus.json} entry for the catalog on stdout, every
 * number with its source: the command, the UTC date, the load average, the basis {@code measured}.
 * <pre>
 * capkit roofline [--id CPU-2C] [--threads N (default: cores)] [--trials 5] [--trial-seconds 1] [--mib-per-thread 128]
 * </pre>
 * Memory ({@code vram_gib}) is the RAM available to the engine: {@code MemAvailable} of
 * {@code /proc/meminfo} at the time of the measurement. Bad flags: exit 2.
 *
 * <pre>{@code
 * ./capkit roofline --id CPU-2C --threads 2 > cpu.json   # then paste it into scenarios/catalog/gpus.json
 * }</pre>
 */
public final class HostRooflineMain {
  private static final List<String> OPTIONS = List.of("--id", "--threads", "--trials", "--trial-seconds", "--mib-per-thread");
  private static final double GIB = 1L << 30;

  private HostRooflineMain() {
  }

  public static int run(String[] args) {
    return run(args, System.out, System.err);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    String id;
    int threads;
    int trials;
    double seconds;
    long mib;
    try {
      CommandLine cl = CommandLine.parse(args, OPTIONS, List.of());
      if (cl.help()) {
        out.println(usage());
        return 0;
      }
      if (!cl.positional().isEmpty()) {
        throw new CommandLine.UsageException("unexpected argument '" + cl.positional().get(0) + "'");
      }
      id = cl.value("--id").orElse("CPU-" + Runtime.getRuntime().availableProcessors() + "C");
      threads = (int) cl.whole("--threads", Runtime.getRuntime().availableProcessors());
      trials = (int) cl.whole("--trials", 5);
      seconds = cl.number("--trial-seconds", 1.0);
      mib = cl.whole("--mib-per-thread", 128);
      if (threads < 1 || trials < 1 || !(seconds > 0) || mib < 1) {
        throw new CommandLine.UsageException("--threads, --trials and --mib-per-thread must be >= 1 and --trial-seconds > 0 (got "
            + threads + ", " + trials + ", " + mib + ", " + seconds + ")");
      }
    } catch (IllegalArgumentException e) {
      err.println("capkit roofline: " + e.getMessage());
      err.println(usage());
      return 2;
    }
    String command = "./capkit roofline --id " + id + " --threads " + threads + " --trials " + trials + " --trial-seconds "
        + fmt(seconds) + " --mib-per-thread " + mib;
    String loadBefore = HostFacts.currentLoadAverage();
    HostRoofline.Figures f = HostRoofline.measure(threads, trials, seconds, mib << 20);
    HostFacts facts = HostFacts.read();
    String when = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    out.println(entry(id, f, facts, command, when, loadBefore).toPrettyString());
    return 0;
  }

  /** The {@code gpus.json} entry for the measured CPU. */
  static ObjectNode entry(String id, HostRoofline.Figures f, HostFacts facts, String command, String when, String loadBefore) {
    ObjectMapper json = new ObjectMapper();
    String cpu = facts.cpuModel() == null ? "unknown CPU" : facts.cpuModel();
    String where = String.format(Locale.ROOT, "measured %s with `%s` (%s, %d threads, best of %d trials; load average %s before, %s after;"
        + " a shared machine gives this process a share of the cores)", when, command, HostRoofline.class.getName(), f.threads(),
        f.flopsTrials().size(), loadBefore, facts.loadAverage());
    ObjectNode e = json.createObjectNode();
    e.put("id", id);
    e.put("name", cpu + ", " + f.threads() + " threads (a CPU as the \"GPU\" of the llama.cpp engine)");
    e.put("device", "cpu");
    sourced(e, "vram_gib", facts.memAvailableBytes() < 0 ? null : round(facts.memAvailableBytes() / GIB, 2),
        facts.memAvailableBytes() < 0 ? "unknown: /proc/meminfo gave no MemAvailable"
            : String.format(Locale.ROOT, "RAM available to the engine: MemAvailable %.2f GiB of MemTotal %.2f GiB in /proc/meminfo, %s",
                facts.memAvailableBytes() / GIB, facts.memTotalBytes() / GIB, when));
    sourced(e, "mem_bandwidth_gbps", round(f.readBytesPerSecond() / 1e9, 3), "read bandwidth, " + where + "; trials (GB/s): "
        + list(f.bandwidthTrials(), 1e9) + "; " + f.bytesPerThread() / (1 << 20) + " MiB summed per thread");
    sourced(e, "fp16_tflops", round(f.flopsPerSecond() / 1e12, 5), "F32 FMA throughput (llama.cpp's CPU kernels compute F16"
        + " weights in F32), " + where + "; trials (TFLOP/s): " + list(f.flopsTrials(), 1e12)
        + "; a vectorized kernel's rate, a lower bound on the hardware peak");
    sourced(e, "bf16_tflops", 0.0, "no BF16 path modelled for the CPU: 16-bit weights run at fp16_tflops");
    sourced(e, "fp8_tflops", 0.0, "no FP8 path on the CPU");
    sourced(e, "compute_capability", 0.0, "not a CUDA device: 0 means no CUDA kernels, so only 16-bit weights are planned on it");
    ObjectNode m = e.putObject("measurement");
    m.put("basis", "measured");
    m.put("command", command);
    m.put("date", when);
    m.put("load_average_before", loadBefore);
    m.put("load_average_after", facts.loadAverage());
    m.put("threads", f.threads());
    m.put("jvm", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
    return e;
  }

  private static void sourced(ObjectNode e, String field, Double value, String source) {
    ObjectNode n = e.putObject(field);
    if (value == null) {
      n.putNull("value");
    } else {
      n.put("value", value);
    }
    n.put("source", source);
  }

  private static double round(double v, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(v * scale) / scale;
  }

  private static String list(List<Double> values, double unit) {
    return values.stream().map(v -> String.format(Locale.ROOT, "%.4g", v / unit)).collect(Collectors.joining(", "));
  }

  private static String fmt(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  static String usage() {
    return "usage: capkit roofline [--id CPU-2C] [--threads N] [--trials 5] [--trial-seconds 1] [--mib-per-thread 128]\n"
        + "  measures this CPU's F32 FMA throughput and memory read bandwidth and prints a gpus.json entry (basis measured)";
  }
}
