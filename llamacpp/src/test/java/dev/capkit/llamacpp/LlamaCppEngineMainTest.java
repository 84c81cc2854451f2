package dev.capkit.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlamaCppEngineMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return LlamaCppEngineMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), false);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void missingModelFileIsBadInput(@TempDir Path dir) {
    Path missing = dir.resolve("nope.gguf");
    assertEquals(2, run("--gguf", missing.toString(), "--port", "0"));
    assertTrue(err().contains("--gguf " + missing + ": no such file"), err());
  }

  @Test
  void aComputeCpuListThatIsNotOneIsBadInput(@TempDir Path dir) {
    assertEquals(2, run("--gguf", dir.resolve("m.gguf").toString(), "--compute-cpus", "one"));
    assertTrue(err().contains("--compute-cpus 'one' is not a CPU list"), err());
  }

  @Test
  void aFileThatIsNotGgufIsBadInput(@TempDir Path dir) throws Exception {
    Path text = Files.writeString(dir.resolve("model.gguf"), "not a model");
    assertEquals(2, run("--gguf", text.toString(), "--port", "0"));
    assertTrue(err().contains("not a GGUF file"), err());
  }

  @Test
  void flagsAreChecked() {
    assertEquals(2, run("--port", "0"));
    assertTrue(err().contains("give exactly one of --gguf FILE and --generate-model DIR"), err());
    assertEquals(2, run("--gguf", "x.gguf", "--parallel", "many"));
    assertTrue(err().contains("--parallel 'many' is not a whole number"), err());
    assertEquals(0, run("--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("usage: capkit engine"));
  }

  @Test
  void generatesServesAndStops(@TempDir Path dir) {
    assertEquals(0, run("--generate-model", dir.toString(), "--params-m", "3", "--parallel", "2", "--ctx", "512",
        "--threads", "1", "--port", "0"), err());
    String printed = out.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("serving OpenAI API at http://127.0.0.1:"), printed);
    assertTrue(printed.contains("2 slots x 256 tokens of context"), printed);
  }
}
