package dev.capkit.reports;

import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesReader;
import dev.capkit.core.results.ServerSeries;
import dev.capkit.core.results.StepSummary;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * The server's gauges and the GPU per load step, from the run folder's {@code server-metrics.jsonl}:
 * for each step the samples taken inside its window give the mean and peak queue
 * ({@code capkit:requests_waiting}), mean running requests ({@code capkit:requests_running}), peak
 * KV-cache use ({@code capkit:kv_cache_usage}) in capkit's engine vocabulary ({@link ServerSeries}: the
 * same whichever engine served, vLLM, SGLang, llama.cpp or TGI; samples written before the vocabulary
 * existed are read by vLLM's names), mean GPU utilization
 * ({@code DCGM_FI_DEV_GPU_UTIL}) and power ({@code DCGM_FI_DEV_POWER_USAGE}), and the step's GPU energy
 * (difference of {@code DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION}) per output token. Against capkit's
 * emulator these figures are <em>emulated</em> (its power model); against a real server scraped with a
 * DCGM exporter they are measured. Series a server does not export show as n/a.
 */
final class ServerGaugesTable {
  private ServerGaugesTable() {}

  static String html(RunData r) {
    Optional<ServerSamplesReader.Samples> read;
    try {
      read = ServerSamplesReader.read(r.run().folder());
    } catch (IOException | RuntimeException e) {
      return "<p class=\"missing\">Server samples not shown: " + Html.esc(String.valueOf(e.getMessage())) + "</p>";
    }
    if (read.isEmpty()) {
      return "<p class=\"missing\">No " + ServerSamplesReader.FILE_NAME + " in this run folder: no server gauges or GPU figures.</p>";
    }
    String basis = "emulator".equals(r.run().manifest().target().kind()) ? "emulated (capkit's emulator: modelled server and GPU power model)"
        : "measured (the target's own series)";
    StringBuilder b = new StringBuilder("<table class=\"gauges\"><caption>Server gauges and GPU per step, from ")
        .append(Html.esc(read.get().source())).append(": ").append(Html.esc(basis)).append("</caption><thead><tr>");
    for (String h : List.of("step", "samples", "queue mean", "queue max", "running mean", "KV use max", "GPU util mean %", "GPU power mean W",
        "GPU energy J", "J per output token")) {
      b.append(Html.th(h));
    }
    b.append("</tr></thead><tbody>");
    for (StepSummary s : r.steps()) {
      long from = Instant.parse(s.startedAt()).toEpochMilli();
      long to = Instant.parse(s.endedAt()).toEpochMilli();
      List<ServerSample> in = read.get().samples().stream().filter(x -> x.ok() && x.epochMillis() >= from && x.epochMillis() <= to).toList();
      double energy = delta(in, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION") / 1000;
      double tokens = s.outputTokensPerSecond() * s.durationSeconds();
      b.append("<tr>").append(Html.td(s.id())).append(Html.num(in.size()))
          .append(Html.num(mean(in, ServerSeries.WAITING))).append(Html.num(max(in, ServerSeries.WAITING)))
          .append(Html.num(mean(in, ServerSeries.RUNNING))).append(Html.num(max(in, ServerSeries.KV_USAGE)))
          .append(Html.num(mean(in, "DCGM_FI_DEV_GPU_UTIL"))).append(Html.num(mean(in, "DCGM_FI_DEV_POWER_USAGE")))
          .append(Html.num(energy)).append(Html.num(tokens > 0 ? energy / tokens : Double.NaN)).append("</tr>");
    }
    b.append("</tbody></table>");
    return b.append(ServerGaugesChart.html(r, read.get().samples(), basis)).toString();
  }

  static double mean(List<ServerSample> in, String series) {
    return stat(in, series, v -> v.average().orElse(Double.NaN));
  }

  static double max(List<ServerSample> in, String series) {
    return stat(in, series, v -> v.max().orElse(Double.NaN));
  }

  private static double stat(List<ServerSample> in, String series, ToDoubleFunction<java.util.stream.DoubleStream> f) {
    return f.applyAsDouble(in.stream().mapToDouble(x -> value(x, series)).filter(v -> !Double.isNaN(v)));
  }

  /** vLLM's names for capkit's gauges: what samples written before the engine vocabulary carry. */
  private static final java.util.Map<String, String> BEFORE_VOCABULARY = java.util.Map.of(
      ServerSeries.WAITING, "vllm:num_requests_waiting",
      ServerSeries.RUNNING, "vllm:num_requests_running",
      ServerSeries.KV_USAGE, "vllm:kv_cache_usage_perc");

  /** The sample's value of {@code series}, by vLLM's name when the sample predates capkit's vocabulary; NaN when absent. */
  static double value(ServerSample x, String series) {
    double v = x.value(series);
    String older = BEFORE_VOCABULARY.get(series);
    return Double.isNaN(v) && older != null ? x.value(older) : v;
  }

  /** Last minus first value of a counter inside the window (NaN with fewer than two). */
  static double delta(List<ServerSample> in, String series) {
    List<Double> v = in.stream().map(x -> x.value(series)).filter(d -> !Double.isNaN(d)).toList();
    return v.size() < 2 ? Double.NaN : v.get(v.size() - 1) - v.get(0);
  }
}
