package dev.capkit.loadgen.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Entry point of {@code mvn -pl loadgen -am -Pbench-loadgen -DskipTests test}: {@code -Dbench.run=jmh} (default)
 * runs the JMH benchmarks of the per-chunk and per-request client path
 * ({@code dev.capkit.loadgen.ClientPathBenchmark}, extra JMH arguments in {@code -Dbench.jmh});
 * {@code -Dbench.run=cpu} times the same operations by thread CPU time ({@code ClientPathCpu});
 * {@code -Dbench.run=ceiling} runs {@link CeilingBenchmark} at {@code -Dbench.rates} for
 * {@code -Dbench.seconds} each after {@code -Dbench.warmup} seconds; {@code -Dbench.run=preemption} runs
 * {@link PreemptionBenchmark} (a real-time event loop fed by ordinary threads on one CPU), {@code
 * -Dbench.run=preemption-alloc} its allocator variant (a real-time thread allocating buffers ordinary threads release).
 */
public final class LoadgenBenchmarks {

  private LoadgenBenchmarks() {}

  public static void main(String[] args) throws Exception {
    String run = System.getProperty("bench.run", "jmh");
    switch (run) {
      case "jmh" -> {
        List<String> jmh = new ArrayList<>();
        String extra = System.getProperty("bench.jmh", "").trim();
        if (!extra.isEmpty()) {
          jmh.addAll(Arrays.asList(extra.split("\\s+")));
        }
        jmh.add("dev.capkit.loadgen.ClientPathBenchmark");
        org.openjdk.jmh.Main.main(jmh.toArray(String[]::new));
      }
      case "cpu" -> dev.capkit.loadgen.ClientPathCpu.main(new String[0]);
      case "ceiling" -> {
        List<Double> rates = new ArrayList<>();
        for (String r : System.getProperty("bench.rates", "250,500,1000").split(",")) {
          rates.add(Double.parseDouble(r.trim()));
        }
        CeilingBenchmark.run(rates, Double.parseDouble(System.getProperty("bench.warmup", "5")),
            Double.parseDouble(System.getProperty("bench.seconds", "15")), System.getProperty("bench.baseline", ""));
      }
      case "preemption" -> PreemptionBenchmark.run();
      case "preemption-alloc" -> PreemptionBenchmark.runAllocator();
      default -> throw new IllegalArgumentException("-Dbench.run=" + run + ": expected jmh, cpu, ceiling, preemption or preemption-alloc");
    }
  }
}
