package dev.capkit.emulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone entry point: bad input names the flag / file / field and value and exits 2. */
class EmulatorMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return EmulatorMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void startsAndPrintsWhatItServes() {
    assertEquals(0, run("--tier", "gn7i-c8g1.2xlarge", "--dtype", "fp8", "--port", "0", "--loading-seconds", "0"));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("tier gn7i-c8g1.2xlarge (A10), fp8"), printed);
    assertTrue(printed.contains("http://127.0.0.1:"), printed);
  }

  @Test
  void unknownTierListsKnownOnes() {
    assertEquals(2, run("--tier", "p4d.24xlarge"));
    assertTrue(err().contains("unknown tier 'p4d.24xlarge'") && err().contains("gn8is.2xlarge"), err());
  }

  @Test
  void badNumberNamesFlagAndValue() {
    assertEquals(2, run("--tier", "gn8is.2xlarge", "--port", "eighty"));
    assertTrue(err().contains("--port 'eighty': not a number"), err());
    assertEquals(2, run("--tier", "gn8is.2xlarge", "--dtype", "fp4"));
    assertTrue(err().contains("--dtype 'fp4': unknown dtype 'fp4' (expected bf16, fp8 or int4)"), err());
    assertEquals(2, run("--tier", "gn8is.2xlarge", "--prot", "8000"));
    assertTrue(err().contains("unknown option '--prot' (known: --api-key-file, --catalog"), err());
    assertEquals(2, run("--port", "8000"));
    assertTrue(err().contains("--tier is required (e.g. --tier "), err());
  }

  @Test
  void maxInFlightIsParsedAndABadValueNamed() {
    assertEquals(64, EmulatorMain.parse(new String[] {"--tier", "gn8is.2xlarge", "--max-in-flight", "64"}).effectiveMaxInFlight());
    assertEquals(2, run("--tier", "gn8is.2xlarge", "--max-in-flight", "0"));
    assertTrue(err().contains("--max-in-flight '0': expected a number of requests >= 1"), err());
  }

  @Test
  void anApiKeyOnTheCommandLineIsRefusedAndAKeyFileRead() throws Exception {
    assertEquals(2, run("--tier", "gn8is.2xlarge", "--api-key", "sk-secret"));
    assertTrue(err().contains("--api-key is not accepted") && err().contains("--api-key-file"), err());
    assertTrue(!err().contains("sk-secret"), "never echoes the secret: " + err());
    java.nio.file.Path key = java.nio.file.Files.createTempFile("capkit-key", "");
    try {
      java.nio.file.Files.writeString(key, "sk-file\n");
      assertEquals("sk-file", EmulatorMain.parse(new String[] {"--tier", "gn8is.2xlarge", "--api-key-file", key.toString()}).apiKey());
      java.nio.file.Files.writeString(key, "");
      assertEquals(2, run("--tier", "gn8is.2xlarge", "--api-key-file", key.toString()));
      assertTrue(err().contains("--api-key-file '" + key + "': the file's first line is empty"), err());
    } finally {
      java.nio.file.Files.delete(key);
    }
  }

  @Test
  void vllmFlagsStartABf16A10AndBadOnesNameTheFlag() {
    assertEquals(2, run("--tier", "gn7i-c8g1.2xlarge", "--dtype", "bf16", "--port", "0"));
    assertTrue(err().contains("or bf16 at gpu_memory_utilization 0.95 with max_model_len <= 17408"), err());
    assertEquals(0, run("--tier", "gn7i-c8g1.2xlarge", "--dtype", "bf16", "--port", "0", "--loading-seconds", "0",
        "--gpu-memory-utilization", "0.95", "--max-model-len", "17408", "--no-enable-prefix-caching",
        "--limit-mm-per-prompt", "{\"image\":2}"));
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("modelled KV cache 18,368 tokens (~4 screenshot steps at once)"), printed);
    assertTrue(printed.contains("vLLM flags --gpu-memory-utilization 0.95 --max-model-len 17408 --no-enable-prefix-caching"), printed);
    assertEquals(2, run("--tier", "gn7i-c8g1.2xlarge", "--gpu-memory-utilization", "1.5"));
    assertTrue(err().contains("--gpu-memory-utilization '1.5': gpu_memory_utilization: expected a fraction in (0, 1]"), err());
    assertEquals(2, run("--tier", "gn7i-c8g1.2xlarge", "--mm-processor-kwargs", "{\"min_pixels\":3}"));
    assertTrue(err().contains("--mm-processor-kwargs"), err());
  }

  @Test
  void infeasibleConfigSaysMemoryAndAlternatives() {
    assertEquals(2, run("--tier", "gn6i-c4g1.xlarge", "--dtype", "bf16", "--port", "0"));
    assertTrue(err().contains("GiB") && err().contains("would fit: int4"), err());
  }

  @Test
  void brokenCatalogNamesFileAndField(@TempDir Path dir) throws IOException {
    for (String name : new String[] {"models.json", "gpus.json", "tiers.json", "serving.json"}) {
      try (InputStream in = getClass().getClassLoader().getResourceAsStream("capkit/catalog/" + name)) {
        Files.write(dir.resolve(name), in.readAllBytes());
      }
    }
    Path gpus = dir.resolve("gpus.json");
    Files.writeString(gpus, Files.readString(gpus).replaceFirst("\"value\": 320,", "\"value\": \"fast\","));
    assertEquals(2, run("--tier", "gn7e-c16g1.4xlarge", "--catalog", dir.toString(), "--port", "0"));
    assertTrue(err().contains("gpus.json: gpus[0].mem_bandwidth_gbps: expected a number"), err());
    assertTrue(err().contains("\"fast\""), err());
  }
}
