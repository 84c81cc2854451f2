package dev.capkit.core.results;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code <run folder>/steps.csv}, the step summaries of {@code run.json} as one CSV table (format v1),
 * for spreadsheets and pandas. RFC 4180: comma-separated, CRLF line ends, a field quoted (with
 * {@code ""} for a quote) when it holds a comma, quote or line break; UTF-8; no BOM. The first line
 * is {@code # capkit steps.csv v1}; the second the header:
 * <pre>
 * step,index,network,offered,unit,started_at,duration_s,sent,ok,error_rate,errors,achieved_rps,output_tokens_per_s,
 * goodput_rps,mean_in_flight,ttft_p50_ms,ttft_p90_ms,ttft_p99_ms,e2e_p50_ms,e2e_p90_ms,e2e_p99_ms,tpot_p50_ms,tpot_p99_ms,
 * itl_p50_ms,itl_p99_ms,e2e_intended_p99_ms,ttft_intended_p99_ms,schedule_lag_p99_ms,slo_met
 * </pre>
 * then one row per finished step in run order. Numbers use {@code .} as decimal point; latencies are
 * milliseconds with 3 decimals; an undefined figure is an empty field. {@code errors} is
 * {@code kind=count} pairs joined by {@code ;} (e.g. {@code http_503=2;timeout=1}), sorted by kind;
 * {@code slo_met} is {@code true}/{@code false}.
 *
 * <pre>{@code
 * StepSummaryCsv.write(runFolder, run.steps());
 * }</pre>
 */
public final class StepSummaryCsv {
  public static final String FILE_NAME = "steps.csv";
  public static final String FIRST_LINE = "# capkit steps.csv v1";
  public static final List<String> COLUMNS = List.of("step", "index", "network", "offered", "unit", "started_at", "duration_s", "sent",
      "ok", "error_rate", "errors", "achieved_rps", "output_tokens_per_s", "goodput_rps", "mean_in_flight", "ttft_p50_ms", "ttft_p90_ms",
      "ttft_p99_ms", "e2e_p50_ms", "e2e_p90_ms", "e2e_p99_ms", "tpot_p50_ms", "tpot_p99_ms", "itl_p50_ms", "itl_p99_ms",
      "e2e_intended_p99_ms", "ttft_intended_p99_ms", "schedule_lag_p99_ms", "slo_met");

  private StepSummaryCsv() {}

  /** The table as text. */
  public static String render(List<StepSummary> steps) {
    StringBuilder b = new StringBuilder(FIRST_LINE).append("\r\n").append(String.join(",", COLUMNS)).append("\r\n");
    for (StepSummary s : steps) {
      List<String> row = List.of(s.id(), Integer.toString(s.index()), s.network(), num(s.offered()), s.unit(), s.startedAt(),
          num(s.durationSeconds()), Long.toString(s.sent()), Long.toString(s.ok()), num(s.errorRate()), errors(s.errors()),
          num(s.achievedQps()), num(s.outputTokensPerSecond()), num(s.goodputRps()), num(s.meanInFlight()),
          ms(s.metric(Metric.TTFT).p50()), ms(s.metric(Metric.TTFT).p90()), ms(s.metric(Metric.TTFT).p99()),
          ms(s.metric(Metric.E2E).p50()), ms(s.metric(Metric.E2E).p90()), ms(s.metric(Metric.E2E).p99()),
          ms(s.metric(Metric.TPOT).p50()), ms(s.metric(Metric.TPOT).p99()), ms(s.metric(Metric.ITL).p50()), ms(s.metric(Metric.ITL).p99()),
          ms(s.metric(Metric.E2E_INTENDED).p99()), ms(s.metric(Metric.TTFT_INTENDED).p99()), ms(s.metric(Metric.SCHEDULE_LAG).p99()),
          Boolean.toString(s.sloMet()));
      b.append(row.stream().map(StepSummaryCsv::field).collect(Collectors.joining(","))).append("\r\n");
    }
    return b.toString();
  }

  /** Writes (replaces) {@code steps.csv} in the run folder. */
  public static Path write(Path runFolder, List<StepSummary> steps) throws IOException {
    return Files.writeString(runFolder.resolve(FILE_NAME), render(steps), StandardCharsets.UTF_8);
  }

  private static String errors(Map<String, Long> errors) {
    return new java.util.TreeMap<>(errors).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
  }

  private static String num(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "";
    }
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : new java.math.BigDecimal(Double.toString(v)).toPlainString();
  }

  private static String ms(double v) {
    return Double.isNaN(v) || Double.isInfinite(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
  }

  static String field(String v) {
    if (v == null) {
      return "";
    }
    return v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
  }
}
