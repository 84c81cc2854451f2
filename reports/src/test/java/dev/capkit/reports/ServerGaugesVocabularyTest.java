package dev.capkit.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.results.ServerSample;
import dev.capkit.core.results.ServerSamplesWriter;
import dev.capkit.core.results.ServerSeries;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server-gauge table reads capkit's engine vocabulary, so a run served by llama.cpp, SGLang or TGI
 * shows its queue, running requests and KV use (their own series names are not vLLM's); samples written
 * before the vocabulary existed (vLLM's names only) still show.
 */
class ServerGaugesVocabularyTest {
  @TempDir
  Path dir;

  @Test
  void llamaCppRunShowsItsGaugesThroughTheVocabulary() throws Exception {
    // what PrometheusScraper writes for llama.cpp's server: its own series and capkit's names next to them
    Path run = runWithSamples(Map.of("llamacpp:requests_processing", 3.0, "llamacpp:requests_deferred", 5.0,
        ServerSeries.RUNNING, 3.0, ServerSeries.WAITING, 5.0, ServerSeries.KV_USAGE, 0.25));
    String table = table(run);
    assertTrue(table.contains("data-value=\"5\">5</td><td class=\"n\" data-value=\"5\">5</td><td class=\"n\" data-value=\"3\">3</td>"
        + "<td class=\"n\" data-value=\"0.25\">0.25</td>"), "queue mean/max 5, running 3, KV 0.25 in the first step's row: " + row(table));
  }

  @Test
  void samplesBeforeTheVocabularyAreReadByVllmNames() throws Exception {
    Path run = runWithSamples(Map.of("vllm:num_requests_waiting", 2.0, "vllm:num_requests_running", 7.0,
        "vllm:kv_cache_usage_perc", 0.5));
    String table = table(run);
    assertTrue(table.contains("data-value=\"2\">2</td><td class=\"n\" data-value=\"2\">2</td><td class=\"n\" data-value=\"7\">7</td>"
        + "<td class=\"n\" data-value=\"0.5\">0.5</td>"), row(table));
  }

  @Test
  void vocabularyWinsOverVllmNamesAndAbsentIsNaN() {
    ServerSample both = new ServerSample(0, Map.of(ServerSeries.WAITING, 4.0, "vllm:num_requests_waiting", 9.0), null);
    assertEquals(4.0, ServerGaugesTable.value(both, ServerSeries.WAITING));
    ServerSample none = new ServerSample(0, Map.of("sglang:num_running_reqs", 1.0), null);
    assertTrue(Double.isNaN(ServerGaugesTable.value(none, ServerSeries.WAITING)));
  }

  private Path runWithSamples(Map<String, Double> values) throws IOException {
    Path run = dir.resolve("run");
    Fixtures.copyTree(Fixtures.RUN, run);
    long from = Instant.parse("2026-11-25T18:00:29Z").toEpochMilli(); // inside step s00 of the fixture
    try (ServerSamplesWriter w = ServerSamplesWriter.create(run, "http://127.0.0.1:8080/metrics", 2.0)) {
      for (int i = 0; i < 3; i++) {
        w.append(new ServerSample(from + 2_000L * i, new LinkedHashMap<>(values), null));
      }
    }
    return run;
  }

  private static String table(Path run) throws ReportException {
    String html = ServerGaugesTable.html(RunData.load(run));
    return html.substring(0, html.indexOf("</table>"));
  }

  private static String row(String table) {
    int at = table.indexOf("<tr><td>s00");
    return at < 0 ? table : table.substring(at, table.indexOf("</tr>", at));
  }
}
