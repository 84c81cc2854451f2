package dev.capkit.core.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.capkit.core.scenario.ScenarioException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trace formats {@code mooncake-v1} and {@code burstgpt-v1} pinned by golden files: each fixture
 * under {@code src/test/resources/workload} reads to the canonical lines of its {@code .golden} file.
 * Regenerate deliberately with {@code -Dcapkit.updateGolden=true}.
 */
class TraceReadersTest {
  static final Path DIR = Path.of("src/test/resources/workload");

  @TempDir
  Path tmp;

  @Test
  void mooncakeMatchesGolden() throws IOException {
    golden("mooncake-v1", MooncakeTraceReader.read(DIR.resolve("mooncake-v1.jsonl")));
  }

  @Test
  void burstGptMatchesGolden() throws IOException {
    golden("burstgpt-v1", BurstGptTraceReader.read(DIR.resolve("burstgpt-v1.csv")));
  }

  @Test
  void mooncakeErrorsNameLineAndField() throws IOException {
    assertError("{\"timestamp\": 0, \"input_length\": 10, \"output_length\": 5}\n"
        + "{\"timestamp\": 5, \"input_length\": 0, \"output_length\": 5}\n", ":2: field 'input_length': must be 1..");
    assertError("{\"timestamp\": 9, \"input_length\": 10, \"output_length\": 5}\n"
        + "{\"timestamp\": 5, \"input_length\": 10, \"output_length\": 5}\n", ":2: field 'timestamp': goes back in time");
    assertError("{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 5, \"hash_ids\": [1, 2, 3]}\n",
        ":1: field 'hash_ids': 3 blocks of 512 tokens exceed input_length 600 (at most 2)");
    assertError("{\"timestamp\": 0, \"input_length\": 600, \"output_length\": 5, \"hash_ids\": [1, \"x\"]}\n",
        ":1: field 'hash_ids[1]': expected an integer >= 0");
    assertError("{\"timestamp\": 0, \"input_length\": 6, \"output_length\": 5, \"delay\": 3}\n",
        ":1: field 'delay': unknown field");
    assertError("{\"timestamp\": 0, \"input_length\": 6}\n", ":1: field 'output_length': is required");
    assertError("{\"timestamp\": 0,\n", ":1: not valid JSON");
    assertError("\n", "the trace has no requests");
  }

  @Test
  void burstGptErrorsNameLineAndColumn() throws IOException {
    String header = "Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n";
    assertCsvError(header + "1,ChatGPT,5,6,11,API log\n2,ChatGPT,x,6,11,API log\n",
        ":3: field 'Request tokens': expected a whole number of tokens, found 'x'");
    assertCsvError(header + "3,ChatGPT,5,6,11,API log\n2,ChatGPT,5,6,11,API log\n",
        ":3: field 'Timestamp': 2 is earlier than the row before");
    assertCsvError("Timestamp,Model,Request tokens,Total tokens,Log Type\n",
        ":1: field 'Response tokens': column missing from the header");
    assertCsvError(header + "1,ChatGPT,5,6\n", ":2: 4 columns, the header has 6");
    assertCsvError(header + "-1,ChatGPT,5,6,11,API log\n", ":2: field 'Timestamp': must be >= 0");
  }

  private void assertError(String content, String expected) throws IOException {
    Path file = tmp.resolve("t.jsonl");
    Files.writeString(file, content);
    ScenarioException e = assertThrows(ScenarioException.class, () -> MooncakeTraceReader.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private void assertCsvError(String content, String expected) throws IOException {
    Path file = tmp.resolve("t.csv");
    Files.writeString(file, content);
    ScenarioException e = assertThrows(ScenarioException.class, () -> BurstGptTraceReader.read(file));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private static void golden(String name, List<TraceRequest> requests) throws IOException {
    String text = requests.stream().map(TraceRequest::describe).collect(Collectors.joining("\n", "", "\n"));
    Path golden = DIR.resolve(name + ".golden");
    if (Boolean.getBoolean("capkit.updateGolden")) {
      Files.writeString(golden, text, StandardCharsets.UTF_8);
    }
    assertEquals(Files.readString(golden, StandardCharsets.UTF_8), text, "golden file " + golden);
  }
}
